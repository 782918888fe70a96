"""Issue 12's first acceptance line, end to end in a browser: from an install with only the
shared catalogue and an administrator, a partnership is set up and runs its first month without
anyone opening the Django admin.

The administrator sets up the partnership with the documented command (``setup_partnership``);
its coordinator accepts the e-mailed invitation and, with ``MFA_REQUIRED`` on as in production,
is made to set a second factor (TOTP: the codes computed with pyotp from the secret the page
shows, as a phone app would), adds two agencies, adopts ten indicators with their owners, sets
targets of four kinds, invites two agency leads and a board member and opens a round. The
police lead accepts through single sign-on at a real OpenID Connect provider started on loopback
for the run (``tests/oidc_provider``, the whole redirect flow), signs in through it again and
submits; the fire lead accepts with a password. The coordinator signs in again, giving the
second factor, approves and publishes; the board member reads the pack. Invitation links come
from the outbox (locmem mail). ``pytest -k oidc`` selects this test.
"""

from __future__ import annotations

import re
import time

import pyotp
import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command

from csp.models import Area
from indicators.models import Adoption, Indicator, Portfolio, Target
from submissions.models import PackVersion
from tests.functional.oidc import PROVIDER_PASSWORD, start_provider

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a long enough passphrase 42"
AREA = "E09000003"
MONTH, MONTH_NAME = "2026-11", "November 2026"
# The shared catalogue: twelve monthly counts (the partnership adopts ten).
CATALOGUE = [
    ("burglary", "Burglary"), ("robbery", "Robbery"), ("arson", "Arson"),
    ("criminal-damage", "Criminal damage"), ("theft-from-person", "Theft from the person"),
    ("vehicle-crime", "Vehicle crime"), ("hate-crime", "Hate crime"),
    ("knife-crime", "Knife crime"), ("gun-crime", "Gun crime"), ("asb-calls", "ASB calls"),
    ("shoplifting", "Shoplifting"), ("bicycle-theft", "Bicycle theft"),
]  # fmt: skip
ADOPTED = [code for code, _title in CATALOGUE[:10]]
FIRE = {"arson", "asb-calls"}  # the fire brigade's; the police own the other eight
TARGETS = {  # four kinds
    "burglary": {"Kind of target": "Reduce on last year (stretch)"},
    "robbery": {"Kind of target": "Stated % change on last year", "Value": "-5"},
    "arson": {"Kind of target": "Annual ceiling", "Value": "120"},
    "hate-crime": {"Kind of target": "Monitoring only"},
}
FIGURES = {code: 40 + i for i, code in enumerate(ADOPTED)}
COORDINATOR = "coordinator@barnet.example.org"
SSO_LEAD, SSO_LEAD_USERNAME = "police.lead@barnet.example.org", "pat.lead"
# The provider knows the police lead by the invited address, and vouches for it.
PROVIDER_PEOPLE = [
    {"username": SSO_LEAD_USERNAME, "email": SSO_LEAD, "name": "Pat Lead", "email_verified": True}
]


@pytest.fixture(scope="module")
def oidc_provider(live_server, tmp_path_factory):
    yield from start_provider(
        tmp_path_factory.mktemp("oidc-e2e"), app_url=live_server.url, people=PROVIDER_PEOPLE
    )


@pytest.fixture
def production_sign_in(oidc_provider, settings):
    """Single sign-on configured (as csp.settings builds it from OIDC_*) and the second factor
    required for coordinators, as in production."""
    settings.SOCIALACCOUNT_PROVIDERS = oidc_provider.app_settings()
    settings.MFA_REQUIRED = True
    return oidc_provider


def install() -> None:
    """What an install has before any partnership: the shared catalogue, areas, an
    administrator. (The session's demo may still be in the database: it goes first.)"""
    call_command("flush", interactive=False, verbosity=0)
    Area.objects.create(code=AREA, name="Barnet")
    Portfolio.objects.create(name="Crime and Enforcement", order=1)
    for code, title in CATALOGUE:
        Indicator.objects.create(
            code=code, title=title, kind="count", frequency="monthly", polarity="down",
            unit="offences",
        )  # fmt: skip
    get_user_model().objects.create_superuser("admin", "admin@example.org", PASSWORD)


def invitation_link(email: str) -> str:
    sent = [m for m in mail.outbox if email in m.to]
    assert sent, f"no invitation to {email}"
    found = re.search(r"https?://[^/\s]+(/\S+/)", sent[-1].body)
    assert found, sent[-1].body
    return found.group(1)


# --- signing in ---------------------------------------------------------------------------------


def accept_invitation(page, email: str) -> None:
    """Open the e-mailed link and choose a password. A role's invitation signs the person in;
    the coordinator's link from ``setup_partnership`` is a set-password link, then sign in."""
    link = invitation_link(email)
    page.goto(link)
    if "/invitations/" in link:
        page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
        page.get_by_label("Password again").fill(PASSWORD)
        page.get_by_role("button", name="Choose this password").click()
        page.wait_for_load_state("load")
        return
    page.get_by_label(re.compile(r"^New password:?$")).fill(PASSWORD)
    page.get_by_label(re.compile(r"^New password confirmation:?$")).fill(PASSWORD)
    page.get_by_role("button", name="Save the password").click()
    page.wait_for_load_state("load")
    sign_in(page, email)


def sign_out(page) -> None:
    """Sign out in the app, then forget every cookie (the provider's session too)."""
    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/login/")  # the app's sign-in page, not the admin's
    page.context.clear_cookies()


def sign_in(page, email: str) -> None:
    """Sign in with the password chosen on accepting."""
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_load_state("load")
    assert "/accounts/login/" not in page.url, page.content()[:2000]


def set_second_factor(page) -> tuple[pyotp.TOTP, str]:
    """Straight after signing in, a coordinator is sent to set up an authenticator; the code
    comes from the secret the page shows. Returns the authenticator and the code used."""
    page.wait_for_url("**/accounts/2fa/totp/activate/")
    assert "Your role needs a second factor" in page.content()
    totp = pyotp.TOTP(page.get_by_label("Authenticator secret", exact=True).input_value())
    code = totp.now()
    page.get_by_label("Code from your app").fill(code)
    page.get_by_role("button", name="Turn on").click()
    page.wait_for_url("**/accounts/2fa/recovery-codes/")
    assert len(page.get_by_label("Unused codes").input_value().split()) == 10
    return totp, code


def give_second_factor(page, totp: pyotp.TOTP, used: str) -> None:
    """After the password, the code of a later period than ``used`` (a code works once)."""
    page.wait_for_url("**/accounts/2fa/authenticate/")
    while (code := totp.now()) == used:
        time.sleep(1)
    page.get_by_label(re.compile("^Code")).fill(code)
    page.get_by_role("button", name="Sign In").click()
    page.get_by_role("button", name="Sign out").wait_for()
    assert "/accounts/" not in page.url, page.url


def sign_in_at_provider(page, username: str) -> None:
    """At the provider's own page (another origin), then back through the callback."""
    page.wait_for_url("http://127.0.0.1:*/login/**")
    page.get_by_label("Provider username").fill(username)
    page.get_by_label("Provider password").fill(PROVIDER_PASSWORD)
    page.get_by_role("button", name="Continue to the application").click()
    page.get_by_role("button", name="Sign out").wait_for()
    assert "/accounts/" not in page.url, page.url


def accept_invitation_through_provider(page, email: str, username: str) -> None:
    """The invitation's page offers the provider as well as a password."""
    page.goto(invitation_link(email))
    page.get_by_role("button", name="Sign in with Council ID").click()
    sign_in_at_provider(page, username)


def sign_in_through_provider(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_role("button", name="Sign in with Council ID").click()
    sign_in_at_provider(page, username)


# --- the coordinator's steps ------------------------------------------------------------------


def submit_form(page, fields: dict[str, str], button: str) -> None:
    for label, value in fields.items():
        box = page.get_by_label(re.compile(rf"^{re.escape(label)}:?$"))
        if box.evaluate("e => e.tagName") == "SELECT":
            box.select_option(label=value)
        else:
            box.fill(value)
    page.get_by_role("button", name=button).click()
    page.wait_for_load_state("load")


def messages(page) -> str:
    return page.locator(".messages").inner_text()


def add_agencies(page) -> None:
    for name in ("Police", "Fire Brigade"):
        page.goto("/settings/agencies/")
        submit_form(page, {"Name": name, "Reason for the change": "Our agencies"}, "Add the agency")


def adopt(page) -> None:
    titles = dict(CATALOGUE)
    for code in ADOPTED:
        page.goto("/settings/indicators/")
        owner = "Fire Brigade" if code in FIRE else "Police"
        submit_form(
            page,
            {
                "Indicator from the shared catalogue": f"{code}: {titles[code]}",
                "Portfolio": "Crime and Enforcement",
                "Owning agency": owner,
                "Reason for the change": "The board chose its indicators",
            },
            "Adopt",
        )
        assert f"{code} adopted" in messages(page)


def set_targets(page, partnership_id: int) -> None:
    for code, fields in TARGETS.items():
        adoption = Adoption.objects.get(partnership_id=partnership_id, indicator__code=code)
        page.goto(f"/settings/indicators/{adoption.pk}/targets/")
        submit_form(
            page, {"Financial year": "2026", **fields, "Reason for the change": "Agreed targets"},
            "Preview",
        )  # fmt: skip
        assert page.locator(".preview").is_visible()  # the rule in words, before saving
        page.get_by_role("button", name="Save the target").click()
        page.wait_for_load_state("load")


def invite(page, email: str, role: str) -> None:
    page.goto("/partnership/people/")
    submit_form(page, {"E-mail address": email, "Role": role}, "Send the invitation")


def test_partnership_e2e_oidc_a_new_partnership_runs_its_first_month_without_the_admin(
    new_page, production_sign_in
) -> None:
    install()
    visited: list[str] = []
    opened = new_page

    def new_page():  # every page's requests are recorded: none may reach the Django admin
        page = opened()
        page.on("request", lambda request: visited.append(request.url))
        return page

    # The administrator sets up the partnership (the documented command, not the admin).
    call_command(
        "setup_partnership", "--area", AREA, "--name", "Barnet Community Safety Partnership",
        "--coordinator-email", COORDINATOR,
    )  # fmt: skip
    partnership_id = Area.objects.get(code=AREA).partnership.id

    # The coordinator accepts and, before any other page, sets a second factor.
    coordinator = new_page()
    accept_invitation(coordinator, COORDINATOR)
    totp, used = set_second_factor(coordinator)
    coordinator.goto("/")
    coordinator.get_by_role("link", name="Sign-in security").click()
    coordinator.wait_for_url("**/accounts/2fa/")
    add_agencies(coordinator)
    adopt(coordinator)
    owners = dict(
        Adoption.objects.filter(partnership_id=partnership_id).values_list(
            "indicator__code", "owner__name"
        )
    )
    assert sorted(owners) == sorted(ADOPTED)
    assert {c for c, o in owners.items() if o == "Fire Brigade"} == FIRE
    set_targets(coordinator, partnership_id)
    kinds = set(
        Target.objects.filter(adoption__partnership_id=partnership_id).values_list(
            "kind", flat=True
        )
    )
    assert kinds == {"reduce", "percent_change", "ceiling", "monitoring"}
    invite(coordinator, "police.lead@barnet.example.org", "Agency lead of Police")
    invite(coordinator, "fire.lead@barnet.example.org", "Agency lead of Fire Brigade")
    invite(coordinator, "board.member@barnet.example.org", "Board member")
    coordinator.goto("/rounds/")
    submit_form(
        coordinator, {"Month": MONTH, "Submission deadline": "2026-12-10"}, "Open the round"
    )

    # The police lead accepts through the OpenID Connect provider and signs in through it again;
    # the fire lead accepts with a password and signs in with it. Each submits its figures.
    for email, codes in (
        (SSO_LEAD, [c for c in ADOPTED if c not in FIRE]),
        ("fire.lead@barnet.example.org", [c for c in ADOPTED if c in FIRE]),
    ):
        lead = new_page()
        if email == SSO_LEAD:
            accept_invitation_through_provider(lead, email, SSO_LEAD_USERNAME)
            account = get_user_model().objects.get(email=SSO_LEAD)
            assert not account.has_usable_password()  # single sign-on only
            assert account.socialaccount_set.count() == 1
            sign_out(lead)  # the provider's session too: it asks again
            sign_in_through_provider(lead, SSO_LEAD_USERNAME)
        else:
            accept_invitation(lead, email)
            sign_out(lead)
            sign_in(lead, email)
        titles = dict(CATALOGUE)
        for code in codes:
            lead.goto("/submissions/")
            lead.get_by_role("link", name=titles[code], exact=True).click()
            lead.get_by_label("Number of offences").fill(str(FIGURES[code]))
            lead.get_by_role("button", name="Submit for review").click()
            assert "submitted for review" in messages(lead), code

    # The coordinator signs in again, giving the second factor, approves them all and publishes.
    sign_out(coordinator)
    sign_in(coordinator, COORDINATOR)
    give_second_factor(coordinator, totp, used)
    coordinator.goto("/review/?status=submitted")
    for box in coordinator.locator("input[name=selected]").all():
        box.check()
    coordinator.get_by_role("button", name="Approve selected").click()
    assert "Approved 10 submission(s)" in messages(coordinator)
    coordinator.goto("/")  # the coordinator lands on the open round
    coordinator.get_by_role("button", name="Publish the pack").click()
    assert "Published version 1" in messages(coordinator)
    assert PackVersion.objects.filter(round__partnership_id=partnership_id).count() == 1

    # The board member accepts and reads the pack.
    board = new_page()
    accept_invitation(board, "board.member@barnet.example.org")
    board.goto("/packs/")
    with board.expect_navigation():  # waits for "load": the whole table, not a part parsed so far
        board.get_by_role("link", name=MONTH_NAME).click()
    summary = board.locator("#summary").inner_text()
    for code, title in CATALOGUE[:10]:
        assert title in summary, code
    burglary = board.locator("#summary tr", has_text="Burglary").inner_text()
    assert str(FIGURES["burglary"]) in burglary

    # No step opened the Django admin.
    assert visited and not [url for url in visited if "/admin/" in url]
