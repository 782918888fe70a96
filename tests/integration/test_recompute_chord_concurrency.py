"""What else happens while a full recompute runs as a chord (PostgreSQL; ADR 0028).

The chunks are run here one by one (``chunk_compute``) and the swap called by hand, so each test
can commit its change at the worst moment: after every chunk has read its inputs, before the
swap. An approval's recompute or a release committed then must survive the swap; an old run's
clean-up must not drop a newer run's staging tables; a reader holding the live table makes the
swap give up after its lock timeout instead of queueing everyone behind it.
"""

from __future__ import annotations

import datetime as dt
import threading
import time

import psycopg
import pytest
from django.conf import settings
from django.db import IntegrityError, connection
from django.db.models import F

from csp.models import Area
from indicators.models import DerivedMetric, Indicator, MonthValue, RecomputeRun, RecomputeTouch
from indicators.recompute import swap
from indicators.recompute.chord import chunks_of, recompute_failed, run_start, run_swap
from indicators.recompute.chunk import chunk_compute
from indicators.recompute.staging import stages_create
from indicators.services import metrics_recompute, metrics_recompute_after_change, rates_release
from submissions.demo import demo_load
from tests.integration.test_ranks_release import BARNET, DEC, trio_build
from tests.integration.test_recompute_chord import _snapshot, _tables_like

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"].split(".")[-1] != "postgresql",
        reason="the chord and its staging tables are for PostgreSQL",
    ),
]

NOW = dt.datetime(2017, 2, 1, 9, 0, tzinfo=dt.UTC)
LATER = NOW + dt.timedelta(hours=1)
BD = "E09000002"


def _chunks_computed() -> RecomputeRun:
    """A run whose every chunk has read its inputs and written its staging tables."""
    chunks = chunks_of(list(Indicator.objects.values_list("id", flat=True)))
    run = run_start(now=NOW, chunks=chunks, eager=False)
    for i, ids in enumerate(chunks):
        chunk_compute(run_id=run.id, chunk=i, indicator_ids=ids, now=NOW.isoformat())
    return run


def _staged_ytd(run: RecomputeRun, indicator: Indicator, area: Area) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT ytd FROM "stage_metrics_{run.id}" '
            "WHERE indicator_id = %s AND area_id = %s AND month = %s",
            [indicator.id, area.id, DEC],
        )
        return cursor.fetchone()[0]


def test_an_approval_recomputed_during_the_run_survives_the_swap() -> None:
    demo_load(password="chord-test")
    tno, bd = Indicator.objects.get(code="tno"), Area.objects.get(code=BD)
    run = _chunks_computed()
    # The approval of a December correction (+100) and its recompute commit now.
    MonthValue.objects.filter(indicator=tno, area=bd, month=DEC).update(value=F("value") + 100)
    metrics_recompute_after_change(indicator_id=tno.id, area_id=bd.id, month=DEC, now=LATER)
    # The seed's December YTD and R12 for B&D's TNO are 13,207 and 17,587.
    live = DerivedMetric.objects.get(indicator=tno, area=bd, month=DEC)
    assert (live.ytd, live.r12) == (13207 + 100, 17587 + 100)
    assert _staged_ytd(run, tno, bd) == 13207  # the chunk read the figure before
    assert RecomputeTouch.objects.filter(run_id=run.id).count() == 1

    run_swap(run_id=run.id)

    run.refresh_from_db()
    assert run.state == RecomputeRun.SWAPPED
    after = DerivedMetric.objects.get(indicator=tno, area=bd, month=DEC)
    assert (after.ytd, after.r12, after.computed_at) == (13207 + 100, 17587 + 100, LATER)
    assert not RecomputeTouch.objects.exists()
    swapped = _snapshot()
    metrics_recompute(now=NOW, fan_out=False)  # the reference: one transaction, same data
    assert _snapshot() == swapped


def test_a_release_during_the_run_survives_the_swap() -> None:
    """``test_ranks_release``'s group: Barnet released December at 2,500, then corrects it to
    8,000 and publishes again while the run computes; B&D's rank must use the 8,000."""
    demo_load(password="chord-test")
    trio_build()
    tno, barnet = Indicator.objects.get(code="tno"), Area.objects.get(code=BARNET)
    MonthValue.objects.create(indicator=tno, area=barnet, month=DEC, value=2500)
    metrics_recompute(now=NOW, fan_out=False)
    rates_release(area_id=barnet.id, through=DEC, now=NOW)
    run = _chunks_computed()
    MonthValue.objects.filter(indicator=tno, area=barnet, month=DEC).update(value=8000)
    metrics_recompute_after_change(indicator_id=tno.id, area_id=barnet.id, month=DEC, now=NOW)
    assert rates_release(area_id=barnet.id, through=DEC, now=NOW)  # the release reranks
    assert RecomputeTouch.objects.filter(run_id=run.id).count() == 2
    run_swap(run_id=run.id)
    swapped = _snapshot()
    metrics_recompute(now=NOW, fan_out=False)
    assert _snapshot() == swapped


def test_an_old_runs_clean_up_leaves_the_running_runs_staging_tables() -> None:
    old = RecomputeRun.objects.create(
        chunks=1, state=RecomputeRun.FAILED, started_at=NOW, heartbeat_at=NOW
    )
    stages_create(old.id)
    new = run_start(now=NOW, chunks=[[1]], eager=False)  # drops the failed run's tables
    assert sorted(_tables_like("stage\\_%")) == [f"stage_metrics_{new.id}", f"stage_ranks_{new.id}"]
    stages_create(old.id)  # as if a dying chunk of the old run had made them again
    recompute_failed(run_id=old.id)  # the old chord's error callback, late
    assert sorted(_tables_like("stage\\_%")) == [f"stage_metrics_{new.id}", f"stage_ranks_{new.id}"]


def test_a_reader_holding_the_live_table_makes_the_swap_wait_briefly_then_retry(
    monkeypatch,
) -> None:
    demo_load(password="chord-test")
    metrics_recompute(now=NOW, fan_out=False)
    run = _chunks_computed()
    monkeypatch.setattr(swap, "SWAP_LOCK_TIMEOUT_MS", 200)
    monkeypatch.setattr(swap, "SWAP_ATTEMPTS", 2)
    monkeypatch.setattr(swap, "SWAP_PAUSE_SECONDS", 0.1)
    db = connection.settings_dict
    reader = psycopg.connect(
        host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=db["USER"],
        dbname=db["NAME"], password=db["PASSWORD"] or None,
    )  # fmt: skip
    try:
        # A long reader: its transaction holds the live table (ACCESS SHARE) until it ends.
        reader.execute(f'SELECT count(*) FROM "{DerivedMetric._meta.db_table}"').fetchone()
        started = time.monotonic()
        with pytest.raises(swap.SwapLockTimeout):
            run_swap(run_id=run.id)
        assert time.monotonic() - started < 5  # two waits of 0.2 s and the pauses, not forever
        run.refresh_from_db()
        assert run.state == RecomputeRun.RUNNING  # nothing swapped, the run can go on
        monkeypatch.setattr(swap, "SWAP_ATTEMPTS", 10)
        timer = threading.Timer(0.3, reader.rollback)  # the long reader ends soon
        timer.start()
        run_swap(run_id=run.id)  # tries again until the reader has gone, then swaps
        timer.join()
    finally:
        reader.close()
    run.refresh_from_db()
    assert run.state == RecomputeRun.SWAPPED


def _indexed(table: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_indexes WHERE tablename = %s", [table])
        return bool(cursor.fetchone()[0])


def test_a_duplicate_staged_row_fails_the_finish_and_nothing_is_swapped() -> None:
    """The two staging tables are finished at once, each in a session of its own: a duplicate
    row in one fails the swap with the unique violation, the other is finished all the same
    (a retried swap skips it), and the live store stays as it was until the run is failed."""
    demo_load(password="chord-test")
    metrics_recompute(now=NOW, fan_out=False)
    before = _snapshot()
    run = _chunks_computed()
    metrics, ranks = f"stage_metrics_{run.id}", f"stage_ranks_{run.id}"
    with connection.cursor() as cursor:
        # The same series and month twice (a new id: only the unique constraint can refuse it).
        columns = ", ".join(f'"{f.column}"' for f in DerivedMetric._meta.fields if f.column != "id")
        cursor.execute(
            f'INSERT INTO "{metrics}" ({columns}) SELECT {columns} FROM "{metrics}" LIMIT 1'
        )
    with pytest.raises(IntegrityError, match="indicator_id, area_id, month"):
        run_swap(run_id=run.id)
    run.refresh_from_db()
    assert run.state == RecomputeRun.RUNNING  # the task retries, then its error callback runs
    assert not _indexed(metrics)  # its transaction rolled back: no index, no constraint
    assert _indexed(ranks)  # finished in its own session
    assert _snapshot() == before
    recompute_failed(run_id=run.id)
    run.refresh_from_db()
    assert run.state == RecomputeRun.FAILED
    assert _tables_like("stage\\_%") == [] and _snapshot() == before


def test_when_both_tables_fail_to_finish_the_first_error_is_raised_and_the_other_logged(
    monkeypatch, caplog
) -> None:
    from django.db import DatabaseError

    from indicators.recompute import staging

    def fail(run_id: int, short: str) -> None:
        raise DatabaseError(f"{short} of run {run_id} failed")

    monkeypatch.setattr(staging, "_stage_finish", fail)
    with pytest.raises(DatabaseError, match="metrics of run 7 failed"):
        staging.stages_finish(7)
    assert "ranks of run 7 failed" in caplog.text
