"""A full recompute as a chord on a real worker survives the worker's SIGKILL mid-run.

PostgreSQL, Redis and real Celery worker processes (skipped without DATABASE_URL and
CELERY_BROKER_URL, as CI sets them). The worker is killed while it holds a chunk: the chunk's
transaction rolls back, its message (acks_late) is never acknowledged, and Redis hands it to the
second worker once the visibility timeout (set short here) has passed. The store afterwards is
compared row by row, rank by rank, with an in-process full recompute of the same data.
"""

from __future__ import annotations

import datetime as dt
import time

from django.db import connection, transaction

from csp.celery import app
from indicators.models import DerivedMetric, DerivedRank, RecomputeRun
from indicators.services import METRIC_FIELDS, RANK_COLUMNS, full_recompute_start, metrics_recompute
from submissions.demo import demo_load
from tests.integration.real_worker import NEEDS_A_REAL_WORKER, worker_running
from tests.recompute_comparison import Comparison, derived_store

NOW = dt.datetime(2017, 2, 1, 2, 30, tzinfo=dt.UTC)
WORKER_ENV = {"CELERY_VISIBILITY_TIMEOUT": "3"}

pytestmark = NEEDS_A_REAL_WORKER


def _wait_until(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {seconds} s waiting until {what}")
        time.sleep(0.2)


def _waiting_on_a_lock() -> int:
    with connection.cursor() as cursor:
        # Inside a transaction PostgreSQL serves the first snapshot of pg_stat_activity again
        # and again: take a fresh one each time.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


def test_a_chord_whose_worker_is_killed_mid_run_completes_on_another_worker(tmp_path) -> None:
    demo_load(password="chord-test")
    # The reference: the same data recomputed in one transaction, in this process.
    metrics_recompute(now=NOW, fan_out=False)
    reference = derived_store()
    assert len(reference[0]) > 500 and len(reference[1]) > 100
    # Nothing of the reference may survive into the run's result: the chord must write it all.
    DerivedRank.objects.all().delete()
    DerivedMetric.objects.all().delete()

    with worker_running(tmp_path, name="first", env_extra=WORKER_ENV) as first:
        # (A worker takes a minute to start on a loaded 2-core machine.)
        _wait_until(lambda: bool(app.control.ping(timeout=0.5)), 240, "the first worker answers")
        run = full_recompute_start(now=NOW)
        assert run.chunks > 2 and not run.eager
        # Every chunk, having written its staging rows, records itself on the run's row under a
        # row lock. Holding that lock holds the worker inside a chunk's transaction, rows
        # written and uncommitted: it is killed there.
        with transaction.atomic():
            RecomputeRun.objects.select_for_update().get(id=run.id)
            _wait_until(
                lambda: _waiting_on_a_lock() >= 1 or first.poll() is not None,
                120,
                "the worker waits to record a chunk",
            )
            assert first.poll() is None, (tmp_path / "first.log").read_text()
            first.kill()  # SIGKILL: no clean-up, no acknowledgement, no rejection
            first.wait(timeout=10)

    run.refresh_from_db()
    assert run.state == RecomputeRun.RUNNING and len(run.chunks_done) < run.chunks
    # Readers meanwhile see the store as it was (here: emptied), never a half-written one.
    assert not DerivedMetric.objects.exists()

    with worker_running(tmp_path, name="second", env_extra=WORKER_ENV, purge=False) as second:
        _wait_until(
            lambda: (
                RecomputeRun.objects.get(id=run.id).state != RecomputeRun.RUNNING
                or second.poll() is not None
            ),
            300,
            "the second worker finishes the run",
        )
        assert second.poll() is None, (tmp_path / "second.log").read_text()

    run.refresh_from_db()
    assert run.state == RecomputeRun.SWAPPED, run.detail
    assert sorted(run.chunks_done, key=int) == [str(i) for i in range(run.chunks)]
    metrics, ranks = derived_store()
    metric_columns = ["indicator", "area", "month", *METRIC_FIELDS]
    compared = Comparison.of(metrics, reference[0], metric_columns)
    assert (compared.rows, compared.differences, compared.first) == (len(reference[0]), 0, "")
    compared = Comparison.of(ranks, reference[1], RANK_COLUMNS, key=4)
    assert (compared.rows, compared.differences, compared.first) == (len(reference[1]), 0, "")
