"""The round page and My submissions as GOV.UK task lists (issue 15): each item once, grouped, with
its status as a tag and overdue marked; the publish button always there, disabled with the reason
until the round can be published.

Counts are the demo's: 34 indicators, of which the Metropolitan Police Service owns 17 (15 + 2 in
the demo's indicator files), London Fire Brigade 3. January 2017's deadline (10 February 2017)
has long passed, so every item not yet submitted is overdue.
"""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from submissions.cycle.rounds import round_publish_refusal
from submissions.models import ReportingRound, Submission

pytestmark = pytest.mark.django_db
JAN = dt.date(2017, 1, 1)
POLICE = "Metropolitan Police Service"


def _client(username: str = "coordinator") -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def _jan() -> ReportingRound:
    return ReportingRound.objects.get(month=JAN, partnership__area__code="E09000002")


def _approve(**filters: object) -> None:
    Submission.objects.filter(round=_jan(), **filters).update(
        status="approved", entry_status="not_available", reason="Not yet supplied"
    )


def _page() -> str:
    return html.unescape(_client().get(f"/rounds/{_jan().pk}/").content.decode())


def _publish_button(page: str) -> str:
    found = re.findall(r"<button[^>]*>Publish [^<]*</button>", page)
    assert len(found) == 1, found
    return found[0]


def _agency_headings(page: str) -> list[str]:
    headings = re.findall(r'<h3 class="govuk-heading-s"[^>]*>(.*?)</h3>', page, re.S)
    return [" ".join(h.split()) for h in headings]


def test_one_task_list_by_agency_with_each_item_once() -> None:
    page = _page()
    links = re.findall(r'govuk-task-list__link" href="/submissions/(\d+)/"', page)
    ids = set(Submission.objects.filter(round=_jan()).values_list("id", flat=True))
    assert len(links) == 34 and {int(i) for i in links} == ids  # each submission exactly once
    assert page.count('<ul class="govuk-task-list"') == 9  # one list per agency
    assert "Overdue</h2>" not in page and 'id="blockers"' not in page  # no second or third list
    headings = _agency_headings(page)
    assert f"{POLICE} — 0 of 17 approved, 17 overdue" in headings
    assert "London Fire Brigade — 0 of 3 approved, 3 overdue" in headings
    assert page.count("govuk-tag govuk-tag--red\">Overdue") == 34


def test_the_publish_button_is_disabled_with_the_reason_until_every_item_is_approved() -> None:
    page = _page()
    button = _publish_button(page)
    assert " disabled" in button and 'aria-describedby="publish-reason"' in button
    reason = re.search(r'<p class="govuk-body" id="publish-reason">(.*?)</p>', page, re.S)
    assert reason and reason.group(1).startswith("34 of 34 indicators are not approved yet.")

    _approve(adoption__owner__name=POLICE)
    page = _page()
    assert f"{POLICE} — 17 of 17 approved" in _agency_headings(page)
    assert page.count('govuk-tag govuk-tag--green">Approved') == 17
    assert "17 of 34 indicators are not approved yet." in page
    assert " disabled" in _publish_button(page)

    _approve()
    page = _page()
    button = _publish_button(page)
    assert " disabled" not in button and ">Publish the pack<" in button
    assert 'id="publish-reason"' not in page
    assert "34 of 34 indicators approved" in page


def test_the_reason_comes_from_the_service_that_publishing_asks() -> None:
    users = get_user_model().objects
    jan = _jan()
    _approve()
    assert round_publish_refusal(jan, users.get(username="coordinator")) == ""
    assert round_publish_refusal(jan, users.get(username="board")) == (
        "Only the partnership coordinator can publish a pack."
    )


def test_closing_and_reopening_are_explained() -> None:
    page = _page()
    assert "Closing the round stops the agencies saving or submitting entries" in page
    assert "Reopening a published round for a correction leaves the published version" in page


def test_my_submissions_is_a_task_list_with_tags_and_overdue_marked() -> None:
    page = html.unescape(_client("police").get("/submissions/").content.decode())
    assert page.count('<ul class="govuk-task-list"') == 1  # one month taking entries
    assert "January 2017 — deadline 10 February 2017" in page
    links = re.findall(r'govuk-task-list__link" href="/submissions/(\d+)/"', page)
    police = Submission.objects.filter(round=_jan(), adoption__owner__name=POLICE)
    assert sorted(int(i) for i in links) == sorted(police.values_list("id", flat=True))
    assert page.count('govuk-tag govuk-tag--grey">Not started') == 17
    statuses = re.findall(r'class="govuk-task-list__status"[^>]*>(.*?)</div>', page, re.S)
    assert len(statuses) == 17 and all('govuk-tag--red">Overdue' in s for s in statuses)
    assert "17 submissions past the deadline." in page
