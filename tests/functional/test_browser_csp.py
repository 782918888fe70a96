"""The Content-Security-Policy is on in the browser, blocks inline script and style attributes,
and the browser tests' violation reporter sees it do so (so their silence means something)."""

from __future__ import annotations

import pytest

from tests.functional.conftest import csp_violations

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_injected_inline_script_and_style_are_refused_and_reported(new_page) -> None:
    new_page.expect_csp_violations = True
    page = new_page()
    response = page.goto("/accounts/login/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy

    page.evaluate(
        """() => {
        const s = document.createElement("script");
        s.textContent = "window.inlineRan = true";
        document.body.append(s);
        document.body.setAttribute("style", "background: rgb(255, 0, 0)");
    }"""
    )
    page.wait_for_timeout(200)  # violation events are dispatched asynchronously
    assert page.evaluate("window.inlineRan === undefined")
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") != "rgb(255, 0, 0)"
    reported = csp_violations(new_page.console)
    assert any("script-src" in m for m in reported), reported
    assert any("style-src" in m for m in reported), reported


def test_styles_set_by_script_still_apply_as_chart_js_needs(new_page) -> None:
    page = new_page()
    page.goto("/accounts/login/")
    # Chart.js sizes its canvas through element.style (the CSSOM), which style-src allows.
    colour = page.evaluate(
        """() => { document.body.style.backgroundColor = "rgb(1, 2, 3)";
                   return getComputedStyle(document.body).backgroundColor; }"""
    )
    assert colour == "rgb(1, 2, 3)"


def test_the_admin_works_under_the_policy(new_page) -> None:
    from django.conf import settings

    from submissions.demo import demo_load

    demo_load(password=settings.DEMO_PASSWORD)
    page = new_page()
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password").fill(settings.DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto("/admin/")
    links = page.eval_on_selector_all(
        "#content-main a[href$='/']:not([href$='/add/'])", "els => els.map(e => e.pathname)"
    )
    assert len(links) >= 10
    for url in [*links, "/admin/csp/area/add/", "/admin/auth/user/1/change/"]:
        response = page.goto(url)
        assert response.status == 200, url
        page.wait_for_load_state("load")
