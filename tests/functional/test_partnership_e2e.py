"""Issue 12's first acceptance line, end to end in a browser: from an install with only the
shared catalogue and an administrator, a partnership is set up and runs its first month without
anyone opening the Django admin.

The administrator sets up the partnership with the documented command (``setup_partnership``);
its coordinator accepts the e-mailed invitation, adds two agencies, adopts ten indicators with
their owners, sets targets of four kinds, invites two agency leads and a board member and opens
a round; each lead accepts, signs in and submits; the coordinator approves and publishes; the
board member reads the pack. Invitation links come from the outbox (locmem mail).

Signing in is isolated in small helpers (``accept_invitation``, ``sign_in``): single sign-on
and the coordinator's second factor will replace or extend those steps only.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command

from csp.models import Area
from indicators.models import Adoption, Indicator, Portfolio, Target
from submissions.models import PackVersion

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


# --- signing in: the steps single sign-on and the second factor will change -------------------


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
    page.context.clear_cookies()


def sign_in(page, email: str) -> None:
    """Sign in with the password chosen on accepting."""
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("load")
    assert "/accounts/login/" not in page.url, page.content()[:2000]


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


def test_a_new_partnership_runs_its_first_month_without_the_admin(new_page) -> None:
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
        "--coordinator-email", "coordinator@barnet.example.org",
    )  # fmt: skip
    partnership_id = Area.objects.get(code=AREA).partnership.id

    coordinator = new_page()
    accept_invitation(coordinator, "coordinator@barnet.example.org")
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

    # Each lead accepts, signs in again with the password, and submits its figures.
    for email, codes in (
        ("police.lead@barnet.example.org", [c for c in ADOPTED if c not in FIRE]),
        ("fire.lead@barnet.example.org", [c for c in ADOPTED if c in FIRE]),
    ):
        lead = new_page()
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

    # The coordinator approves them all and publishes.
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
    board.get_by_role("link", name=MONTH_NAME).click()
    summary = board.locator("#summary").inner_text()
    for code, title in CATALOGUE[:10]:
        assert title in summary, code
    burglary = board.locator("#summary tr", has_text="Burglary").inner_text()
    assert str(FIGURES["burglary"]) in burglary

    # No step opened the Django admin.
    assert visited and not [url for url in visited if "/admin/" in url]
