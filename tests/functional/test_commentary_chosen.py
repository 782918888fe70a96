"""Commentary the lead chose (issue 13, item 6): the engine's draft is shown beside an empty
box and saved only if the lead chooses it; what the figures contradict in the overview and the
actions is shown on saving, on the review panel, and holds publishing until a note confirms it.

January 2017's TNO: approved figures April–December 2016 (seed page 1) sum to 13,207, so a
January figure of 1,400 makes a year to date of 13,207 + 1,400 = 14,607."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from submissions.cycle.validation import Entry
from submissions.models import PackVersion, ReportingRound, Submission
from submissions.packs.schema import snapshot_read
from tests.functional.bad_input_helpers import JAN, api, jan, web

pytestmark = pytest.mark.django_db

STALE = "Total Notifiable Offences is up 7% (+ 1,221 offences) at October 2016."
FOUND = "refers to October 2016; the figures are for January 2017"


def _post(sub: Submission, action: str, client: Client | None = None, **fields: str) -> Any:
    data = {"entry_status": "reported", "version": str(sub.version), "action": action}
    return (client or web("police")).post(f"/submissions/{sub.pk}/", {**data, **fields})


def test_the_form_opens_with_an_empty_box_and_the_draft_beside_it() -> None:
    sub = jan("tno")
    page = web("police").get(f"/submissions/{sub.pk}/")
    assert page.context["form"]["performance_overview"].value() in (None, "")
    html = page.content.decode()
    # The machine text the issue found saved as the agency's words: now only beside the box.
    assert "at January 2017 is incomplete: January 2017 not yet submitted" in page.context["draft"]
    assert 'id="draft"' in html and "Use this draft</button>" in html
    assert 'name="action" value="use_draft"' in html  # the no-script path
    assert "csp/use-draft" in html  # the script that copies it in place


def test_saving_without_choosing_the_draft_stores_no_commentary() -> None:
    sub = jan("tno")
    response = _post(sub, "save", value="1400", performance_overview="")
    assert response.status_code == 302
    saved = Submission.objects.get(pk=sub.pk)
    assert (saved.value, saved.status, saved.performance_overview) == (1400, "draft", "")


def test_use_this_draft_without_scripts_fills_the_box_and_saves_nothing() -> None:
    sub = jan("tno")
    page = _post(sub, "use_draft", value="1400", actions="Patrols in Barking town centre.")
    assert page.status_code == 200
    box = page.context["form"]["performance_overview"].value()
    assert "Year to date (YTD) Barking and Dagenham" in box
    assert "at January 2017 (14,607 offences)" in box  # drafted from the figure typed, 1,400
    assert page.context["form"]["actions"].value() == "Patrols in Barking town centre."
    assert page.context["form"]["value"].value() == "1400"
    unchanged = Submission.objects.get(pk=sub.pk)
    assert (unchanged.version, unchanged.status, unchanged.performance_overview) == (
        sub.version,
        sub.status,
        "",
    )
    # The lead still has to save it: then, and only then, it is the lead's overview.
    assert _post(sub, "save", value="1400", performance_overview=box).status_code == 302
    assert Submission.objects.get(pk=sub.pk).performance_overview == box


def test_a_saved_draft_shows_what_the_figures_contradict_on_the_form() -> None:
    sub = jan("tno")
    response = _post(sub, "save", value="1400", actions=STALE)
    assert response.status_code == 302  # saved: a contradiction does not block a draft
    assert Submission.objects.get(pk=sub.pk).actions == STALE
    page = web("police").get(f"/submissions/{sub.pk}/")
    assert page.context["contradictions"] == [f"In the actions: {FOUND} (“{STALE}”)"]
    assert 'id="contradictions"' in page.content.decode()


def test_submitting_shows_the_contradictions_and_the_review_panel_shows_them_too() -> None:
    sub, lead = jan("tno"), web("police")
    response = _post(sub, "submit", lead, value="1400", actions=STALE)
    assert response.status_code == 302
    assert Submission.objects.get(pk=sub.pk).status == "submitted"
    listed = lead.get(response["Location"])  # the warning follows the lead to the list
    assert FOUND in listed.content.decode()
    panel = web("coordinator").get(f"/submissions/{sub.pk}/")
    assert panel.context["context"].contradictions == (f"In the actions: {FOUND} (“{STALE}”)",)
    assert FOUND in panel.content.decode().split('id="review-contradictions"')[1]


def test_the_api_returns_the_contradictions_of_a_saved_entry() -> None:
    sub = jan("tno")
    response = api("police").put(
        f"/api/submissions/{sub.pk}/",
        {"version": sub.version, "value": 1400, "actions": STALE},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["commentary_findings"] == [f"In the actions: {FOUND} (“{STALE}”)"]
    assert response.json()["actions"] == STALE


def _approve_january_with_tno_actions(actions: str) -> None:
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from submissions.cycle import services

    coordinator = get_user_model().objects.get(username="coordinator")
    for sub in Submission.objects.filter(round__month=JAN).select_related("indicator"):
        tno = sub.indicator.code == "tno"
        services.submission_save(
            submission_id=sub.pk,
            user=coordinator,
            entry=Entry(value=1400, actions=actions)
            if tno
            else Entry(entry_status="not_available", reason="Not yet supplied"),
            expected_version=sub.version,
            submit=True,
            now=timezone.now(),
        )
    ids = list(Submission.objects.filter(round__month=JAN).values_list("id", flat=True))
    result = services.submissions_bulk_approve(
        submission_ids=ids, user=coordinator, now=timezone.now()
    )
    assert len(result.approved) == 34, result.skipped


def test_publishing_with_a_contradiction_needs_a_confirming_note() -> None:
    _approve_january_with_tno_actions(STALE)
    round_ = ReportingRound.objects.get(month=JAN)
    refused = web("coordinator").post(f"/rounds/{round_.pk}/", {"change_note": ""}, follow=True)
    text = refused.content.decode()
    assert "The commentary contradicts the figures in 1 place" in text
    assert f"Total Notifiable Offences (TNO&#x27;s): in the actions: {FOUND}" in text
    assert not PackVersion.objects.filter(round=round_).exists()
    refused_api = api("coordinator").post(f"/api/rounds/{round_.pk}/publish/", {}, format="json")
    assert refused_api.status_code == 400
    assert not PackVersion.objects.filter(round=round_).exists()

    note = "The actions are October's, kept as the agency wrote them; corrected next month."
    published = web("coordinator").post(
        f"/rounds/{round_.pk}/", {"change_note": "", "confirm_note": note}
    )
    assert published.status_code == 302
    version = PackVersion.objects.get(round=round_)
    assert version.confirm_note == note
    page = next(
        p
        for p in snapshot_read(version.snapshot, version.schema_version).indicators
        if p.code == "tno"
    )
    assert [f.message for f in page.commentary_findings] == [f"in the actions: {FOUND}"]


def test_publishing_without_a_contradiction_needs_no_note_and_keeps_none() -> None:
    _approve_january_with_tno_actions("Patrols in Barking town centre.")
    round_ = ReportingRound.objects.get(month=JAN)
    response = api("coordinator").post(
        f"/api/rounds/{round_.pk}/publish/", {"confirm_note": "not needed"}, format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["confirm_note"] == ""


def test_the_demo_publishes_the_seeds_contradictions_with_a_note_saying_why() -> None:
    version = PackVersion.objects.get(round__month="2016-12-01", number=1)
    assert version.confirm_note.startswith(
        "Published as the board read it: the commentary is the December 2016 pack's own"
    )
    snapshot = snapshot_read(version.snapshot, version.schema_version)
    tno = next(p for p in snapshot.indicators if p.code == "tno")
    messages = [f.message for f in tno.commentary_findings]
    # Seed page 1's actions, in the December pack: "… at October 2016."
    assert "in the actions: refers to October 2016; the figures are for December 2016" in messages
    board = web("board")
    page = board.get("/packs/E09000002/2016-12/tno/").content.decode()
    assert "in the actions: refers to October 2016" in page
    summary = board.get("/packs/E09000002/2016-12/").content.decode()
    assert 'note: <span id="confirm-note">Published as the board read it' in summary
