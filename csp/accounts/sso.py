"""Who a single sign-on is: only an invited person, matched by an address the provider vouches
for.

The provider's claims name an address (``email``) and say whether it is verified
(``email_verified``, the OpenID Connect standard claim; Microsoft Entra ID sends none, but its
optional ``xms_edov`` claim says the address's domain is verified by the tenant's owner). An
address not vouched for is refused: anyone can type any address into their own profile at many
providers. A vouched address is matched to an existing account (its e-mail or username), or to
a pending invitation, which the sign-in then accepts. Nobody else gets an account.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q

from csp.invitations import (
    InvitationRefused,
    account_for_email,
    invitations_accept_by_address,
    open_invitations_exist,
)
from csp.users import User

_TRUE = {True, "true", "True", "1"}


class SignInRefused(Exception):
    """Single sign-on cannot sign this person in; the message says why, for them."""


def merged_claims(extra_data: Mapping[str, Any]) -> dict[str, Any]:
    """The ID token's claims overlaid by the userinfo endpoint's (allauth keeps both)."""
    id_token = extra_data.get("id_token")
    userinfo = extra_data.get("userinfo")
    if not isinstance(id_token, Mapping) and not isinstance(userinfo, Mapping):
        return dict(extra_data)  # the claims themselves
    claims: dict[str, Any] = {}
    for part in (id_token, userinfo):
        if isinstance(part, Mapping):
            claims.update(part)
    return claims


def verified_address(claims: Mapping[str, Any]) -> str | None:
    """The address the provider vouches for, lower-cased; None if it names none or does not
    vouch for it."""
    email = claims.get("email")
    if not isinstance(email, str) or "@" not in email:
        return None
    if claims.get("email_verified") in _TRUE or claims.get("xms_edov") in _TRUE:
        return email.strip().lower()
    return None


NOT_VERIFIED = (
    "Your organisation's sign-in did not confirm your e-mail address, so CSP Performance cannot "
    "tell which invitation is yours. Ask your IT team to send a verified e-mail address, or "
    "sign in with your password."
)


def not_invited(email: str) -> str:
    return (
        f"There is no invitation for {email}. Only invited people can sign in: ask your "
        "partnership's coordinator to invite you."
    )


def _account_of(email: str) -> User | None:
    matches = list(
        get_user_model().objects.filter(Q(email__iexact=email) | Q(username__iexact=email))[:2]
    )
    if len(matches) > 1:
        raise SignInRefused(
            f"More than one account uses {email}: ask your partnership's coordinator to sort "
            "this out before you sign in."
        )
    return matches[0] if matches else None


def sso_account(claims: Mapping[str, Any], *, linked: User | None, now: dt.datetime) -> User:
    """The account this sign-in is for: ``linked`` (the account already connected to this
    provider's subject), else the account of the vouched address, else a new one for a pending
    invitation to it. Pending invitations to the address are accepted. Raises SignInRefused."""
    email = verified_address(claims)
    if email is None:
        raise SignInRefused(NOT_VERIFIED)
    with transaction.atomic():
        account = linked if linked is not None else _account_of(email)
        if account is not None and not account.is_active:
            raise SignInRefused("Your account is deactivated: ask your partnership's coordinator.")
        if account is None:
            if not open_invitations_exist(email, now=now):
                raise SignInRefused(not_invited(email))
            account, _ = account_for_email(email)
        if email in {account.email.lower(), account.username.lower()}:
            try:
                invitations_accept_by_address(account, email, now=now)
            except InvitationRefused as refused:
                raise SignInRefused(str(refused)) from None
    return account
