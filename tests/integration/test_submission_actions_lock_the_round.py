"""A submission's action waits for a change of its round in progress, then obeys the round's new
state (PostgreSQL: real row locks).

The finding: the rating override read the round's state without locking it, so an override made
while the round was being published was saved after the snapshot was taken: the submission says
"overridden to G", the published pack does not, and nothing more can change it. Every action on a
submission now locks its round first, the order publishing, closing and reopening lock in.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction

from submissions.cycle import services
from submissions.cycle.validation import Entry
from submissions.demo import demo_load
from submissions.models import ReportingRound, Submission

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"].split(".")[-1] != "postgresql",
        reason="row locks are real on PostgreSQL only (SQLite serialises every write)",
    ),
]

NOW = dt.datetime(2017, 2, 1, 9, 0, tzinfo=dt.UTC)
DEC = dt.date(2016, 12, 1)
JAN = dt.date(2017, 1, 1)


def _user(username: str):
    return get_user_model().objects.get(username=username)


def _while_the_round_changes(round_id: int, new_state: str, action: Callable[[], object]) -> dict:
    """Run ``action`` in another connection while this one holds the round's row lock (as
    ``round_publish`` and ``round_close`` do), then change the round's state and commit."""
    outcome: dict[str, object] = {}

    def act() -> None:
        try:
            action()
            outcome["done"] = True
        except services.CycleError as exc:
            outcome["refused"] = str(exc)
        finally:
            connection.close()

    with transaction.atomic():
        round_ = ReportingRound.objects.select_for_update().get(pk=round_id)
        other = threading.Thread(target=act)
        other.start()
        other.join(timeout=1.5)
        outcome["waited"] = other.is_alive()
        round_.status = new_state
        round_.save(update_fields=["status"])
    other.join(timeout=60)
    assert not other.is_alive()
    return outcome


def test_an_override_during_a_publish_waits_and_is_refused_once_the_pack_is_published() -> None:
    demo_load(password="round-lock-test")
    coordinator = _user("coordinator")
    dec = ReportingRound.objects.get(month=DEC)
    services.round_reopen(round_id=dec.pk, user=coordinator, reason="Ratings", now=NOW)
    arson = Submission.objects.get(round=dec, indicator__code="arson")

    outcome = _while_the_round_changes(
        dec.pk,
        "published",
        lambda: services.submission_override_rag(
            submission_id=arson.pk, user=coordinator, rag="G", justification="Known", now=NOW
        ),
    )
    assert outcome == {
        "waited": True,
        "refused": "The pack is published: reopen the round (or this submission) to correct it.",
    }
    arson.refresh_from_db()
    assert arson.rag_override == ""


def test_a_save_during_the_close_of_its_round_waits_and_is_refused_once_it_is_closed() -> None:
    demo_load(password="round-lock-test")
    jan = ReportingRound.objects.get(month=JAN)
    tno = Submission.objects.get(round=jan, indicator__code="tno")

    outcome = _while_the_round_changes(
        jan.pk,
        "closed",
        lambda: services.submission_save(
            submission_id=tno.pk,
            user=_user("police"),
            entry=Entry(entry_status="not_available", reason="Not yet supplied"),
            expected_version=tno.version,
            submit=False,
            now=NOW,
        ),
    )
    assert outcome == {"waited": True, "refused": "The January 2017 round is not open for entries."}
    tno.refresh_from_db()
    assert tno.status == "not_started"
