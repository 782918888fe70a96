"""Acceptance (issue 15): the round page and My submissions, as GOV.UK task lists, pass axe-core's
checks at 1280 px and at 390 px (no sideways scrolling), with the publish button disabled and its
reason beside it while January 2017 is outstanding."""

from __future__ import annotations

import pytest
from django.conf import settings

from submissions.demo import demo_load
from submissions.models import ReportingRound
from tests.functional.test_browser_crawl import narrow_page_problems
from tests.functional.test_browser_pack import axe_violations, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_task_lists_are_accessible_at_both_widths(new_page) -> None:
    demo_load(password=settings.DEMO_PASSWORD)  # transactional tests start from a flushed DB
    jan = ReportingRound.objects.get(month="2017-01-01")
    coordinator = new_page()
    sign_in(coordinator, "coordinator")
    coordinator.goto(f"/rounds/{jan.pk}/")
    publish = coordinator.get_by_role("button", name="Publish the pack")
    assert publish.is_disabled()
    assert "34 of 34 indicators are not approved yet" in coordinator.locator(
        "#publish-reason"
    ).inner_text()
    assert coordinator.locator("ul.govuk-task-list").count() == 9
    problems = axe_violations(coordinator)
    problems += narrow_page_problems(coordinator, f"/rounds/{jan.pk}/")

    police = new_page()
    sign_in(police, "police")
    police.goto("/submissions/")
    assert police.locator("ul.govuk-task-list li").count() == 17
    problems += axe_violations(police)
    problems += narrow_page_problems(police, "/submissions/")
    assert problems == []
