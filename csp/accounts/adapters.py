"""django-allauth's hooks: nobody signs up; a single sign-on is an invited person's
(``csp.accounts.sso``)."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
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
