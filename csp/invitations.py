"""Inviting a person by e-mail.

Two kinds of link, one wording:

- ``setup_partnership``'s coordinator: an account whose username is the address, created at
  once with its role, and Django's password-reset link (``accounts/reset/<uid>/<token>/``),
  whose token is derived from the account's password and last login, so it stops working once
  used, and after ``PASSWORD_RESET_TIMEOUT`` seconds.
- The people page's invitations (``Invitation``): a random token kept only as its SHA-256
  digest, valid for ``INVITATION_DAYS`` days from when it was (re)sent, used once. Nothing is
  created until the person accepts: then ``invitation_accept`` creates the account (or finds
  the one of that address) and the role. The accept step takes an account, not a password, so
  a sign-in through single sign-on can accept an invitation the same way.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from csp.mail import send_templated
from csp.models import Invitation, Role, RoleKind
from csp.users import User, stamp_change

INVITATION_DAYS = 7


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


def _invitation_mail(email: str, *, what: str, link: str, days: int) -> None:
    send_templated(
        name="invitation",
        subject=f"CSP Performance: you are invited as {what}",
        context={"what": what, "email": email, "link": link, "days": days},
        to=[email],
    )


def invitation_send(account: Any, *, what: str) -> None:
    """E-mail ``account`` a link to choose a password; ``what`` says what they are invited to."""
    days = settings.PASSWORD_RESET_TIMEOUT // 86400
    _invitation_mail(account.email, what=what, link=invitation_link(account), days=days)


# --- the people page's invitations ------------------------------------------------------------


def role_words(kind: str, agency_name: str | None, partnership_name: str) -> str:
    """ "agency lead of Police in Barnet Community Safety Partnership"."""
    label = str(RoleKind(kind).label).lower()
    of_agency = f" of {agency_name}" if agency_name else ""
    return f"{label}{of_agency} in {partnership_name}"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_issue(invitation: Invitation, *, now: dt.datetime) -> str:
    """A new token for ``invitation`` (the old one, if any, stops working), valid for
    ``INVITATION_DAYS`` days from ``now``. The caller saves the invitation."""
    token = secrets.token_urlsafe(32)
    invitation.token_digest = _digest(token)
    invitation.sent_at = now
    invitation.expires_at = now + dt.timedelta(days=INVITATION_DAYS)
    return token


def invitation_url(token: str) -> str:
    return settings.SITE_URL + reverse("invitation_accept", args=[token])


def invitation_mail(invitation: Invitation, token: str) -> None:
    """E-mail the invitation's link (call after the transaction commits)."""
    what = role_words(
        invitation.kind,
        invitation.agency.name if invitation.agency else None,
        invitation.partnership.name,
    )
    _invitation_mail(invitation.email, what=what, link=invitation_url(token), days=INVITATION_DAYS)


def role_added_mail(email: str, *, what: str) -> None:
    """Tell a person who already has an account that they now hold a role."""
    send_templated(
        name="role_added",
        subject=f"CSP Performance: you are now {what}",
        context={"what": what, "email": email, "link": settings.SITE_URL + reverse("login")},
        to=[email],
    )


def invitation_open(token: str, *, now: dt.datetime) -> Invitation | None:
    """The invitation ``token`` opens now: not accepted, not revoked, not expired, and its
    latest token. None otherwise (the page says only that the link no longer works)."""
    if not token or len(token) > 100:
        return None
    invitation = (
        Invitation.objects.select_related("partnership", "agency")
        .filter(token_digest=_digest(token))
        .first()
    )
    if invitation is None or invitation.accepted_at or invitation.revoked_at:
        return None
    return invitation if now < invitation.expires_at else None


class InvitationRefused(ValueError):
    """The invitation cannot be accepted; the message says why."""


def invitation_accept(
    token: str, *, account: User | None, password: str | None, now: dt.datetime
) -> User:
    """Accept the invitation of ``token``: with a password (the account of its address, created
    if new, gets that password) or with ``account`` (a person already signed in some other
    way, such as single sign-on, whose verified address is the invitation's). Creates the role;
    marks the invitation used. One transaction, the invitation's row locked first."""
    with transaction.atomic():
        found = invitation_open(token, now=now)
        invitation = (
            Invitation.objects.select_for_update().filter(pk=found.pk).first() if found else None
        )
        if invitation is None or invitation.accepted_at or invitation.revoked_at:
            raise InvitationRefused("This invitation link no longer works.")
        if account is None:
            try:
                account, _ = account_for_email(invitation.email)
            except ValidationError:
                raise InvitationRefused(
                    "This invitation cannot be accepted: ask the coordinator who sent it."
                ) from None
            if password is None:
                raise InvitationRefused("Choose a password.")
            account.set_password(password)
            account.save()
        elif account.email.lower() != invitation.email.lower() or not account.is_active:
            raise InvitationRefused("This invitation is for another address.")
        _grant(invitation, account, now=now)
    return account


def _grant(invitation: Invitation, account: User, *, now: dt.datetime) -> None:
    """The invitation's role for ``account`` (unless held already); the invitation used. In
    the caller's transaction, the invitation's row locked."""
    if not Role.objects.filter(
        user=account,
        partnership_id=invitation.partnership_id,
        kind=invitation.kind,
        agency=invitation.agency,
    ).exists():
        role = Role(
            user=account,
            partnership_id=invitation.partnership_id,
            kind=invitation.kind,
            agency_id=invitation.agency_id,
        )
        stamp_change(role, account, "accepted an invitation")
        role.save()
    invitation.accepted_at, invitation.accepted_by = now, account
    stamp_change(invitation, account, "accepted")
    invitation.save(update_fields=["accepted_at", "accepted_by"])


def invitations_accept_by_address(account: User, email: str, *, now: dt.datetime) -> int:
    """Accept every open invitation to ``email`` for ``account``: single sign-on, whose
    provider has confirmed the person holds that address, needs no link. One transaction,
    the invitations' rows locked. Returns how many were accepted."""
    email = email.strip().lower()
    if email not in {account.email.lower(), account.username.lower()} or not account.is_active:
        raise InvitationRefused("This invitation is for another address.")
    with transaction.atomic():
        invitations = list(
            Invitation.objects.select_for_update(of=("self",))
            .filter(email__iexact=email, accepted_at=None, revoked_at=None, expires_at__gt=now)
            .order_by("pk")
        )
        for invitation in invitations:
            _grant(invitation, account, now=now)
    return len(invitations)


def open_invitations_exist(email: str, *, now: dt.datetime) -> bool:
    return Invitation.objects.filter(
        email__iexact=email.strip(), accepted_at=None, revoked_at=None, expires_at__gt=now
    ).exists()
