"""The sign-in page (allauth's view, the app's template) and the allauth pages this app does
not offer."""

from __future__ import annotations

from typing import Any

from allauth.account.views import LoginView as AllauthLoginView
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode


def sso_button() -> dict[str, str] | None:
    """The configured OpenID Connect provider's name and the address its button posts to."""
    apps = settings.SOCIALACCOUNT_PROVIDERS.get("openid_connect", {}).get("APPS", [])
    if not apps:
        return None
    app = apps[0]
    url = reverse("openid_connect_login", kwargs={"provider_id": app["provider_id"]})
    return {"name": app["name"], "url": url}


class LoginView(AllauthLoginView):  # type: ignore[misc]  # allauth ships no type hints
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


def to_password_reset(request: HttpRequest, **_: object) -> HttpResponse:
    """allauth's password pages: the app's own (Django's, in the app's look) instead."""
    return redirect("password_reset")


def to_password_change(request: HttpRequest, **_: object) -> HttpResponse:
    return redirect("password_change")


def not_offered(request: HttpRequest, **_: object) -> HttpResponse:
    """Sign-up and e-mail management: people are invited, their address is the invitation's."""
    return redirect("login")
