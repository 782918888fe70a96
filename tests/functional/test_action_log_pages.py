"""The action log on the pages and the API (issue 13, item 7): the entry form carries the open
actions and changes them inline; the pack page shows the log frozen at publish; the summary
counts the overdue ones; ``/api/actions/`` reads and writes within the caller's partnerships."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from indicators.models import Adoption
from submissions.actions_log import services
from submissions.actions_log.rules import Owner
from submissions.cycle import services as cycle
from submissions.models import Action, ReportingRound, Submission
from submissions.packs.publish import round_publish

pytestmark = pytest.mark.django_db
DEC, JAN = dt.date(2016, 12, 1), dt.date(2017, 1, 1)
PACK = "/packs/E09000002/2016-12/"
HATE_SEED = "TBC: Please Note: The hate crime dashboard is currently due to be updated"


def user(name: str):
    return get_user_model().objects.get(username=name)


def signed_in(name: str) -> Client:
    client = Client()
    client.force_login(user(name))
    return client


def jan(code: str) -> Submission:
    return Submission.objects.get(round__month=JAN, indicator__code=code)


def test_the_entry_form_shows_the_open_actions_carried_from_december() -> None:
    body = signed_in("police").get(f"/submissions/{jan('hate-crime').pk}/").content.decode()
    panel = body[body.index('id="action-log"') :]
    assert HATE_SEED in panel
    assert "28 February 2017" in panel and "Metropolitan Police Service" in panel
    assert "Add an action" in panel and "Update this action" in panel
    # The board member cannot open the entry form at all; a lead of another agency neither.
    assert signed_in("fire").get(f"/submissions/{jan('hate-crime').pk}/").status_code == 404


def test_the_lead_adds_updates_and_marks_done_inline() -> None:
    client = signed_in("police")
    sub = jan("burglary")
    police_agency = f"agency:{sub.adoption.owner_id}"
    response = client.post(
        f"/submissions/{sub.pk}/actions/",
        {"text": "Target the RM8 hotspots", "owner": police_agency, "due_date": "2017-01-20",
         "status": "open"},
    )  # fmt: skip
    assert response.status_code == 302 and response.url.endswith("#action-log")
    added = Action.objects.get(text="Target the RM8 hotspots")
    assert (added.created_in, added.due_date, added.adoption_id) == (
        JAN,
        dt.date(2017, 1, 20),
        sub.adoption_id,
    )
    prefix = f"a{added.pk}-"
    client.post(
        f"/submissions/{sub.pk}/actions/{added.pk}/",
        {prefix + "text": added.text, prefix + "owner": police_agency,
         prefix + "due_date": "2017-01-20", prefix + "status": "done"},
    )  # fmt: skip
    added.refresh_from_db()
    assert (added.status, added.closed_in) == ("done", JAN)
    body = client.get(f"/submissions/{sub.pk}/").content.decode()
    row = re.search(rf'<tr id="action-{added.pk}" data-status="(\w+)"', body)
    assert row is not None and row.group(1) == "done"


def test_an_action_of_another_indicator_cannot_be_changed_through_this_form() -> None:
    client = signed_in("coordinator")
    hate = Action.objects.get(adoption__indicator__code="hate-crime", created_in=DEC)
    sub = jan("burglary")
    owner = f"agency:{sub.adoption.owner_id}"
    p = f"a{hate.pk}-"
    client.post(
        f"/submissions/{sub.pk}/actions/{hate.pk}/",
        {p + "text": "x", p + "owner": owner, p + "due_date": "", p + "status": "done"},
    )
    assert Action.objects.get(pk=hate.pk).status == "open"


def test_a_bad_entry_is_refused_with_a_message_and_nothing_saved() -> None:
    client = signed_in("police")
    sub = jan("burglary")
    before = Action.objects.count()
    response = client.post(
        f"/submissions/{sub.pk}/actions/",
        {"text": "", "owner": "agency:999999", "due_date": "soon", "status": "open"},
        follow=True,
    )
    assert Action.objects.count() == before
    body = response.content.decode()
    assert "Action not saved" in body


def test_the_pack_page_shows_the_frozen_log() -> None:
    body = signed_in("board").get(PACK + "hate-crime/").content.decode()
    log = body[body.index('id="action-log"') :]
    assert HATE_SEED in log and "28 February 2017" in log and "Open" in log
    # A page without actions shows the free text (empty for re-offending: a dash).
    body = signed_in("board").get(PACK + "reoffending-young/").content.decode()
    assert 'id="actions-text"' in body and 'id="action-log"' not in body


def test_the_summary_counts_the_overdue_actions_of_the_published_version(
    django_capture_on_commit_callbacks,
) -> None:
    board = signed_in("board")
    assert "No actions overdue" in board.get(PACK).content.decode()
    coordinator = user("coordinator")
    tno = Adoption.objects.get(indicator__code="tno", partnership__area__code="E09000002")
    police = Owner(agency_id=tno.owner_id)
    for code, due, status in [
        ("tno", dt.date(2016, 12, 15), "open"),  # overdue: 15 < 31 December
        ("robbery", dt.date(2016, 11, 30), "off_track"),  # overdue
        ("burglary", dt.date(2016, 12, 30), "on_track"),  # overdue: 30 < 31 December
        ("arson", dt.date(2016, 12, 31), "open"),  # due on the last day: not overdue
        ("knife-crime", None, "open"),  # no due date
    ]:
        services.action_create(
            adoption_id=Adoption.objects.get(
                indicator__code=code, partnership__area__code="E09000002"
            ).pk,
            user=coordinator, text=f"Overdue test {code}", owner=police, due_date=due,
            status=status, month=DEC,
        )  # fmt: skip
    # Version 1 is frozen: still none overdue until a new version is published.
    assert "No actions overdue" in board.get(PACK).content.decode()
    dec = ReportingRound.objects.get(partnership__area__code="E09000002", month=DEC)
    now = timezone.now()
    cycle.round_reopen(round_id=dec.pk, user=coordinator, reason="Action log", now=now)
    with django_capture_on_commit_callbacks(execute=True):  # forgets the cached versions
        round_publish(
            round_id=dec.pk,
            user=coordinator,
            change_note="Action log",
            now=now,
            confirm_note="The seed's commentary, published as the board saw it in 2016.",
        )
    body = board.get(PACK).content.decode()
    # 3 overdue (the seed's own are due in February and March 2017).
    assert re.search(r'id="actions-overdue">.*3 actions overdue', body)
    assert "Actions" in body[body.index('id="changes"') :]  # "what changed" names the log


# --- the API ----------------------------------------------------------------------------------


def api(name: str) -> APIClient:
    client = APIClient()
    client.force_authenticate(user(name))
    return client


def test_api_lists_the_actions_the_caller_may_see() -> None:
    rows = api("fire").get("/api/actions/?page_size=100").json()["results"]
    # The fire brigade owns outdoor rubbish fires, arson and vehicle arson: 3 seed actions.
    assert sorted(r["indicator"] for r in rows) == ["arson", "outdoor-rubbish-fires",
                                                   "vehicle-arson"]  # fmt: skip
    assert rows[0]["owner"]["kind"] == "agency" and rows[0]["created_in"] == "2016-12"
    assert api("coordinator").get("/api/actions/").json()["count"] == 32
    assert api("board").get("/api/actions/").json()["count"] == 0
    assert APIClient().get("/api/actions/").status_code in {401, 403}


def test_api_creates_and_patches_within_the_callers_partnership() -> None:
    client = api("fire")
    created = client.post(
        "/api/actions/",
        {"indicator": "arson", "text": "Remove abandoned mopeds", "due_date": "2017-02-15",
         "month": "2017-01"},
        format="json",
    )  # fmt: skip
    assert created.status_code == 201, created.content
    data = created.json()
    assert (data["owner"]["code"], data["status"], data["created_in"]) == ("fire", "open",
                                                                           "2017-01")  # fmt: skip
    done = client.patch(
        f"/api/actions/{data['id']}/", {"status": "done", "month": "2017-01"}, format="json"
    )
    assert done.status_code == 200 and done.json()["closed_in"] == "2017-01"
    # Another agency's indicator: refused, nothing stored.
    refused = client.post("/api/actions/", {"indicator": "tno", "text": "x"}, format="json")
    assert refused.status_code == 403
    tno_action = Action.objects.filter(adoption__indicator__code="tno").first()
    assert client.patch(f"/api/actions/{tno_action.pk}/", {"status": "done"},
                        format="json").status_code == 404  # fmt: skip
    assert client.post("/api/actions/", {"indicator": "arson", "text": "x", "colour": "red"},
                       format="json").status_code == 400  # fmt: skip
    assert client.delete(f"/api/actions/{data['id']}/").status_code == 405
