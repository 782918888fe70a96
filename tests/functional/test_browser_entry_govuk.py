"""Acceptance (issue 15): the lead types a figure as people do, the radios reveal what each answer
needs, a refused figure stores nothing, and the entry and review pages pass axe at 1280 px and
390 px wide."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings

from submissions.demo import demo_load
from submissions.models import Submission
from tests.functional.test_browser_crawl import narrow_page_problems
from tests.functional.test_browser_pack import axe_violations, sign_in

pytestmark = pytest.mark.django_db(transaction=True)
JAN = dt.date(2017, 1, 1)


def _tno() -> Submission:
    return Submission.objects.get(round__month=JAN, indicator__code="tno")


def test_a_lead_enters_tno_as_typed_and_the_coordinator_reviews_it(new_page) -> None:
    demo_load(password=settings.DEMO_PASSWORD)
    url = f"/submissions/{_tno().pk}/"
    police = new_page()
    sign_in(police, "police")
    police.goto(url)
    assert axe_violations(police) == []
    assert narrow_page_problems(police, url) == []
    police.goto(url)
    # The same month last year beside the form: January 2016, 1,460 offences.
    assert "1,460" in police.locator("#same-month-last-year").inner_text()

    # "Not available" reveals the reason box and hides the figure; back again, the reverse.
    figure = police.get_by_label("Number of offences")
    reason = police.get_by_label("Why is the figure not available?")
    assert figure.is_visible() and reason.is_hidden()
    police.get_by_label("Not available yet (printed as TBC)").check()
    assert reason.is_visible() and figure.is_hidden()
    police.get_by_label("Enter the figures").check()
    assert figure.is_visible() and reason.is_hidden()

    # "abc" is refused with the error summary, and nothing is stored.
    version = _tno().version
    figure.fill("abc")
    police.get_by_role("button", name="Save draft").click()
    summary = police.locator(".govuk-error-summary")
    assert "Enter the number of offences as a whole number, like 1421" in summary.inner_text()
    assert (_tno().version, _tno().value) == (version, None)
    assert axe_violations(police) == []

    # The summary's link goes to the field; "1,421" is saved as 1421.
    summary.get_by_role("link").click()
    assert police.evaluate("document.activeElement.id") == "id_value"
    # The figure in context as it is typed (the preview endpoint, through figure-preview.js):
    # the year to date to December 2016 is the seed's 13,207; 500 makes it 13,707, 5.7% under
    # last year's 14,535 (13,075 + January 2016's 1,460), beyond the −5% stretch: Green; 1,421
    # makes it 13,207 + 1,421 = 14,628, +0.6%: Red, as December's +1% is.
    assert "13,207" in police.locator("#ytd-before").inner_text()
    figure.fill("500")
    police.locator("#ytd-after", has_text="13,707").wait_for()
    police.locator("#rating-after", has_text="Green").wait_for()
    figure.fill("1,421")
    police.locator("#ytd-after", has_text="14,628").wait_for()
    police.locator("#rating-after", has_text="Red").wait_for()
    assert "1,421" in police.locator("#preview-figure").inner_text()
    assert police.locator("#figure-preview[aria-live=polite]").count() == 1
    assert police.locator("#figure-chart[data-drawn=true]").count() == 1
    last_row = police.locator("#figure-chart-table tbody tr").last.text_content() or ""
    assert "January 2017" in last_row and "1,421" in last_row
    assert axe_violations(police) == []
    police.get_by_role("button", name="Submit for review").click()
    assert "submitted for review" in police.locator(".messages").inner_text()
    assert police.locator(".govuk-notification-banner--success").count() == 1
    assert (_tno().status, _tno().value) == ("submitted", 1421)

    # The coordinator's review panel, at both widths.
    coordinator = new_page()
    sign_in(coordinator, "coordinator")
    coordinator.goto(url)
    assert "1,421" in coordinator.locator("#review-context").inner_text()
    # What approving does: the pack's year to date and rating before and after the figure.
    assert "13,207" in coordinator.locator("#review-ytd-before").inner_text()
    assert "14,628" in coordinator.locator("#review-ytd-after").inner_text()
    assert "Red" in coordinator.locator("#review-rating-after").inner_text()
    assert coordinator.get_by_role("button", name="Return to the agency").is_visible()
    assert axe_violations(coordinator) == []
    assert narrow_page_problems(coordinator, url) == []


def test_without_scripts_every_answer_shows_its_fields(browser, live_server) -> None:
    demo_load(password=settings.DEMO_PASSWORD)
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        sign_in(page, "police")
        page.goto(f"/submissions/{_tno().pk}/")
        assert page.get_by_label("Number of offences").is_visible()
        assert page.get_by_label("Why is the figure not available?").is_visible()
        page.get_by_label("Not available yet (printed as TBC)").check()
        page.get_by_label("Why is the figure not available?").fill("Not yet extracted.")
        page.get_by_role("button", name="Save draft").click()
        assert "draft saved" in page.locator(".messages").inner_text()
        assert (_tno().entry_status, _tno().reason) == ("not_available", "Not yet extracted.")
    finally:
        context.close()
