"""The swap of a full recompute's staging tables into the live tables' place (ADR 0028).

One short transaction: ``lock_timeout`` bounds every wait for a lock in it, so a long reader
(or a stuck one) makes the swap give up and try again a little later, rather than queue every
other reader behind it; readers wait at most ``SWAP_LOCK_TIMEOUT_MS`` for the swap. Under the
locks it reads the touches (scoped writes to the live store since the run started), renames,
marks the run swapped and replays the touches onto the new tables (``touches``).
"""

from __future__ import annotations

import logging
import time

from django.db import OperationalError, connection, transaction
from django.utils import timezone

from csp.health import RECOMPUTE, heartbeat_record
from indicators.models import RecomputeRun, RecomputeTouch
from indicators.recompute.staging import live_table, swap_by_rename
from indicators.recompute.touches import touches_replay

logger = logging.getLogger(__name__)

SWAP_LOCK_TIMEOUT_MS = 2000
SWAP_ATTEMPTS = 5
SWAP_PAUSE_SECONDS = 1.0


class SwapLockTimeout(OperationalError):
    """Every attempt at the swap's locks timed out (the task retries later)."""


def _lock_not_available(exc: OperationalError) -> bool:
    return getattr(exc.__cause__, "sqlstate", None) == "55P03"


def swap_in(run_id: int) -> dict[str, float] | None:
    """Swap the run's staging tables in, replaying the touches, in one transaction; returns its
    timings, or None if the run is no longer running. Raises ``SwapLockTimeout`` when every
    attempt timed out waiting for a lock."""
    for attempt in range(1, SWAP_ATTEMPTS + 1):
        try:
            return _swap_once(run_id)
        except OperationalError as exc:
            if not _lock_not_available(exc):
                raise
            logger.warning("Swap of run %s: lock timeout (attempt %s).", run_id, attempt)
            time.sleep(SWAP_PAUSE_SECONDS * attempt)
    raise SwapLockTimeout(f"run {run_id}: no lock within {SWAP_LOCK_TIMEOUT_MS} ms, {attempt}x")


def _swap_once(run_id: int) -> dict[str, float] | None:
    started = time.perf_counter()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL lock_timeout = '{int(SWAP_LOCK_TIMEOUT_MS)}ms'")
        run = RecomputeRun.objects.select_for_update().get(id=run_id)
        if run.state != RecomputeRun.RUNNING:
            return None
        with connection.cursor() as cursor:
            tables = ", ".join(f'"{live_table(short)}"' for short in ("metrics", "ranks"))
            cursor.execute(f"LOCK TABLE {tables} IN ACCESS EXCLUSIVE MODE")
        # Under the locks: every scoped write that committed before is here; any later one
        # waits for this transaction and writes the new tables.
        touches = list(RecomputeTouch.objects.filter(run_id=run_id).order_by("id"))
        swap_by_rename(run_id)
        phases = {"swap": time.perf_counter() - started}
        now = timezone.now()
        run.state, run.finished_at = RecomputeRun.SWAPPED, now
        run.save(update_fields=["state", "finished_at"])
        started = time.perf_counter()
        replayed = touches_replay(touches)
        RecomputeTouch.objects.filter(run_id=run_id).delete()
        phases[f"replay {replayed} touches"] = time.perf_counter() - started
        heartbeat_record(name=RECOMPUTE, at=now, detail="full")
    return phases
