"""The second factor in a real browser (issue 12, item 3), with MFA_REQUIRED on as in
production: a coordinator signing in without one is sent to set it up before any other page;
enrols an authenticator (the code computed with pyotp from the secret the page shows, as a
phone app would); is asked for a code at the next sign-in; a recovery code works once. Every
page on the way passes axe-core's checks."""

from __future__ import annotations

import re
import time

import pyotp
import pytest
from django.conf import settings

from submissions.demo import demo_load
from tests.functional.test_browser_cycle import sign_in
from tests.functional.test_browser_pack import axe_violations

pytestmark = pytest.mark.django_db(transaction=True)


def _sign_out(page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()


def _code_of_a_new_period(totp: pyotp.TOTP, used: str) -> str:
    """A code from a later 30-second period than ``used`` (a code is accepted once)."""
    while (code := totp.now()) == used:
        time.sleep(1)
    return code


def test_a_coordinator_must_set_a_second_factor_and_then_give_it(new_page, settings) -> None:
    settings.MFA_REQUIRED = True
    demo_load(password=settings.DEMO_PASSWORD)
    page = new_page()
    sign_in(page, "coordinator")
    page.wait_for_url("**/accounts/2fa/totp/activate/")
    assert "Your role needs a second factor" in page.content()
    assert axe_violations(page) == []
    page.goto("/partnership/people/")  # no other page until it is set
    assert page.url.endswith("/accounts/2fa/totp/activate/")

    secret = page.get_by_label("Authenticator secret", exact=True).input_value()
    totp = pyotp.TOTP(secret)
    enrolled_with = totp.now()
    page.get_by_label("Code from your app").fill(enrolled_with)
    page.get_by_role("button", name="Turn on").click()
    page.wait_for_url("**/accounts/2fa/recovery-codes/")
    assert axe_violations(page) == []
    codes = page.get_by_label("Unused codes").input_value().split()
    assert len(codes) == 10
    page.goto("/partnership/people/")
    assert page.url.endswith("/partnership/people/")
    for path in (
        "/accounts/2fa/",
        "/accounts/2fa/recovery-codes/generate/",
        "/accounts/2fa/totp/deactivate/",
        "/accounts/3rdparty/",
        "/accounts/reauthenticate/",
    ):
        page.goto(path)
        assert page.url.endswith(path)
        assert page.get_by_role("button", name="Sign out").is_visible()  # the app's header
        assert axe_violations(page) == [], path
    _sign_out(page)

    # The next sign-in asks for a code; a wrong one is refused.
    sign_in(page, "coordinator")
    page.wait_for_url("**/accounts/2fa/authenticate/")
    assert axe_violations(page) == []
    page.get_by_label(re.compile("^Code")).fill("000000" if enrolled_with != "000000" else "111111")
    page.get_by_role("button", name="Sign In").click()
    assert "Incorrect code" in page.content()
    page.get_by_label(re.compile("^Code")).fill(_code_of_a_new_period(totp, enrolled_with))
    page.get_by_role("button", name="Sign In").click()
    page.get_by_role("button", name="Sign out").wait_for()
    assert "/accounts/" not in page.url
    _sign_out(page)

    # A recovery code stands in for the app, once.
    for attempt in (1, 2):
        sign_in(page, "coordinator")
        page.wait_for_url("**/accounts/2fa/authenticate/")
        page.get_by_label(re.compile("^Code")).fill(codes[0])
        page.get_by_role("button", name="Sign In").click()
        if attempt == 1:
            page.get_by_role("button", name="Sign out").wait_for()
            _sign_out(page)
        else:
            assert "Incorrect code" in page.content()
            assert page.url.endswith("/accounts/2fa/authenticate/")


def test_without_mfa_required_the_demo_coordinator_goes_straight_in(new_page) -> None:
    assert settings.MFA_REQUIRED is False  # the test settings run with DEBUG on
    demo_load(password=settings.DEMO_PASSWORD)
    page = new_page()
    sign_in(page, "coordinator")
    page.get_by_role("button", name="Sign out").wait_for()
    assert "/accounts/2fa/" not in page.url
