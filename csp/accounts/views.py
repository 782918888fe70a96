"""The sign-in page (allauth's view, the app's template) and the allauth pages this app does
not offer."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from allauth.account.views import LoginView as AllauthLoginView
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from csp.security import build_policy


def _sso_app() -> dict[str, Any] | None:
    providers: Any = getattr(settings, "SOCIALACCOUNT_PROVIDERS", {})
    apps = providers.get("openid_connect", {}).get("APPS", [])
    return dict(apps[0]) if apps else None


def sign_in_policy() -> str | None:
    """The sign-in page's Content-Security-Policy: the site's, with the provider's origin added
    to form-action, since the single sign-on button's form is answered by a redirect there
    (browsers apply form-action to a form's redirects too). None when there is no provider."""
    app = _sso_app()
    if app is None:
        return None
    parts = urlsplit(app["settings"]["server_url"])
    directives = dict(settings.CONTENT_SECURITY_POLICY["DIRECTIVES"])
    directives["form-action"] = [*directives["form-action"], f"{parts.scheme}://{parts.netloc}"]
    return build_policy(directives)


def sso_button() -> dict[str, str] | None:
    """The configured OpenID Connect provider's name and the address its button posts to."""
    app = _sso_app()
    if app is None:
        return None
    url = reverse("openid_connect_login", kwargs={"provider_id": app["provider_id"]})
    return {"name": app["name"], "url": url}


class LoginView(AllauthLoginView):
    template_name = "account/login.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)
        button = sso_button()
        if button is not None:
            query = {"process": "login"}
            if context.get("redirect_field_value"):
                query["next"] = context["redirect_field_value"]
            button["url"] += "?" + urlencode(query)
        context["sso"] = button
        return context

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response: HttpResponse = super().dispatch(request, *args, **kwargs)
        policy = sign_in_policy()
        if policy is not None:
            response.headers["Content-Security-Policy"] = policy
        return response


def to_password_reset(request: HttpRequest, **_: object) -> HttpResponse:
    """allauth's password pages: the app's own (Django's, in the app's look) instead."""
    return redirect("password_reset")


def to_password_change(request: HttpRequest, **_: object) -> HttpResponse:
    return redirect("password_change")


def not_offered(request: HttpRequest, **_: object) -> HttpResponse:
    """Sign-up and e-mail management: people are invited, their address is the invitation's."""
    return redirect("login")
