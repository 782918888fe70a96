"""A page offers an action exactly when the service would accept it (issue 10: business rules
in views).

The entry page once decided "editable" and which review forms to show by itself; the services
decided again, differently (the rating override was offered on a published pack that the service
refuses). Both now ask ``submissions.cycle.allowed``. The grid below sets every round state and
submission state, reads which forms the page shows to the coordinator and to the owning agency's
lead, and tries each action on the service (rolled back): the two must agree in every cell.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.test import Client

from submissions.cycle import services
from submissions.cycle.selectors import submission_rows
from submissions.cycle.validation import Entry
from submissions.cycle.workflow import TransitionError
from submissions.models import ReportingRound, Submission

pytestmark = pytest.mark.django_db
DEC = dt.date(2016, 12, 1)
JAN = dt.date(2017, 1, 1)
NOW = dt.datetime(2017, 2, 1, 9, 0, tzinfo=dt.UTC)
ROUND_STATES = ["open", "closed", "published", "reopened"]
SUBMISSION_STATES = ["not_started", "draft", "submitted", "returned", "approved"]
ACTIONS = ["save", "submit", "approve", "return", "override", "reopen"]


def _user(username: str):
    return get_user_model().objects.get(username=username)


def _client(username: str) -> Client:
    client = Client()
    client.force_login(_user(username))
    return client


def _put(sub: Submission, round_state: str, state: str) -> None:
    published = round_state in {"published", "reopened"}
    ReportingRound.objects.filter(pk=sub.round_id).update(
        status=round_state, published_at=NOW if published else None
    )
    Submission.objects.filter(pk=sub.pk).update(
        status=state,
        entry_status="not_available",
        reason="Not yet supplied",
        return_reason="Check the figure" if state == "returned" else "",
    )


def offered(page: str, pk: int) -> set[str]:
    found = {"save", "submit"} if 'name="action" value="submit"' in page else set()
    for action in ("approve", "return", "override", "reopen"):
        if f'action="/submissions/{pk}/{action}/"' in page:
            found.add(action)
    return found


class _RolledBack(Exception):
    pass


def accepted(username: str, pk: int, action: str) -> bool:
    """Does the service accept the action? Tried in a transaction that is then rolled back."""
    user = _user(username)
    sub = Submission.objects.get(pk=pk)

    def save(submit: bool) -> object:
        return services.submission_save(
            submission_id=pk,
            user=user,
            entry=Entry(entry_status="not_available", reason="Not yet supplied"),
            expected_version=sub.version,
            submit=submit,
            now=NOW,
        )

    calls = {
        "save": lambda: save(False),
        "submit": lambda: save(True),
        "approve": lambda: services.submission_approve(submission_id=pk, user=user, now=NOW),
        "return": lambda: services.submission_return(
            submission_id=pk, user=user, reason="Check it", now=NOW
        ),
        "override": lambda: services.submission_override_rag(
            submission_id=pk, user=user, rag="G", justification="Known cause", now=NOW
        ),
        "reopen": lambda: services.submission_reopen(
            submission_id=pk, user=user, reason="Recount", now=NOW
        ),
    }
    try:
        with transaction.atomic():
            calls[action]()
            raise _RolledBack
    except _RolledBack:
        return True
    except services.ValidationFailed as exc:  # the grid's entries are valid: this is a bug
        raise AssertionError(f"{action}: {exc}") from exc
    except (services.CycleError, TransitionError, PermissionDenied):
        return False


@pytest.mark.parametrize("username", ["coordinator", "police"])
@pytest.mark.parametrize("round_state", ROUND_STATES)
def test_the_entry_page_offers_exactly_what_the_services_accept(
    round_state: str, username: str
) -> None:
    sub = Submission.objects.get(round__month=JAN, indicator__code="tno")  # police own TNO
    client = _client(username)
    disagreements = []
    for state in SUBMISSION_STATES:
        _put(sub, round_state, state)
        page = client.get(f"/submissions/{sub.pk}/").content.decode()
        shown = offered(page, sub.pk)
        taken = {a for a in ACTIONS if accepted(username, sub.pk, a)}
        if shown != taken:
            disagreements.append((state, sorted(shown), sorted(taken)))
    assert disagreements == []  # (submission state, page offers, services accept)


def test_a_published_pack_offers_no_rating_override_the_service_would_refuse() -> None:
    arson = Submission.objects.get(round__month=DEC, indicator__code="arson")
    page = _client("coordinator").get(f"/submissions/{arson.pk}/").content.decode()
    assert "Rating override" not in page
    assert f'action="/submissions/{arson.pk}/override/"' not in page
    with pytest.raises(services.RoundClosed, match="The pack is published"):
        services.submission_override_rag(
            submission_id=arson.pk, user=_user("coordinator"), rag="G", justification="x", now=NOW
        )


def test_a_closed_rounds_submitted_items_wait_in_the_review_queue() -> None:
    """Closing a round stops the agencies' entries; the coordinator finishes the review, so
    the queue keeps its submitted items (the service approves them)."""
    jan = ReportingRound.objects.get(month=JAN)
    tno = Submission.objects.get(round=jan, indicator__code="tno")
    Submission.objects.filter(pk=tno.pk).update(
        status="submitted", entry_status="not_available", reason="Not yet supplied"
    )
    services.round_close(round_id=jan.pk, user=_user("coordinator"), now=NOW)
    queue = _client("coordinator").get("/review/").content.decode()
    assert f'href="/submissions/{tno.pk}/"' in queue
    services.submission_approve(submission_id=tno.pk, user=_user("coordinator"), now=NOW)
    assert Submission.objects.get(pk=tno.pk).status == "approved"


def test_a_correction_in_a_reopened_round_is_not_overdue_against_the_months_old_deadline() -> None:
    dec = ReportingRound.objects.get(month=DEC)
    tno = Submission.objects.get(round=dec, indicator__code="tno")
    services.submission_reopen(
        submission_id=tno.pk, user=_user("coordinator"), reason="Recount", now=NOW
    )
    assert Submission.objects.get(pk=tno.pk).status == "draft"
    after_the_deadline = dec.deadline + dt.timedelta(days=60)
    [row] = submission_rows(
        submissions=Submission.objects.filter(pk=tno.pk), today=after_the_deadline
    )
    assert row.overdue is False
    page = _client("coordinator").get(f"/rounds/{dec.pk}/").content.decode()
    assert "Overdue" not in page
    # January, still open, is held to its deadline: its not-started items are overdue.
    jan_tno = Submission.objects.filter(round__month=JAN, indicator__code="tno")
    [late] = submission_rows(submissions=jan_tno, today=dt.date(2017, 3, 1))
    assert late.overdue is True


def test_the_lists_hide_what_the_entry_page_hides() -> None:
    """The fire lead's list and the API hold no police submission, whose page is 404 to them."""
    fire = _client("fire")
    tno = Submission.objects.get(round__month=JAN, indicator__code="tno")
    assert fire.get(f"/submissions/{tno.pk}/").status_code == 404
    assert f"/submissions/{tno.pk}/" not in fire.get("/submissions/").content.decode()
    listed = fire.get("/api/submissions/?page_size=500").json()
    ids = {row["id"] for row in (listed["results"] if isinstance(listed, dict) else listed)}
    assert ids and tno.pk not in ids
    assert re.search(r"/submissions/\d+/", fire.get("/submissions/").content.decode())
