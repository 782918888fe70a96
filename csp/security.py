"""Security headers and session lifetimes (see docs/adr/0007-production-profile.md).

The Content-Security-Policy is set here rather than by django-csp: that library's import name is
``csp``, which this project's own package already is, so ``csp.middleware`` can never be
imported (ADR 0007). The policy keeps django-csp 4's settings shape
(``CONTENT_SECURITY_POLICY = {"DIRECTIVES": {...}}``) so the switch, should the clash ever be
resolved, is one line in MIDDLEWARE.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.http import HttpRequest, HttpResponse

# Session keys of the two lifetimes, in seconds since the epoch (JSON-serialisable).
SESSION_STARTED = "_csp_started"
SESSION_SEEN = "_csp_seen"
# Activity moves the idle deadline on at most once a minute, so reading a page does not write the
# session on every request; the idle limit is therefore exact to within a minute.
SEEN_RESOLUTION_SECONDS = 60

# Django's own DEBUG error pages (technical 404/500) carry inline style and script; they exist
# only while debugging and are marked with this tag.
_TECHNICAL_PAGE_MARK = b'<meta name="robots" content="NONE,NOARCHIVE">'


def build_policy(directives: Mapping[str, Sequence[str] | bool]) -> str:
    """``{"default-src": ["'self'"], "upgrade-insecure-requests": True}`` → header value."""
    parts = []
    for name, value in directives.items():
        if value is True:
            parts.append(name)
        elif value:
            parts.append(f"{name} {' '.join(value)}")
    return "; ".join(parts)


def build_permissions_policy(features: Mapping[str, Sequence[str]]) -> str:
    """``{"camera": [], "fullscreen": ["self"]}`` → ``camera=(), fullscreen=(self)``."""
    return ", ".join(f"{name}=({' '.join(allow)})" for name, allow in features.items())


class SecurityHeadersMiddleware:
    """Adds Content-Security-Policy and Permissions-Policy to every response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.csp = build_policy(settings.CONTENT_SECURITY_POLICY["DIRECTIVES"])
        self.permissions = build_permissions_policy(settings.PERMISSIONS_POLICY)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.csp and not (settings.DEBUG and self._is_technical_page(response)):
            response.headers.setdefault("Content-Security-Policy", self.csp)
        if self.permissions:
            response.headers.setdefault("Permissions-Policy", self.permissions)
        return response

    @staticmethod
    def _is_technical_page(response: HttpResponse) -> bool:
        return (
            response.status_code in (404, 500)
            and not getattr(response, "streaming", False)
            and _TECHNICAL_PAGE_MARK in response.content
        )


class SessionLifetimeMiddleware:
    """Ends a signed-in session after SESSION_IDLE_MINUTES without a request, or
    SESSION_MAX_HOURS after sign-in whatever its activity.

    The idle limit is also the session's expiry (SESSION_COOKIE_AGE), which this middleware
    pushes forward on activity, so the database and cache drop an idle session by themselves;
    the absolute limit can only be checked here. Goes after SessionMiddleware and before
    AuthenticationMiddleware, so a session ended here is anonymous for the rest of the request.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.idle = settings.SESSION_IDLE_SECONDS
        self.maximum = settings.SESSION_MAX_SECONDS

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = request.session
        if session.session_key is not None and SESSION_KEY in session:
            now = int(time.time())
            started = session.get(SESSION_STARTED)
            seen = session.get(SESSION_SEEN, started)
            if started is None:
                # Signed in before this middleware existed: the absolute limit starts now.
                session[SESSION_STARTED] = session[SESSION_SEEN] = now
            elif now - started >= self.maximum or now - seen >= self.idle:
                session.flush()
            elif now - seen >= SEEN_RESOLUTION_SECONDS:
                session[SESSION_SEEN] = now  # saving the session moves its expiry on too
        return self.get_response(request)


def session_mark_signed_in(*, request: HttpRequest, **_: object) -> None:
    """Start both clocks at sign-in (a ``user_logged_in`` receiver, connected in CspConfig)."""
    now = int(time.time())
    request.session[SESSION_STARTED] = now
    request.session[SESSION_SEEN] = now
