"""The settings pages in a browser (issue 12): each passes axe, and the pack order moves by
keyboard alone (Tab to an indicator's Up button, Enter)."""

from __future__ import annotations

import pytest
from django.conf import settings

from indicators.models import Adoption
from submissions.demo import demo_load
from tests.functional.test_browser_pack import axe_violations, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_settings_pages_pass_axe_and_the_order_moves_by_keyboard(new_page) -> None:
    demo_load(password=settings.DEMO_PASSWORD)
    adoptions = Adoption.objects.filter(partnership__area__code="E09000002")
    order = list(adoptions.order_by("pack_order").values_list("pk", "indicator__code"))
    tno = adoptions.get(indicator__code="tno")
    page = new_page()
    sign_in(page, "coordinator")
    for path in (
        "/settings/",
        "/settings/indicators/",
        f"/settings/indicators/{tno.pk}/",
        f"/settings/indicators/{tno.pk}/targets/",
        "/settings/agencies/",
        f"/settings/agencies/{tno.owner_id}/",
    ):
        page.goto(path)
        assert axe_violations(page) == [], path
    # The preview, by the page's own button.
    page.goto(f"/settings/indicators/{tno.pk}/targets/")
    page.get_by_label("Value").fill("-5")
    page.get_by_role("button", name="Preview").click()
    assert "Red" in page.locator(".preview").inner_text()
    assert axe_violations(page) == []
    # Keyboard only: focus the second indicator's Up button and press Enter.
    page.goto("/settings/indicators/")
    second = order[1][1]
    up = page.locator(f"#adoption-{order[1][0]} button[value=up]")
    assert second in up.inner_text()  # its name says which indicator it moves
    up.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state("load")
    moved = list(adoptions.order_by("pack_order").values_list("pk", flat=True))
    assert moved[:2] == [order[1][0], order[0][0]]
