"""Permissions as a matrix: role x action x ownership, every cell asserted.

The cast (healthchecks.io style): the police lead (owns TNO), the fire lead (another agency),
the coordinator, a board member and an anonymous visitor. Each cell is checked twice: the rule in
csp.permissions, and the page or service that must obey it.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.test import Client

from csp import permissions
from csp.models import Agency, Invitation
from submissions.models import Action, ReportingRound, Submission

pytestmark = pytest.mark.django_db

CAST = ["own_lead", "other_lead", "coordinator", "board", "anonymous"]
USERNAMES = {
    "own_lead": "police",
    "other_lead": "fire",
    "coordinator": "coordinator",
    "board": "board",
}

# action -> the roles allowed (for the police-owned TNO submission of the open January round)
MATRIX = {
    "view_draft": {"own_lead", "coordinator"},
    "save": {"own_lead", "coordinator"},
    "submit": {"own_lead", "coordinator"},
    "approve": {"coordinator"},
    "return": {"coordinator"},
    "override_rag": {"coordinator"},
    "publish": {"coordinator"},
    "correct": {"coordinator"},
    "open_round": {"coordinator"},
    "close_round": {"coordinator"},
    "reopen_round": {"coordinator"},
    "view_unpublished": {"own_lead", "coordinator"},
    "view_published_pack": {"own_lead", "other_lead", "coordinator", "board"},
    # The action log of TNO (issue 13, item 7): whoever sees its submission adds and changes.
    "view_actions": {"own_lead", "coordinator"},
    "edit_actions": {"own_lead", "coordinator"},
    # The people of the partnership (issue 12, item 2): its coordinator only.
    "manage_people": {"coordinator"},
    # The partnership's settings (issue 12): its coordinator only.
    "manage_settings": {"coordinator"},
}


def person(role: str):
    if role == "anonymous":
        return AnonymousUser()
    return get_user_model().objects.get(username=USERNAMES[role])


def rule(action: str, user, sub: Submission) -> bool:
    partnership = sub.round.partnership_id
    return {
        "view_draft": lambda: permissions.can_view_submission(user, sub),
        "save": lambda: permissions.can_edit_submission(user, sub),
        "submit": lambda: permissions.can_submit(user, sub),
        "approve": lambda: permissions.can_approve(user, sub),
        "return": lambda: permissions.can_return(user, sub),
        "override_rag": lambda: permissions.can_override_rag(user, sub),
        "publish": lambda: permissions.can_publish(user, partnership),
        "correct": lambda: permissions.can_correct(user, sub),
        "open_round": lambda: permissions.can_manage_rounds(user, partnership),
        "close_round": lambda: permissions.can_manage_rounds(user, partnership),
        "reopen_round": lambda: permissions.can_reopen_round(user, partnership),
        "view_unpublished": lambda: permissions.can_view_unpublished(
            user, partnership, sub.adoption.owner_id
        ),
        "view_published_pack": lambda: permissions.can_view_published_pack(user, partnership),
        "view_actions": lambda: permissions.can_view_actions(user, sub.adoption),
        "edit_actions": lambda: permissions.can_edit_actions(user, sub.adoption),
        "manage_people": lambda: permissions.can_manage_people(user, partnership),
        "manage_settings": lambda: permissions.can_manage_settings(user, partnership),
    }[action]()


@pytest.mark.parametrize("action", sorted(MATRIX))
@pytest.mark.parametrize("role", CAST)
def test_permission_rule(role: str, action: str) -> None:
    sub = Submission.objects.select_related("round", "indicator").get(
        round__month=dt.date(2017, 1, 1), indicator__code="tno"
    )
    assert rule(action, person(role), sub) is (role in MATRIX[action])


def _client(role: str) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(person(role))
    return client


def _tno() -> Submission:
    return Submission.objects.get(round__month=dt.date(2017, 1, 1), indicator__code="tno")


def _form(sub: Submission, action: str) -> dict[str, object]:
    return {"entry_status": "reported", "value": "1420", "version": sub.version, "action": action}


def page(action: str, role: str) -> bool:
    """Does the page let the role do it? True when the action took effect."""
    sub = _tno()
    client = _client(role)
    if action == "view_draft":
        return client.get(f"/submissions/{sub.pk}/").status_code == 200
    if action in {"save", "submit"}:
        client.post(f"/submissions/{sub.pk}/", _form(sub, action))
        return _tno().status == ("draft" if action == "save" else "submitted")
    if action in {"approve", "return"}:
        Submission.objects.filter(pk=sub.pk).update(status="submitted", value=1420)
        client.post(f"/submissions/{sub.pk}/{action}/", {"reason": "Check it"})
        return _tno().status == ("approved" if action == "approve" else "returned")
    if action == "override_rag":
        client.post(f"/submissions/{sub.pk}/override/", {"rag": "G", "justification": "x"})
        return _tno().rag_override == "G"
    if action == "publish":
        jan = ReportingRound.objects.get(month=dt.date(2017, 1, 1))
        Submission.objects.filter(round=jan).update(
            status="approved", entry_status="not_available", reason="x"
        )
        client.post(f"/rounds/{jan.pk}/", {"change_note": ""})
        return jan.versions.exists()
    if action == "correct":
        dec = Submission.objects.get(round__month=dt.date(2016, 12, 1), indicator__code="tno")
        client.post(f"/submissions/{dec.pk}/reopen/", {"reason": "fix"})
        dec.refresh_from_db()
        return dec.status == "draft"
    if action in {"open_round", "close_round", "reopen_round"}:
        return round_page(action, client)
    if action == "view_unpublished":
        # The coordinator's review queue and the lead's list show January's unpublished figure.
        Submission.objects.filter(pk=sub.pk).update(status="submitted", value=98765)
        html = client.get("/review/?status=").content + client.get("/submissions/").content
        return b"98,765" in html
    if action == "view_published_pack":
        return client.get("/packs/E09000002/2016-12/").status_code == 200
    if action == "view_actions":
        # TNO's seed action, on its January entry form's panel.
        return (
            b"Total Notifiable Offences is up 7%" in client.get(f"/submissions/{sub.pk}/").content
        )
    if action == "edit_actions":
        owner = f"agency:{sub.adoption.owner_id}"
        client.post(f"/submissions/{sub.pk}/actions/",
                    {"text": "Matrix action", "owner": owner, "status": "open"})  # fmt: skip
        return Action.objects.filter(text="Matrix action").exists()
    if action == "manage_people":
        invite = {"email": "matrix@example.org", "role": "board_member", "reason": ""}
        client.post("/partnership/people/", invite)
        return Invitation.objects.filter(email="matrix@example.org").exists()
    if action == "manage_settings":
        # Add an agency from the settings page.
        client.post("/settings/agencies/", {"name": "Matrix agency", "reason": "matrix"})
        return Agency.objects.filter(name="Matrix agency").exists()
    raise AssertionError(action)


@pytest.mark.parametrize("action", sorted(MATRIX))
@pytest.mark.parametrize("role", CAST)
def test_pages_obey_the_matrix(role: str, action: str) -> None:
    assert page(action, role) is (role in MATRIX[action])


def round_page(action: str, client: Client) -> bool:
    """Open, close or reopen a round from the pages; True when it took effect."""
    if action == "open_round":
        client.post("/rounds/", {"month": "2017-02", "deadline": "2017-03-10"})
        # Another partnership's coordinator opens their own round here, never this one.
        return ReportingRound.objects.filter(
            month=dt.date(2017, 2, 1), partnership__area__code="E09000002"
        ).exists()
    if action == "close_round":
        jan = ReportingRound.objects.get(month=dt.date(2017, 1, 1))
        client.post(f"/rounds/{jan.pk}/close/")
        return ReportingRound.objects.get(pk=jan.pk).status == "closed"
    dec = ReportingRound.objects.get(month=dt.date(2016, 12, 1))
    client.post(f"/rounds/{dec.pk}/reopen/", {"reason": "Fire figures"})
    return ReportingRound.objects.get(pk=dec.pk).status == "reopened"


ROUND_ACTIONS = ["open_round", "close_round", "publish", "reopen_round"]


def _outsider(role: str):
    """The administrator, or the coordinator of another partnership."""
    if role == "admin":
        return get_user_model().objects.get(username="admin")
    from csp.models import Area, Partnership, Role

    barnet = Partnership.objects.create(name="Barnet CSP", area=Area.objects.get(code="E09000003"))
    stranger = get_user_model().objects.create(username="barnet-coordinator")
    Role.objects.create(user=stranger, partnership=barnet, kind="coordinator")
    return stranger


@pytest.mark.parametrize("action", ROUND_ACTIONS)
@pytest.mark.parametrize("role", ["admin", "other_partnership"])
def test_neither_the_administrator_nor_another_partnership_acts_on_rounds(
    role: str, action: str
) -> None:
    user = _outsider(role)
    sub = _tno()
    assert rule(action, user, sub) is False
    client = Client()
    client.force_login(user)
    if action == "publish":
        jan = ReportingRound.objects.get(month=dt.date(2017, 1, 1))
        Submission.objects.filter(round=jan).update(
            status="approved", entry_status="not_available", reason="x"
        )
        client.post(f"/rounds/{jan.pk}/", {"change_note": ""})
        assert not jan.versions.exists()
    else:
        assert round_page(action, client) is False
