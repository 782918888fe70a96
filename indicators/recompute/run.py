"""Run a recompute: load, compute, write and rank one scope (areas, indicators, months), or all.

Running it twice gives the same rows. A full recompute on PostgreSQL outside a transaction is a
Celery chord (``chord``: chunks into staging tables, swapped in by rename)."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable, Sequence

from django.db import connection

from csp.health import RECOMPUTE, heartbeat_record
from csp.models import Area
from indicators.engine.periods import add_months
from indicators.recompute.chord import full_recompute_chord, runs_sweep
from indicators.recompute.compute import RecomputeReport, gc_paused
from indicators.recompute.load import catalogue_load
from indicators.recompute.touches import scoped_write


def metrics_recompute(
    *,
    now: dt.datetime,
    area_ids: Iterable[int] | None = None,
    indicator_ids: Iterable[int] | None = None,
    from_month: dt.date | None = None,
    rank_months: Sequence[dt.date] | None = None,
    fan_out: bool | None = None,
    drop_stale_stages: bool = True,
) -> RecomputeReport:
    """Recompute the derived store for the given areas, indicators and months (None = all).

    Months before ``from_month`` are read as inputs but not rewritten, except the few whose rows
    depend on the months after (``compute.series_rewrite``). Ranks are then recomputed
    for every member of the affected areas' comparator groups, for the rewritten months. A full
    recompute on PostgreSQL outside a transaction (``fan_out`` None: decided so; True/False to
    force) is a Celery chord of chunk tasks into staging tables, swapped in by rename; it raises
    ``RecomputeRefused`` while another runs. Elsewhere it is one transaction (delete + insert),
    recorded as a touch while a full recompute runs, so its swap replays it (``touches``).
    Tables a dead full recompute left behind are dropped first, except by the per-change
    recompute (``drop_stale_stages=False``: it must stay a handful of queries; the sweep and
    every other run do it).
    """
    started = time.perf_counter()
    queries_before = len(connection.queries)
    report = RecomputeReport()
    area_ids = None if area_ids is None else sorted(set(area_ids))
    catalogue = catalogue_load(indicator_ids, area_ids)
    if not catalogue.indicators:
        report.notes.append("No indicators in scope.")
        return report
    everything = area_ids is None and from_month is None and indicator_ids is None
    if fan_out is None:
        fan_out = connection.vendor == "postgresql" and not connection.in_atomic_block
    if everything and fan_out:
        full_recompute_chord(catalogue, now=now, report=report)
    else:
        if drop_stale_stages:
            runs_sweep(now=now)
        with gc_paused():  # as a chunk: many short-lived rows, no cycles among them
            scoped_write(
                catalogue,
                now=now,
                area_ids=area_ids,
                from_month=from_month,
                rank_months=rank_months,
                everything=everything,
                report=report,
            )
    # /readyz reports how long ago the derived store was last recomputed successfully.
    heartbeat_record(name=RECOMPUTE, at=now, detail="full" if everything else "partial")
    report.seconds = time.perf_counter() - started
    report.queries = len(connection.queries) - queries_before
    return report


def area_ids_for_codes(codes: Iterable[str]) -> list[int]:
    codes = list(codes)
    found = dict(Area.objects.filter(code__in=codes).values_list("code", "id"))
    unknown = sorted(set(codes) - set(found))
    if unknown:
        raise ValueError(f"Unknown area code(s): {', '.join(unknown)}")
    return [found[c] for c in codes]


def metrics_recompute_after_change(
    *, indicator_id: int, area_id: int, month: dt.date, now: dt.datetime
) -> RecomputeReport:
    """Incremental recompute after one month value of (indicator, area) changed.

    Rewrites that series (its YTDs, R12s and last-year comparisons from the month on, and its SPC
    limits, which every month shares when the month is in the baseline: a series is at most a
    few hundred rows) and the group ranks of every member of the area's groups for the twelve
    months whose rolling-12 rate includes the changed month.
    """
    return metrics_recompute(
        now=now,
        area_ids=[area_id],
        indicator_ids=[indicator_id],
        rank_months=[add_months(month, i) for i in range(12)],
        drop_stale_stages=False,
    )
