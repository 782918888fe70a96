"""The Django admin in a browser (issue 12, item 4): what the install's administrators still use
it for (the shared catalogue, areas and their groups, denominators, partnerships, people's
accounts) passes axe as far as Django allows. The partnership's own objects (adoptions,
targets, agencies, people's roles) are run from the settings and people pages."""

from __future__ import annotations

import pytest
from django.conf import settings

from csp.models import Area, ComparatorGroup, Partnership, PopulationSeries
from indicators.models import Indicator, Portfolio
from submissions.demo import demo_load
from tests.functional.test_browser_pack import axe_violations

pytestmark = pytest.mark.django_db(transaction=True)


def admin_sign_in(page) -> None:
    page.goto("/admin/login/")
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password").fill(settings.DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/")


def _pages() -> list[str]:
    tno = Indicator.objects.get(code="tno")
    pages = ["/admin/"]
    for app, model, obj in (
        ("indicators", "indicator", tno),
        ("indicators", "portfolio", Portfolio.objects.first()),
        ("csp", "population", None),
        ("csp", "area", Area.objects.get(code="E09000002")),
        ("csp", "comparatorgroup", ComparatorGroup.objects.first()),
        ("csp", "populationseries", PopulationSeries.objects.first()),
        ("csp", "partnership", Partnership.objects.first()),
        ("auth", "user", None),
        ("auth", "group", None),
    ):
        pages.append(f"/admin/{app}/{model}/")
        if obj is not None:
            pages.append(f"/admin/{app}/{model}/{obj.pk}/change/")
    pages.append("/admin/indicators/indicator/add/")
    return pages


def test_the_admin_pages_still_in_use_pass_axe(new_page) -> None:
    demo_load(password=settings.DEMO_PASSWORD)
    # Django's change forms set inline styles of their own (the Content-Security-Policy refuses
    # them; the forms work without): as far as Django allows.
    new_page.expect_csp_violations = True
    page = new_page()
    admin_sign_in(page)
    found = {}
    for path in _pages():
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        violations = axe_violations(page)
        if violations:
            found[path] = violations
    assert found == {}, "\n".join(f"{path}: {v}" for path, v in found.items())
