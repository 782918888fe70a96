"""The regional reader in a real browser: lands on the regions, opens a month's comparison, the
bar chart draws under the Content-Security-Policy, a column sorts from the keyboard, and the
pages pass axe-core's checks."""

from __future__ import annotations

import pytest
from django.conf import settings

from submissions.demo import demo_load
from tests.functional.test_browser_pack import axe_violations
from tests.functional.test_regions import BARNET, BD, london  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo():
    demo_load(password=settings.DEMO_PASSWORD)


def test_the_regional_reader_compares_london_in_a_browser(demo, london, new_page) -> None:  # noqa: F811
    page = new_page()
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("mopac")
    page.get_by_label("Password").fill(settings.DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    assert page.url.endswith("/packs/region/")  # a regional reader lands on their regions
    assert axe_violations(page) == []
    page.get_by_role("link", name="December 2016").click()
    page.wait_for_selector("canvas#region-chart[data-drawn='true']")
    labels = page.evaluate("document.querySelector('#region-chart').chart.data.labels")
    assert labels == [BD, BARNET]
    assert axe_violations(page) == []
    page.get_by_role("link", name="Year to date").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**?sort=ytd&order=asc")
    header = page.locator("#region-table th[aria-sort='ascending']")
    assert header.inner_text() == "Year to date"
    first = page.locator("#region-table tbody tr th").first.inner_text()
    assert first == BD  # 13,207 before 19,050
