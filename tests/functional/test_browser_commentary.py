"""With scripts, "Use this draft" copies the engine's draft into the overview box in place:
nothing is posted or saved until the lead saves (issue 13, item 6)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings

from submissions.demo import demo_load
from submissions.models import Submission
from tests.functional.test_browser_cycle import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_use_this_draft_copies_the_draft_into_the_empty_box(new_page) -> None:
    demo_load(password=settings.DEMO_PASSWORD)  # transactional tests start from a flushed DB
    sub = Submission.objects.get(round__month=dt.date(2017, 1, 1), indicator__code="tno")
    police = new_page()
    sign_in(police, "police")
    police.goto(f"/submissions/{sub.pk}/")
    box = police.get_by_label("Performance overview")
    assert box.input_value() == ""
    draft = police.locator("#draft").inner_text().strip()
    assert "at January 2017 is incomplete" in draft
    requests: list[str] = []
    police.on("request", lambda r: requests.append(r.method))
    police.get_by_role("button", name="Use this draft").click()
    assert box.input_value() == draft
    assert "POST" not in requests  # copied in the page, not posted
    assert Submission.objects.get(pk=sub.pk).performance_overview == ""


def test_enter_in_a_figure_saves_the_entry_and_leaves_the_box_empty(new_page) -> None:
    demo_load(password=settings.DEMO_PASSWORD)
    sub = Submission.objects.get(round__month=dt.date(2017, 1, 1), indicator__code="tno")
    police = new_page()
    sign_in(police, "police")
    police.goto(f"/submissions/{sub.pk}/")
    police.get_by_label("Number of offences").fill("1420")
    police.get_by_label("Number of offences").press("Enter")
    assert "draft saved" in police.locator(".messages").inner_text()
    saved = Submission.objects.get(pk=sub.pk)
    assert (saved.value, saved.performance_overview) == (1420, "")
