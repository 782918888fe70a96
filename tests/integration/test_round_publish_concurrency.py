"""Twenty publish requests at once make one pack version (PostgreSQL: real row locks).

The finding: 20 concurrent publishes of one round made versions 1 to 20 with identical content.
Each thread here has its own database connection, as each gunicorn worker would.
"""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection

from submissions.cycle import services
from submissions.demo import demo_load
from submissions.models import PackVersion, ReportingRound, Submission
from submissions.packs import publish

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"].split(".")[-1] != "postgresql",
        reason="row locks are real on PostgreSQL only (SQLite serialises every write)",
    ),
]

NOW = dt.datetime(2017, 2, 1, 9, 0, tzinfo=dt.UTC)
JAN = dt.date(2017, 1, 1)
REQUESTS = 20


def test_twenty_concurrent_publishes_make_exactly_one_version() -> None:
    demo_load(password="concurrency-test")
    round_ = ReportingRound.objects.get(month=JAN)
    Submission.objects.filter(round=round_).update(
        status="approved", entry_status="not_available", reason="Not yet supplied"
    )
    coordinator = get_user_model().objects.get(username="coordinator")
    start = threading.Barrier(REQUESTS)
    published: list[int] = []
    refused: list[str] = []
    failed: list[BaseException] = []
    record = threading.Lock()

    def publish_once() -> None:
        try:
            start.wait(timeout=60)
            # A change note on every request: before the fix, each one became a new version.
            version = publish.round_publish(
                round_id=round_.pk, user=coordinator, change_note="Published twice?", now=NOW
            )
        except services.CycleError as exc:
            with record:
                refused.append(str(exc))
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            with record:
                failed.append(exc)
        else:
            with record:
                published.append(version.number)
        finally:
            connection.close()

    threads = [threading.Thread(target=publish_once) for _ in range(REQUESTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not any(thread.is_alive() for thread in threads)
    assert failed == []
    assert published == [1]
    assert len(refused) == REQUESTS - 1
    assert all(
        "Version 1 is already published and nothing has been reopened" in message
        for message in refused
    ), refused
    assert list(PackVersion.objects.filter(round=round_).values_list("number", flat=True)) == [1]
    round_.refresh_from_db()
    assert round_.status == "published"
