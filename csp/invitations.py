"""Inviting a person by e-mail: an account whose username is the address, and a single-use link
that expires, to choose a password.

The link is Django's password-reset link (``accounts/reset/<uid>/<token>/``): its token is
derived from the account's password and last login, so it stops working once used, and after
``PASSWORD_RESET_TIMEOUT`` seconds (three days by default)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode


def account_for_email(email: str) -> tuple[Any, bool]:
    """The account named by ``email`` (created without a usable password if new); and whether it
    was created. Raises ValidationError for an address that is not one."""
    email = email.strip().lower()
    validate_email(email)
    user_model = get_user_model()
    account = user_model.objects.filter(username=email).first()
    if account is not None:
        if not account.is_active:
            raise ValidationError(f"The account {email} is deactivated.")
        return account, False
    account = user_model(username=email, email=email)
    account.set_unusable_password()
    account.save()
    return account, True


def invitation_link(account: Any) -> str:
    uid = urlsafe_base64_encode(force_bytes(account.pk))
    token = default_token_generator.make_token(account)
    return settings.SITE_URL + reverse("password_reset_confirm", args=[uid, token])


def invitation_send(account: Any, *, what: str) -> None:
    """E-mail ``account`` a link to choose a password; ``what`` says what they are invited to."""
    days = settings.PASSWORD_RESET_TIMEOUT // 86400
    send_mail(
        subject=f"CSP Performance: you are invited as {what}",
        message=(
            f"You have been invited to CSP Performance as {what}.\n\n"
            f"Your username is {account.username}. Choose your password here (the link works "
            f"once, for {days} day(s)):\n\n{invitation_link(account)}\n"
        ),
        from_email=None,
        recipient_list=[account.email],
    )
