"""The people page and the accounts pages in a real browser (issue 12, item 2): the coordinator
follows the header's People link and invites a board member; the invited person opens the link,
chooses a password and is signed in; the sign-in page's "Forgotten your password?" leads to the
reset pages. Every page passes axe-core's checks."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core import mail

from submissions.demo import demo_load
from tests.functional.test_browser_cycle import sign_in
from tests.functional.test_browser_pack import axe_violations

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a long enough passphrase 42"


def test_the_coordinator_invites_and_the_person_accepts_in_a_browser(new_page) -> None:
    demo_load(password=settings.DEMO_PASSWORD)
    page = new_page()
    sign_in(page, "coordinator")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="People").click()
    page.wait_for_url("**/partnership/people/")
    assert axe_violations(page) == []
    page.get_by_label("E-mail address").fill("new.board.member@example.org")
    page.get_by_label("Role").select_option(label="Board member")
    page.get_by_role("button", name="Send the invitation").click()
    page.wait_for_url("**/partnership/people/")
    pending = page.locator("table").first
    assert "new.board.member@example.org" in pending.inner_text()
    assert axe_violations(page) == []

    link = re.search(r"https?://[^/]+(/invitations/\S+/)", mail.outbox[-1].body).group(1)
    invited = new_page()
    invited.goto(link)
    assert axe_violations(invited) == []
    invited.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
    invited.get_by_label("Password again").fill(PASSWORD)
    invited.get_by_role("button", name="Choose this password").click()
    invited.wait_for_url("**/packs/**")  # a board member lands on the packs
    assert "Welcome: you are now board member" in invited.content()
    invited.goto("/accounts/password_change/")
    assert axe_violations(invited) == []


def test_the_password_reset_pages_from_the_sign_in_page(new_page) -> None:
    page = new_page()
    page.goto("/accounts/login/")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Forgotten your password?").click()
    page.wait_for_url("**/accounts/password_reset/")
    assert axe_violations(page) == []
    page.get_by_label("Email").fill("nobody@example.org")
    page.get_by_role("button", name="Send the link").click()
    page.wait_for_url("**/accounts/password_reset/done/")
    assert page.get_by_role("heading", name="Check your e-mail").is_visible()
    assert axe_violations(page) == []
