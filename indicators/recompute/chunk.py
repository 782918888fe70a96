"""One chunk of a full recompute: its indicators, for every area, into the run's staging
tables (PostgreSQL; ADR 0028). The chord in ``chord`` sends one task per chunk."""

from __future__ import annotations

import datetime as dt
import os
import resource
import time

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from indicators.bulk import bulk_insert
from indicators.models import RecomputeRun
from indicators.recompute.compute import (
    METRIC_COLUMNS,
    RecomputeReport,
    compute_rows,
    gc_paused,
)
from indicators.recompute.load import catalogue_load
from indicators.recompute.ranks import (
    group_members,
    rank_blocks,
    rank_inputs,
    ranks_write,
    released_load,
)
from indicators.recompute.staging import stage_table

# A chunk at work holds the session advisory lock (CHUNK_LOCK_SPACE + run id, chunk): a killed
# worker's session ends and frees it, so the sweep can tell a lost chunk from one at work.
CHUNK_LOCK_SPACE = 0x6373_0000


def chunk_lock(run_id: int, chunk: int) -> tuple[int, int]:
    return CHUNK_LOCK_SPACE + (run_id & 0xFFFF), chunk


class ChunkBusy(Exception):
    """Another session holds the chunk (the task retries)."""


def chunk_compute(*, run_id: int, chunk: int, indicator_ids: list[int], now: str) -> str:
    """Compute one chunk into the run's staging tables, holding the chunk's session lock.
    Idempotent: a chunk already recorded is skipped, one at work in another session is retried
    (``ChunkBusy``); it writes its rows and records itself in one transaction."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", chunk_lock(run_id, chunk))
        if not cursor.fetchone()[0]:
            # A resent duplicate, or a killed worker's session not yet ended: try again later
            # (then it is done, and skipped, or its holder is gone).
            raise ChunkBusy(f"run {run_id} chunk {chunk} is at work in another session")
    try:
        # No cyclic collection while the chunk builds its rows, rates and ranks (millions of
        # objects, freed by reference counting): each would scan everything built so far.
        with gc_paused():
            return _chunk_compute(run_id=run_id, chunk=chunk, indicator_ids=indicator_ids, now=now)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", chunk_lock(run_id, chunk))


def _chunk_compute(*, run_id: int, chunk: int, indicator_ids: list[int], now: str) -> str:
    run = RecomputeRun.objects.filter(id=run_id).first()
    if run is None or run.state != RecomputeRun.RUNNING:
        return f"Run {run_id} is no longer running; chunk {chunk} skipped."
    if str(chunk) in run.chunks_done:
        return f"Run {run_id} chunk {chunk} was done already."
    phases: dict[str, float] = {}
    started = time.perf_counter()
    catalogue = catalogue_load(indicator_ids)
    phases["load"] = time.perf_counter() - started
    started = time.perf_counter()
    report = RecomputeReport()
    rows, rates, _early = compute_rows(
        catalogue, None, None, dt.datetime.fromisoformat(now), report
    )
    phases["compute"] = time.perf_counter() - started
    _test_pause()
    metrics, ranks = stage_table("metrics", run_id), stage_table("ranks", run_id)
    with transaction.atomic():
        run = RecomputeRun.objects.filter(id=run_id).first()
        if run is None or run.state != RecomputeRun.RUNNING:
            return f"Run {run_id} is no longer running; chunk {chunk} skipped."
        started = time.perf_counter()
        # Nothing of this chunk's is in the staging tables: an earlier attempt that wrote also
        # recorded itself, in the same transaction (and was skipped above), and one that did
        # not commit wrote nothing. (So no DELETE, which without indexes would scan the table.)
        bulk_insert(metrics, METRIC_COLUMNS, rows)
        count = len(rows)
        del rows
        phases["write"] = time.perf_counter() - started
        started = time.perf_counter()
        members, _areas, partners = group_members(None)
        supplied_by, per_n = rank_inputs(indicator_ids, None)
        released = released_load(indicator_ids, partners)
        blocks, supplied = rank_blocks(rates, members, supplied_by, per_n, released)
        ranked = ranks_write(ranks, blocks, supplied)
        phases["ranks"] = time.perf_counter() - started
        done = {
            "series": report.series,
            "rows": count,
            "ranks": ranked,
            "phases": phases,
            "pid": os.getpid(),
            "peak_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        }
        run = RecomputeRun.objects.select_for_update().get(id=run_id)
        run.chunks_done[str(chunk)] = done
        run.heartbeat_at = timezone.now()
        run.save(update_fields=["chunks_done", "heartbeat_at"])
    return f"Run {run_id} chunk {chunk}: {count:,} rows, {ranked:,} ranks."


def _test_pause() -> None:
    """Tests only (RECOMPUTE_CHUNK_TEST_PAUSE_SECONDS, default 0): hold each chunk between its
    compute and its write, so a test can kill its worker mid-run whatever the machine's speed."""
    pause = settings.RECOMPUTE_CHUNK_TEST_PAUSE_SECONDS
    if pause:
        time.sleep(pause)


def chunks_at_work(run_id: int) -> int:
    space, _ = chunk_lock(run_id, 0)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
            "AND objsubid = 2 AND classid = %s "
            "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
            [space],
        )
        return int(cursor.fetchone()[0])
