"""The people of a partnership (issue 12, item 2): invitations by e-mail to a role, single use,
seven days from (re)sending, resend voids the old link, revoke; changing a role; removing a
person ends their sessions at once (with the real session engines) and keeps their history;
the last coordinator cannot be removed; nothing outside the coordinator's partnership."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.test import Client

from csp.invitations import InvitationRefused, invitation_accept, invitation_open
from csp.models import Agency, Invitation, Partnership, Role, RoleKind
from csp.people import services
from csp.people.services import PeopleRefused, PersonNotFound, RoleAsked

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2017, 2, 3, 9, 0, tzinfo=dt.UTC)
PASSWORD = "a long enough passphrase 42"
BOARD = RoleAsked(kind=RoleKind.BOARD_MEMBER)


def bd() -> Partnership:
    return Partnership.objects.get(area__code="E09000002")


def coordinator():
    return get_user_model().objects.get(username="coordinator")


def _invite(email: str, role: RoleAsked = BOARD, *, now: dt.datetime = NOW, capture) -> None:
    with capture(execute=True):
        services.person_invite(
            actor=coordinator(), partnership_id=bd().pk, email=email, role=role,
            reason="joins the board", now=now,
        )  # fmt: skip


def _token(message) -> str:
    return re.search(r"/invitations/([^/\s]+)/", message.body).group(1)


def test_a_new_person_is_sent_a_single_use_link_and_accepting_gives_the_role(
    django_capture_on_commit_callbacks,
) -> None:
    people = get_user_model().objects.count()
    _invite("New.Member@Example.org", capture=django_capture_on_commit_callbacks)
    (message,) = mail.outbox
    assert message.to == ["new.member@example.org"]
    assert "board member in Barking and Dagenham" in message.body
    assert "for 7 day(s)" in message.body
    assert get_user_model().objects.count() == people  # nothing made until accepted
    token = _token(message)
    account = invitation_accept(token, account=None, password=PASSWORD, now=NOW)
    assert account.check_password(PASSWORD) and account.username == "new.member@example.org"
    assert Role.objects.filter(user=account, partnership=bd(), kind=RoleKind.BOARD_MEMBER).exists()
    with pytest.raises(InvitationRefused):  # used: never a second time
        invitation_accept(token, account=None, password="another passphrase 99", now=NOW)
    assert get_user_model().objects.get(pk=account.pk).check_password(PASSWORD)
    entry = Role.history.filter(user_id=account.pk).latest("history_date")
    assert (entry.history_change_reason, entry.history_user_id) == (
        "accepted an invitation",
        account.pk,
    )


def test_the_link_expires_seven_days_after_it_was_sent(django_capture_on_commit_callbacks) -> None:
    _invite("late@example.org", capture=django_capture_on_commit_callbacks)
    token = _token(mail.outbox[0])
    seven_days = dt.timedelta(days=7)
    assert invitation_open(token, now=NOW + seven_days - dt.timedelta(seconds=1)) is not None
    assert invitation_open(token, now=NOW + seven_days) is None
    with pytest.raises(InvitationRefused):
        invitation_accept(token, account=None, password=PASSWORD, now=NOW + seven_days)


def test_resending_issues_a_new_link_and_voids_the_old(django_capture_on_commit_callbacks) -> None:
    _invite("resent@example.org", capture=django_capture_on_commit_callbacks)
    old = _token(mail.outbox[0])
    invitation = Invitation.objects.get(email="resent@example.org")
    later = NOW + dt.timedelta(days=6)
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_resend(
            actor=coordinator(), partnership_id=bd().pk, invitation_id=invitation.pk, now=later
        )
    new = _token(mail.outbox[1])
    assert new != old
    assert invitation_open(old, now=later) is None
    # valid seven days from the resend: 6 + 6 days after the first sending
    assert invitation_open(new, now=NOW + dt.timedelta(days=12)) is not None
    assert Invitation.objects.filter(email="resent@example.org").count() == 1


def test_a_revoked_invitation_cannot_be_accepted(django_capture_on_commit_callbacks) -> None:
    _invite("revoked@example.org", capture=django_capture_on_commit_callbacks)
    token = _token(mail.outbox[0])
    invitation = Invitation.objects.get(email="revoked@example.org")
    services.invitation_revoke(
        actor=coordinator(), partnership_id=bd().pk, invitation_id=invitation.pk,
        reason="wrong address", now=NOW,
    )  # fmt: skip
    assert invitation_open(token, now=NOW) is None
    with pytest.raises(InvitationRefused):
        invitation_accept(token, account=None, password=PASSWORD, now=NOW)
    entry = Invitation.history.filter(id=invitation.pk).latest("history_date")
    assert (entry.history_change_reason, entry.history_user_id) == (
        "wrong address",
        coordinator().pk,
    )
    with pytest.raises(PeopleRefused, match="revoked"):
        services.invitation_resend(
            actor=coordinator(), partnership_id=bd().pk, invitation_id=invitation.pk, now=NOW
        )


def test_an_existing_person_is_given_the_role_and_told(django_capture_on_commit_callbacks) -> None:
    existing = get_user_model().objects.create_user(
        username="someone@example.org", email="someone@example.org", password=PASSWORD
    )
    _invite("someone@example.org", capture=django_capture_on_commit_callbacks)
    assert Role.objects.filter(user=existing, partnership=bd(), kind=RoleKind.BOARD_MEMBER).exists()
    assert not Invitation.objects.filter(email="someone@example.org").exists()
    (message,) = mail.outbox
    assert "/invitations/" not in message.body and "/accounts/login/" in message.body
    entry = Role.history.filter(user_id=existing.pk).latest("history_date")
    assert (entry.history_change_reason, entry.history_user_id) == (
        "joins the board",
        coordinator().pk,
    )


def test_an_agency_lead_needs_an_agency_of_the_partnership(
    django_capture_on_commit_callbacks, barnet_without_rounds
) -> None:
    barnet_police = Agency.objects.get(partnership=barnet_without_rounds, code="police")
    with pytest.raises(PeopleRefused, match="agency"):
        _invite(
            "lead@example.org",
            RoleAsked(RoleKind.AGENCY_LEAD, barnet_police.pk),
            capture=django_capture_on_commit_callbacks,
        )
    with pytest.raises(PeopleRefused, match="Choose agency lead"):
        _invite("admin@example.org", RoleAsked(RoleKind.ADMINISTRATOR),
                capture=django_capture_on_commit_callbacks)  # fmt: skip
    assert not Invitation.objects.exists() and not mail.outbox


def test_changing_a_role(django_capture_on_commit_callbacks) -> None:
    board = get_user_model().objects.get(username="board")
    role = Role.objects.get(user=board, partnership=bd(), kind=RoleKind.BOARD_MEMBER)
    fire = Agency.objects.get(partnership=bd(), code="fire")
    services.role_change(
        actor=coordinator(), partnership_id=bd().pk, role_id=role.pk,
        role=RoleAsked(RoleKind.AGENCY_LEAD, fire.pk), reason="now leads for the fire brigade",
    )  # fmt: skip
    role.refresh_from_db()
    assert (role.kind, role.agency_id) == (RoleKind.AGENCY_LEAD, fire.pk)
    entry = Role.history.filter(id=role.pk).latest("history_date")
    assert entry.history_change_reason == "now leads for the fire brigade"


def test_the_last_coordinator_cannot_be_removed_or_demoted() -> None:
    me = coordinator()
    (role,) = Role.objects.filter(partnership=bd(), kind=RoleKind.COORDINATOR)
    with pytest.raises(PeopleRefused, match="only coordinator"):
        services.person_remove(
            actor=me, partnership_id=bd().pk, user_id=me.pk, reason="leaving", now=NOW
        )
    with pytest.raises(PeopleRefused, match="only coordinator"):
        services.role_change(
            actor=me, partnership_id=bd().pk, role_id=role.pk, role=BOARD, reason="x"
        )
    assert Role.objects.filter(pk=role.pk, kind=RoleKind.COORDINATOR).exists()


@pytest.mark.parametrize(
    "engine",
    ["django.contrib.sessions.backends.cached_db", "django.contrib.sessions.backends.db"],
)
def test_removing_a_person_ends_their_sessions_and_keeps_their_history(
    engine: str, settings
) -> None:
    settings.SESSION_ENGINE = engine
    board = get_user_model().objects.get(username="board")
    browsers = [Client(), Client()]
    for browser in browsers:
        browser.force_login(board)  # a real session, in the engine's own store
        assert browser.get("/packs/").status_code == 200
    other = Client()
    other.force_login(coordinator())
    removed = services.person_remove(
        actor=coordinator(), partnership_id=bd().pk, user_id=board.pk,
        reason="left the board", now=dt.datetime.now(dt.UTC),
    )  # fmt: skip
    assert removed == 1
    for browser in browsers:
        page = browser.get("/packs/")
        assert page.status_code == 302 and page["Location"].startswith(settings.LOGIN_URL)
    assert other.get("/rounds/").status_code == 200  # nobody else is signed out
    assert get_user_model().objects.filter(pk=board.pk).exists()
    assert not Role.objects.filter(user=board, partnership=bd()).exists()
    entry = Role.history.filter(user_id=board.pk, history_type="-").get()
    assert (entry.history_change_reason, entry.history_user_id) == (
        "left the board",
        coordinator().pk,
    )
    assert not [
        s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(board.pk)
    ]


def test_a_coordinator_acts_only_in_their_partnership(barnet_without_rounds) -> None:
    barnet = barnet_without_rounds
    barnet_coordinator = get_user_model().objects.get(username="barnet.coordinator@example.org")
    board = get_user_model().objects.get(username="board")
    with pytest.raises(PermissionDenied):  # Barking and Dagenham's people, from Barnet
        services.person_remove(
            actor=barnet_coordinator, partnership_id=bd().pk, user_id=board.pk,
            reason="x", now=NOW,
        )  # fmt: skip
    with pytest.raises(PersonNotFound):  # and within Barnet, Barking's person is no one
        services.person_remove(
            actor=barnet_coordinator, partnership_id=barnet.pk, user_id=board.pk,
            reason="x", now=NOW,
        )  # fmt: skip
    role = Role.objects.get(user=board, partnership=bd())
    with pytest.raises(PersonNotFound):
        services.role_change(
            actor=barnet_coordinator, partnership_id=barnet.pk, role_id=role.pk, role=BOARD,
            reason="x",
        )  # fmt: skip
    assert Role.objects.filter(user=board, partnership=bd()).exists()
    lead = get_user_model().objects.get(username="police")
    with pytest.raises(PermissionDenied):  # an agency lead manages nobody
        services.person_invite(
            actor=lead, partnership_id=bd().pk, email="x@example.org", role=BOARD,
            reason="", now=NOW,
        )  # fmt: skip
    assert settings.SESSION_ENGINE  # the real engine, not a stub
