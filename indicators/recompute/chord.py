"""The full recompute as a Celery chord (PostgreSQL; ADR 0028).

One task per chunk of indicators (all areas, so ranks are complete) computes into the run's
staging tables; one task then swaps them in by rename. The chunks run on however many workers
are connected; without a broker (``task_always_eager``) the same chunks run one after another
in the calling process. A ``RecomputeRun`` row tells one run from another: at most one is
running, and a second full recompute is refused while it is.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from typing import Any

from celery import chord, current_task, shared_task
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from kombu.exceptions import OperationalError as KombuOperationalError

from indicators.models import RecomputeRun, RecomputeTouch
from indicators.recompute.chunk import ChunkBusy, chunk_compute, chunks_at_work
from indicators.recompute.compute import RecomputeReport
from indicators.recompute.load import Catalogue, catalogue_load
from indicators.recompute.retry import RETRY
from indicators.recompute.staging import leftovers_drop, stages_create, stages_finish
from indicators.recompute.swap import swap_in

logger = logging.getLogger(__name__)

# Indicators per chunk: small enough that two workers share the work evenly and a retried
# chunk redoes little, large enough that each chunk's fixed cost (group members, released
# rates) is small against its compute.
CHUNK_INDICATORS = 2

# Session advisory lock an eager run (chunks in the starting process) holds while it runs: a
# killed one's session ends and frees it, so the next run knows at once that it is dead.
EAGER_RUN_LOCK = 0x6373_7001


class RecomputeRefused(RuntimeError):
    """A full recompute is already running."""


class ChunksPending(Exception):
    """The swap was called before every chunk recorded itself (a redelivered duplicate)."""


def chunks_of(indicator_ids: list[int], size: int = CHUNK_INDICATORS) -> list[list[int]]:
    """Dealt round-robin, so chunks mix early (often larger) and late indicators alike."""
    ids = sorted(indicator_ids)
    n = max(1, -(-len(ids) // size))
    return [ids[i::n] for i in range(n) if ids[i::n]]


def run_start(*, now: dt.datetime, chunks: list[list[int]], eager: bool) -> RecomputeRun:
    """Record a new run, or refuse (``RecomputeRefused``) while another runs. A running run
    that is dead (an eager run whose session is gone, or no chunk seen for
    ``RECOMPUTE_RUN_STALE_SECONDS``) is marked failed first, and its tables dropped."""
    stale = timezone.now() - dt.timedelta(seconds=settings.RECOMPUTE_RUN_STALE_SECONDS)
    with transaction.atomic():
        running = RecomputeRun.objects.select_for_update().filter(state=RecomputeRun.RUNNING)
        for run in running:
            if _dead(run, stale):
                run_fail(run, "abandoned: no sign of life")
            else:
                raise RecomputeRefused(
                    f"A full recompute (run {run.id}) has been running since "
                    f"{run.started_at:%Y-%m-%d %H:%M} UTC; not starting another."
                )
        try:
            with transaction.atomic():
                run = RecomputeRun.objects.create(
                    chunks=len(chunks),
                    chunk_indicators=chunks,
                    eager=eager,
                    started_at=now,
                    heartbeat_at=timezone.now(),
                )
        except IntegrityError as exc:
            if "one_full_recompute_running" not in str(exc):
                raise
            # Another start committed between our read and our write.
            raise RecomputeRefused("A full recompute is already running.") from exc
    leftovers_drop()
    stages_create(run.id)
    return run


def _eager_lock_free() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [EAGER_RUN_LOCK])
        if not cursor.fetchone()[0]:
            return False
        cursor.execute("SELECT pg_advisory_unlock(%s)", [EAGER_RUN_LOCK])
    return True


def run_fail(run: RecomputeRun, detail: str) -> None:
    RecomputeRun.objects.filter(id=run.id, state=RecomputeRun.RUNNING).update(
        state=RecomputeRun.FAILED, finished_at=timezone.now(), detail=detail[:2000]
    )
    RecomputeTouch.objects.filter(run_id=run.id).delete()


@shared_task(
    name="indicators.recompute_chunk",
    ignore_result=False,
    **{**RETRY, "autoretry_for": (*RETRY["autoretry_for"], ChunkBusy)},
)
def recompute_chunk(*, run_id: int, chunk: int, indicator_ids: list[int], now: str) -> str:
    return chunk_compute(run_id=run_id, chunk=chunk, indicator_ids=indicator_ids, now=now)


@shared_task(
    name="indicators.recompute_swap",
    ignore_result=False,
    **{**RETRY, "autoretry_for": (*RETRY["autoretry_for"], ChunksPending), "max_retries": 60},
)
def recompute_swap(*_results: Any, run_id: int) -> str:
    return run_swap(run_id=run_id)


@shared_task(name="indicators.recompute_failed")
def recompute_failed(*_args: Any, run_id: int) -> str:
    """The chord's error callback: a chunk failed for good; the run is over and its tables go."""
    run = RecomputeRun.objects.filter(id=run_id).first()
    if run is not None:
        run_fail(run, "a chunk failed; see the worker's log")
    leftovers_drop()
    return f"Run {run_id} failed."


def run_swap(*, run_id: int) -> str:
    """Swap the run's staging tables in, once every chunk has recorded itself. Idempotent."""
    run = RecomputeRun.objects.get(id=run_id)
    if run.state != RecomputeRun.RUNNING:
        return f"Run {run_id} is {run.state}; nothing to swap."
    if len(run.chunks_done) < run.chunks:
        raise ChunksPending(f"run {run_id}: {len(run.chunks_done)} of {run.chunks} chunks")
    RecomputeRun.objects.filter(id=run_id).update(heartbeat_at=timezone.now())
    started = time.perf_counter()
    stages_finish(run_id)
    phases = {"indexes, foreign keys and analyse": time.perf_counter() - started}
    swapped = swap_in(run_id)
    if swapped is None:
        return f"Run {run_id} is no longer running; nothing to swap."
    phases.update(swapped)
    started = time.perf_counter()
    leftovers_drop()
    phases["drop old tables"] = time.perf_counter() - started
    RecomputeRun.objects.filter(id=run_id).update(phases=phases)
    return f"Run {run_id} swapped in."


@shared_task(name="indicators.recompute_swap_if_complete", **RETRY)
def recompute_swap_if_complete(*_results: Any, run_id: int) -> str:
    """After a chunk the sweep sent again: swap if it was the last one missing."""
    try:
        return run_swap(run_id=run_id)
    except ChunksPending as exc:
        return f"Not yet: {exc}."


def full_recompute_chord(
    catalogue: Catalogue, *, now: dt.datetime, report: RecomputeReport, wait: bool = True
) -> RecomputeRun:
    """Start the chord (or run it here, eagerly, without a broker); with ``wait``, return once
    the store is swapped and fill ``report`` from what the chunks recorded."""
    if connection.in_atomic_block:
        raise RuntimeError("a full recompute by chord cannot start inside a transaction")
    from csp.celery import app

    # No broker, or no worker answering: the same chunks run here, one after another. Inside a
    # task the workers are there (a solo worker busy with this task would not answer a ping).
    in_task = bool(current_task) and not current_task.request.is_eager
    # ``limit=1``: the first answer will do (without it the ping waits out its whole timeout).
    eager = bool(app.conf.task_always_eager) or not (
        in_task or app.control.ping(timeout=1.0, limit=1)
    )
    chunks = chunks_of(list(catalogue.indicators))
    if eager:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [EAGER_RUN_LOCK])
            if not cursor.fetchone()[0]:
                raise RecomputeRefused("A full recompute is already running here.")
    try:
        run = run_start(now=now, chunks=chunks, eager=eager)
        header = [
            recompute_chunk.si(run_id=run.id, chunk=i, indicator_ids=ids, now=now.isoformat())
            for i, ids in enumerate(chunks)
        ]
        body = recompute_swap.s(run_id=run.id).on_error(recompute_failed.si(run_id=run.id))
        started = time.perf_counter()
        try:
            if eager:
                chord(header, body).apply().get()
            else:
                chord(header)(body)
            if wait and not eager:
                _wait_for(run)
        except BaseException as exc:
            # Here, in the chord's dispatch or while waiting for it: the run is over (its late
            # chunks find it failed and do nothing).
            run_fail(run, f"{type(exc).__name__}: {exc}")
            leftovers_drop()
            raise
    finally:
        if eager:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [EAGER_RUN_LOCK])
    if wait:
        run.refresh_from_db()
        report_fill(report, run, seconds=time.perf_counter() - started)
    return run


def full_recompute_start(*, now: dt.datetime) -> RecomputeRun:
    """Start a full recompute's chord and return its run without waiting (eagerly, without a
    broker or a worker, it has finished when this returns)."""
    return full_recompute_chord(catalogue_load(None), now=now, report=RecomputeReport(), wait=False)


def report_fill(report: RecomputeReport, run: RecomputeRun, *, seconds: float) -> None:
    """Sum the chunks' records into ``report``; phases are summed over chunks (CPU time spent,
    not elapsed) and the elapsed time of the chunks is what the swap did not take."""
    phases = dict.fromkeys(("load", "compute", "write", "ranks"), 0.0)
    for done in run.chunks_done.values():
        report.series += done["series"]
        report.rows += done["rows"]
        report.ranks += done["ranks"]
        for name, secs in done["phases"].items():
            phases[name] = phases.get(name, 0.0) + secs
    swap = sum(run.phases.values())
    report.phases = {
        f"{len(run.chunks_done)} chunks, elapsed": seconds - swap,
        **{f"{name} (summed over chunks)": secs for name, secs in phases.items()},
        # In the order they ran (jsonb keeps keys sorted by length, not as written).
        **dict(sorted(run.phases.items(), key=lambda item: _SWAP_ORDER.get(item[0][:6], 9))),
    }


_SWAP_ORDER = {"indexe": 0, "swap": 1, "replay": 2, "drop o": 3}


def _wait_for(run: RecomputeRun) -> None:
    """Wait until the run is swapped (by its chord, or by chunks the sweep sent again); raise if
    it failed."""
    swapped_at: float | None = None
    while True:
        state, detail, phases = RecomputeRun.objects.filter(id=run.id).values_list(
            "state", "detail", "phases"
        )[0]
        if state == RecomputeRun.SWAPPED:
            # The swap task records its phases just after the swap commits: wait for them
            # (the report), a few seconds at most (the store is in place already).
            swapped_at = swapped_at or time.monotonic()
            if phases or time.monotonic() - swapped_at > 5:
                return
        if state == RecomputeRun.FAILED:
            raise RuntimeError(f"Full recompute run {run.id} failed: {detail}")
        time.sleep(0.1)


def _dead(run: RecomputeRun, stale: dt.datetime) -> bool:
    if run.eager:
        return run.heartbeat_at < stale or _eager_lock_free()
    return run.heartbeat_at < stale and not chunks_at_work(run.id)


def _resend(run: RecomputeRun) -> str:
    """Send again the chunks of a run no worker has touched for RECOMPUTE_CHUNK_RESEND_SECONDS
    (a worker killed while it held one: its message is redelivered only after Redis's
    visibility timeout), each followed by a swap if it was the last; or the swap alone."""
    now = run.started_at.isoformat()
    missing = [i for i in range(run.chunks) if str(i) not in run.chunks_done]
    for i in missing:
        ids = run.chunk_indicators[i]
        task = recompute_chunk.si(run_id=run.id, chunk=i, indicator_ids=ids, now=now)
        (task | recompute_swap_if_complete.si(run_id=run.id)).apply_async()
    if not missing:
        recompute_swap_if_complete.delay(run_id=run.id)
    RecomputeRun.objects.filter(id=run.id).update(heartbeat_at=timezone.now())
    return f"Run {run.id}: sent again chunks {missing} (or its swap)."


def runs_sweep(*, now: dt.datetime) -> list[str]:
    """Mark dead runs failed (the rule of ``run_start``), send again the lost chunks of a live
    one (``_resend``), and drop the tables no running run needs: what a killed run or an
    interrupted swap left. Returns the tables dropped."""
    if connection.vendor != "postgresql":
        return []
    wall = timezone.now()
    stale = wall - dt.timedelta(seconds=settings.RECOMPUTE_RUN_STALE_SECONDS)
    idle = wall - dt.timedelta(seconds=settings.RECOMPUTE_CHUNK_RESEND_SECONDS)
    from csp.celery import app

    resend = not app.conf.task_always_eager  # a process without the broker sends nothing
    for run in RecomputeRun.objects.filter(state=RecomputeRun.RUNNING):
        if _dead(run, stale):
            run_fail(run, "abandoned: no sign of life")
        elif resend and not run.eager and run.heartbeat_at < idle and not chunks_at_work(run.id):
            try:
                logger.warning(_resend(run))
            except (KombuOperationalError, OSError) as exc:
                logger.warning("Run %s: chunks not sent again (%s).", run.id, exc)
    return leftovers_drop()
