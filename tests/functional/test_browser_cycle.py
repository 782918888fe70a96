"""Acceptance: a real browser walks the demo's January 2017 round from entry to the board."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from submissions.cycle import services
from submissions.cycle.validation import Entry
from submissions.demo import demo_load
from submissions.models import Submission

pytestmark = pytest.mark.django_db(transaction=True)
JAN = dt.date(2017, 1, 1)


def sign_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(settings.DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_a_month_from_entry_to_the_board(new_page) -> None:
    demo_load(password=settings.DEMO_PASSWORD)  # transactional tests start from a flushed DB
    coordinator = get_user_model().objects.get(username="coordinator")
    # Every other agency has sent "not available yet" for January, so the round can close.
    for sub in Submission.objects.filter(round__month=JAN).exclude(indicator__code="tno"):
        services.submission_save(
            submission_id=sub.pk,
            user=coordinator,
            expected_version=sub.version,
            submit=True,
            entry=Entry(entry_status="not_available", reason="Not yet supplied"),
            now=timezone.now(),
        )

    # 1. The police lead enters TNO for January 2017 and submits.
    police = new_page()
    sign_in(police, "police")
    police.get_by_role("link", name="Total Notifiable Offences (TNO's)").click()
    police.get_by_label("Number of offences").fill("1420")
    police.get_by_role("button", name="Submit for review").click()
    assert "submitted for review" in police.locator(".messages").inner_text()

    # 2. The coordinator returns it with a reason.
    coord = new_page()
    sign_in(coord, "coordinator")
    coord.goto("/review/")
    coord.get_by_role("link", name="Total Notifiable Offences (TNO's)").click()
    coord.get_by_label("Why are you returning it?").fill("January looks low: check the extract.")
    coord.get_by_role("button", name="Return to the agency").click()
    assert "returned to the agency" in coord.locator(".messages").inner_text()

    # 3. The lead sees the reason, corrects and resubmits.
    police.goto("/submissions/")
    police.get_by_role("link", name="Total Notifiable Offences (TNO's)").click()
    assert "check the extract" in police.locator("#return-reason").inner_text()
    police.get_by_label("Number of offences").fill("1421")
    police.get_by_role("button", name="Submit for review").click()
    assert "submitted for review" in police.locator(".messages").inner_text()

    # 4. The coordinator approves it, then the other items in bulk, and publishes.
    coord.goto("/review/")
    coord.get_by_role("link", name="Total Notifiable Offences (TNO's)").click()
    coord.get_by_role("button", name="Approve").click()
    assert "approved" in coord.locator(".messages").inner_text()
    coord.goto("/review/?status=submitted")
    for box in coord.locator("input[name=selected]").all():
        box.check()
    coord.get_by_role("button", name="Approve selected").click()
    assert "Approved 33 submission(s)" in coord.locator(".messages").inner_text()
    coord.goto("/")  # the coordinator lands on the open round
    coord.get_by_role("button", name="Publish the pack").click()
    assert "Published version 1" in coord.locator(".messages").inner_text()

    # 5. The board member opens the January 2017 pack: the new figure and its recomputed YTD.
    board = new_page()
    sign_in(board, "board")
    board.goto("/packs/")
    board.get_by_role("link", name="January 2017").click()
    row = board.locator("#summary tr", has_text="Total Notifiable Offences")
    assert "1,421" in row.inner_text() or "1421" in row.inner_text()
    assert board.locator("[data-code=tno-ytd]").inner_text() == f"{13207 + 1421:,}"

    # 6. The audit trail shows every step, with who did it.
    coord.goto(
        f"/submissions/{Submission.objects.get(round__month=JAN, indicator__code='tno').pk}/"
    )
    audit = coord.locator("#audit").inner_text()
    for step in ("submitted", "returned: January looks low", "approved"):
        assert step in audit
    assert "police" in audit.lower() and "coordinator" in audit.lower()
