"""The round page offers what the round's table allows, and a refused action says why.

A forced POST (a stale tab, a replayed request) of an action the round no longer allows is never
silently ignored: the page it lands on shows the reason as an error.
"""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from submissions.models import PackVersion, ReportingRound, Submission

pytestmark = pytest.mark.django_db
DEC = dt.date(2016, 12, 1)
JAN = dt.date(2017, 1, 1)


def _client(username: str = "coordinator") -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def _messages(page: bytes, level: str) -> list[str]:
    return [
        html.unescape(m)
        for m in re.findall(rf'<li class="{level}">(.*?)</li>', page.decode(), flags=re.S)
    ]


def _round(month: dt.date) -> ReportingRound:
    return ReportingRound.objects.get(month=month)


def _approve_all(month: dt.date) -> None:
    Submission.objects.filter(round__month=month).update(
        status="approved", entry_status="not_available", reason="Not yet supplied"
    )


def test_a_published_round_offers_a_correction_and_nothing_else() -> None:
    page = _client().get(f"/rounds/{_round(DEC).pk}/").content.decode()
    assert "Reopen for a correction" in page
    assert "Close the round for entries" not in page
    # The publish button is there, disabled, with the reason beside it.
    button = re.search(r"<button[^>]*>Publish version 2</button>", page)
    assert button and " disabled" in button.group(0)
    assert "Version 1 is already published and nothing has been reopened" in html.unescape(page)


def test_an_open_round_offers_closing_and_publishing_but_no_correction() -> None:
    _approve_all(JAN)
    page = _client().get(f"/rounds/{_round(JAN).pk}/").content.decode()
    assert "Close the round for entries" in page
    assert "Publish the pack" in page
    assert "Reopen for a correction" not in page


def test_a_closed_round_offers_no_second_close() -> None:
    jan = _round(JAN)
    client = _client()
    client.post(f"/rounds/{jan.pk}/close/")
    page = client.get(f"/rounds/{jan.pk}/").content.decode()
    assert "Close the round for entries" not in page


def test_a_forced_publish_of_a_published_round_shows_why_and_makes_no_version() -> None:
    dec = _round(DEC)
    response = _client().post(f"/rounds/{dec.pk}/", {"change_note": "Again"}, follow=True)
    assert _messages(response.content, "error") == [
        "Version 1 is already published and nothing has been reopened: "
        "reopen the round for a correction first."
    ]
    assert PackVersion.objects.filter(round=dec).count() == 1


def test_a_forced_close_of_a_published_round_shows_why() -> None:
    dec = _round(DEC)
    response = _client().post(f"/rounds/{dec.pk}/close/", follow=True)
    assert _messages(response.content, "error") == [
        "December 2016: A published round cannot be closed: it takes no entries."
    ]
    assert _round(DEC).status == "published"


def test_a_publish_form_that_does_not_validate_is_not_silently_ignored() -> None:
    _approve_all(JAN)
    jan = _round(JAN)
    client = _client()
    response = client.post(f"/rounds/{jan.pk}/", {"change_note": "x" * 1001}, follow=True)
    errors = _messages(response.content, "error")
    assert errors and "too long: at most 1,000 characters" in errors[0]
    # A NUL character never reaches the form: the request is refused whole, with a reason.
    refused = client.post(f"/rounds/{jan.pk}/", {"change_note": "bad\x00note"})
    assert refused.status_code == 400 and b"null character" in refused.content
    assert not PackVersion.objects.filter(round=jan).exists()


def test_the_coordinator_reopens_a_published_round_for_a_correction_with_a_reason() -> None:
    dec = _round(DEC)
    client = _client()
    refused = client.post(f"/rounds/{dec.pk}/reopen/", {"reason": "  "}, follow=True)
    assert _messages(refused.content, "error") == [
        "Say what needs correcting: it is kept in the round's audit trail."
    ]
    assert _round(DEC).status == "published"
    response = client.post(
        f"/rounds/{dec.pk}/reopen/", {"reason": "Arson YTD is one too high"}, follow=True
    )
    assert _messages(response.content, "success") == [
        "The December 2016 round is reopened for a correction."
    ]
    assert _round(DEC).status == "reopened"
    page = response.content.decode()
    assert "Publish version 2" in page and "Reopen for a correction" not in page
    audit = client.get(f"/rounds/{dec.pk}/audit/").content.decode()
    assert "reopened for a correction: Arson YTD is one too high" in html.unescape(audit)


def test_a_forced_reopen_of_an_open_round_shows_why() -> None:
    jan = _round(JAN)
    response = _client().post(f"/rounds/{jan.pk}/reopen/", {"reason": "x"}, follow=True)
    assert _messages(response.content, "error") == [
        "January 2017: Only a published round can be reopened for a correction."
    ]
    assert _round(JAN).status == "open"


def test_publishing_a_reopened_round_with_nothing_changed_shows_why() -> None:
    dec = _round(DEC)
    client = _client()
    client.post(f"/rounds/{dec.pk}/reopen/", {"reason": "Check the fire figures"})
    response = client.post(f"/rounds/{dec.pk}/", {"change_note": "No change"}, follow=True)
    assert _messages(response.content, "error") == [
        "Nothing has changed since version 1: correct a figure, its commentary or its rating "
        "before publishing a new version."
    ]
    assert PackVersion.objects.filter(round=dec).count() == 1
    assert _round(DEC).status == "reopened"


@pytest.mark.parametrize("username", ["police", "board", "admin"])
def test_only_the_coordinator_reopens_a_round(username: str) -> None:
    dec = _round(DEC)
    response = _client(username).post(f"/rounds/{dec.pk}/reopen/", {"reason": "x"})
    assert response.status_code == 403
    assert _round(DEC).status == "published"


def test_a_reopened_item_is_on_the_agency_leads_list_and_its_page_takes_entries() -> None:
    tno = Submission.objects.get(round__month=DEC, indicator__code="tno")
    _client().post(f"/submissions/{tno.pk}/reopen/", {"reason": "Recount"})
    assert _round(DEC).status == "reopened"
    police = _client("police")
    listing = police.get("/submissions/").content.decode()
    assert f"/submissions/{tno.pk}/" in listing
    page = police.get(f"/submissions/{tno.pk}/").content.decode()
    assert "Submit for review" in page


def test_an_approved_item_of_a_reopened_round_can_be_reopened_from_its_page() -> None:
    dec = _round(DEC)
    client = _client()
    client.post(f"/rounds/{dec.pk}/reopen/", {"reason": "Fire figures"})
    assert _round(DEC).status == "reopened"
    arson = Submission.objects.get(round=dec, indicator__code="arson")
    assert "Reopen for correction" in client.get(f"/submissions/{arson.pk}/").content.decode()
    open_item = Submission.objects.get(round__month=JAN, indicator__code="arson")
    Submission.objects.filter(pk=open_item.pk).update(status="approved")
    page = client.get(f"/submissions/{open_item.pk}/").content.decode()
    assert "Reopen for correction" not in page  # January is not published


def test_the_round_audit_reads_every_submissions_history_at_once() -> None:
    """The audit page lists each submission's changes (as its own page's trail does) in a few
    queries, not one per submission: a round holds one submission per adopted indicator."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from submissions.cycle.round_selectors import round_audit
    from submissions.cycle.selectors import submission_audit

    dec = _round(DEC)
    subs = list(dec.submissions.order_by("adoption__pack_order"))
    assert len(subs) == 34  # the December 2016 pack's indicators
    expected = sorted(
        ((entry, sub) for sub in subs for entry in submission_audit(sub)),
        key=lambda pair: pair[0].when,
        reverse=True,
    )
    with CaptureQueriesContext(connection) as queries:
        audit = round_audit(dec)
    assert len(queries) <= 3  # the histories, the submissions, the round's own history
    assert [(e, s.pk) for e, s in audit.entries] == [(e, s.pk) for e, s in expected]
    assert len(audit.entries) >= len(subs)  # every submission has at least its creation
