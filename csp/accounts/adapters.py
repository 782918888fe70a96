"""django-allauth's hooks: nobody signs up; a single sign-on is an invited person's
(``csp.accounts.sso``)."""

from __future__ import annotations

import time
from typing import Any

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import get_authentication_records
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.http import HttpRequest
from django.shortcuts import render
from django.utils import timezone

from csp.accounts.sso import SignInRefused, merged_claims, sso_account


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False  # people are invited by their coordinator (the people page)

    def is_reauthentication_required(self, *, app: str, **kwargs: Any) -> bool:
        """allauth asks for the password again before the second factor's pages; a sign-in
        within ACCOUNT_REAUTHENTICATION_TIMEOUT (5 minutes) counts as that, so a coordinator sent
        to set up a factor straight after signing in is not asked twice."""
        if not super().is_reauthentication_required(app=app, **kwargs):
            return False
        request = self.request
        if request is None or not request.user.is_authenticated:
            return True
        records = get_authentication_records(request, request.user)
        latest = max((r.get("at", 0) for r in records if r.get("method") != "mfa"), default=0)
        return time.time() - latest >= account_settings.REAUTHENTICATION_TIMEOUT


def refusal(request: HttpRequest, message: str) -> ImmediateHttpResponse:
    return ImmediateHttpResponse(
        render(request, "account/sso_refused.html", {"message": message}, status=403)
    )


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest, sociallogin: Any) -> bool:
        return False

    def pre_social_login(self, request: HttpRequest, sociallogin: Any) -> None:
        """Match the sign-in to its account (accepting pending invitations) or refuse it. A
        signed-in person connecting the provider must be the account the address names."""
        linked = sociallogin.user if sociallogin.is_existing else None
        try:
            account = sso_account(
                merged_claims(sociallogin.account.extra_data), linked=linked, now=timezone.now()
            )
        except SignInRefused as refused:
            raise refusal(request, str(refused)) from None
        if sociallogin.state.get("process") == "connect":
            if account != request.user:
                raise refusal(request, "This sign-in belongs to another person's address.")
        elif not sociallogin.is_existing:
            sociallogin.connect(request, account)


class MFAAdapter(DefaultMFAAdapter):
    def build_totp_svg(self, url: str) -> str:
        """The QR code as an element drawn inline (an ``img`` of a data: address would need the
        Content-Security-Policy loosened)."""
        svg = str(super().build_totp_svg(url))
        return svg[svg.index("<svg") :]
