"""Who a single sign-on signs in (csp.accounts.sso.sso_account): the account of the vouched
address (e-mail or username), or a new one for a pending invitation, which is accepted; an
address nobody invited, an unverified one, an expired invitation and a deactivated account are
refused; the provider's subject already linked to an account signs that account in."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from csp.accounts.sso import SignInRefused, sso_account
from csp.models import Agency, Invitation, Partnership, Role, RoleKind
from csp.people.services import RoleAsked, person_invite

pytestmark = pytest.mark.django_db


def _claims(email: str, verified: bool = True) -> dict[str, object]:
    return {"sub": "subject-1", "email": email, "email_verified": verified}


def _invite(email: str, *, now: dt.datetime) -> None:
    partnership = Partnership.objects.get()
    person_invite(
        actor=get_user_model().objects.get(username="coordinator"),
        partnership_id=partnership.pk,
        email=email,
        role=RoleAsked(
            kind=RoleKind.AGENCY_LEAD,
            agency_id=Agency.objects.get(partnership=partnership, code="fire").pk,
        ),
        reason="test",
        now=now,
    )


def test_an_invited_address_gets_an_account_and_its_role() -> None:
    now = timezone.now()
    _invite("New.Lead@example.org", now=now)
    account = sso_account(_claims("new.lead@example.org"), linked=None, now=now)
    assert account.username == "new.lead@example.org" and not account.has_usable_password()
    assert Role.objects.filter(
        user=account, kind=RoleKind.AGENCY_LEAD, agency__code="fire"
    ).exists()
    assert Invitation.objects.get(email__iexact="new.lead@example.org").accepted_by == account


def test_an_existing_account_is_matched_by_its_address_and_keeps_its_password() -> None:
    account = sso_account(_claims("POLICE@example.org"), linked=None, now=timezone.now())
    assert account.username == "police" and account.has_usable_password()


def test_a_known_address_invited_again_signs_in_as_its_account() -> None:
    now = timezone.now()
    board = get_user_model().objects.get(username="board")
    invitation_email = "board.member.elsewhere@example.org"
    board.email = invitation_email
    board.save(update_fields=["email"])
    _invite(invitation_email, now=now)  # the address is known: the role is given at once
    assert Role.objects.filter(user=board, kind=RoleKind.AGENCY_LEAD).exists()
    assert sso_account(_claims(invitation_email), linked=None, now=now) == board


@pytest.mark.parametrize(
    ("claims", "words"),
    [
        (_claims("stranger@example.org"), "There is no invitation for stranger@example.org"),
        (_claims("police@example.org", verified=False), "did not confirm your e-mail address"),
        ({"sub": "x"}, "did not confirm your e-mail address"),
    ],
)
def test_refusals_say_why(claims, words) -> None:
    with pytest.raises(SignInRefused, match=words):
        sso_account(claims, linked=None, now=timezone.now())


def test_an_expired_invitation_does_not_let_anyone_in() -> None:
    sent = timezone.now() - dt.timedelta(days=8)
    _invite("late@example.org", now=sent)
    with pytest.raises(SignInRefused, match="There is no invitation for late@example.org"):
        sso_account(_claims("late@example.org"), linked=None, now=timezone.now())
    assert not get_user_model().objects.filter(username="late@example.org").exists()


def test_a_deactivated_account_is_refused() -> None:
    get_user_model().objects.filter(username="police").update(is_active=False)
    with pytest.raises(SignInRefused, match="deactivated"):
        sso_account(_claims("police@example.org"), linked=None, now=timezone.now())


def test_a_linked_account_signs_in_whatever_its_username() -> None:
    fire = get_user_model().objects.get(username="fire")
    assert sso_account(_claims("fire@example.org"), linked=fire, now=timezone.now()) == fire
