"""A coordinator or install administrator with no second factor is sent to set one up before
any other page (when the deployment requires it: ``MFA_REQUIRED``)."""

from __future__ import annotations

from collections.abc import Callable

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect

from csp.permissions import second_factor_required

# The pages a person must still reach: setting the factor up, signing out, the password pages.
EXEMPT = ("/accounts/", "/static/", "/healthz", "/readyz")
SETUP_URL_NAME = "mfa_activate_totp"


def has_second_factor(user: object) -> bool:
    return bool(is_mfa_enabled(user, [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]))


def needs_setting_up(request: HttpRequest) -> bool:
    if not settings.MFA_REQUIRED or request.path.startswith(EXEMPT):
        return False
    user = getattr(request, "user", None)
    return second_factor_required(user) and not has_second_factor(user)  # type: ignore[arg-type]


class RequireSecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if needs_setting_up(request):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"detail": "Set up a second factor at /accounts/2fa/totp/activate/ first."},
                    status=403,
                )
            messages.info(request, "Your role needs a second factor: set one up to go on.")
            return redirect(SETUP_URL_NAME)
        return self.get_response(request)
