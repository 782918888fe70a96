"""Writes to the live derived store while a full recompute runs, and their replay (ADR 0028).

A full recompute's chunks read the approved figures and the released rates when they start; a
scoped recompute (after an approval) or a release that commits later writes the live tables,
which the swap then replaces. So each such write records its scope (``RecomputeTouch``) in its
own transaction while a run is running, and the swap replays every touch onto the swapped-in
tables in the swap's transaction, under its locks: no update is lost, and readers never see the
older figures. A write that commits after the swap has taken its locks waits for it, then writes
the new live tables (and records nothing: the run is no longer running).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Sequence

from django.db import connection, transaction

from indicators.models import RecomputeRun, RecomputeTouch
from indicators.recompute.compute import RecomputeReport, compute_rows
from indicators.recompute.load import Catalogue, catalogue_load
from indicators.recompute.ranks import ranks_recompute
from indicators.recompute.write import metrics_write


def _months(months: Sequence[dt.date] | None) -> list[str] | None:
    return None if months is None else [m.isoformat() for m in months]


def _dates(months: list[str] | None) -> list[dt.date] | None:
    return None if months is None else [dt.date.fromisoformat(m) for m in months]


def touch_record(kind: str, **scope: object) -> None:
    """Inside the writer's transaction, after its writes: record the scope if a full recompute
    is running (one query when none is; nothing at all off PostgreSQL, where none can run)."""
    if connection.vendor != "postgresql":
        return
    run_id = (
        RecomputeRun.objects.filter(state=RecomputeRun.RUNNING).values_list("id", flat=True).first()
    )
    if run_id is not None:
        RecomputeTouch.objects.create(run_id=run_id, kind=kind, scope=scope)


def scoped_write(
    catalogue: Catalogue,
    *,
    now: dt.datetime,
    area_ids: list[int] | None,
    from_month: dt.date | None,
    rank_months: Sequence[dt.date] | None,
    everything: bool,
    report: RecomputeReport,
) -> None:
    """Compute and write one scope of the live store in one transaction, then its ranks; the
    scope is recorded as a touch if a full recompute is running."""
    phase_started = time.perf_counter()
    rows, rates, early = compute_rows(catalogue, area_ids, from_month, now, report)
    report.phases = {"load and compute": time.perf_counter() - phase_started}
    indicator_ids = list(catalogue.indicators)
    with transaction.atomic():
        phase_started = time.perf_counter()
        report.rows = metrics_write(
            rows,
            now=now,
            scope=(catalogue, area_ids, from_month),
            everything=everything,
            early=early,
        )
        report.phases["write"] = time.perf_counter() - phase_started
        phase_started = time.perf_counter()
        report.ranks = ranks_recompute(
            indicator_ids=indicator_ids,
            area_ids=area_ids,
            from_month=from_month,
            months=rank_months,
            known_rates=rates if everything else None,
        )
        report.phases["ranks"] = time.perf_counter() - phase_started
        touch_record(
            RecomputeTouch.RECOMPUTE,
            indicator_ids=None if everything else sorted(indicator_ids),
            area_ids=area_ids,
            from_month=None if from_month is None else from_month.isoformat(),
            rank_months=_months(rank_months),
            now=now.isoformat(),
        )


def ranks_touch_record(
    *, indicator_ids: list[int], area_ids: list[int], months: Sequence[dt.date]
) -> None:
    touch_record(
        RecomputeTouch.RANKS, indicator_ids=indicator_ids, area_ids=area_ids, months=_months(months)
    )


def touches_replay(touches: Sequence[RecomputeTouch]) -> int:
    """Inside the swap's transaction, after the rename: redo each touch, oldest first, on the
    tables now live, as of its own ``now``. Returns how many were replayed."""
    for touch in touches:
        scope = touch.scope
        if touch.kind == RecomputeTouch.RANKS:
            ranks_recompute(
                indicator_ids=scope["indicator_ids"],
                area_ids=scope["area_ids"],
                months=_dates(scope["months"]),
            )
            continue
        catalogue = catalogue_load(scope["indicator_ids"])
        if not catalogue.indicators:
            continue
        from_month = scope["from_month"]
        scoped_write(
            catalogue,
            now=dt.datetime.fromisoformat(scope["now"]),
            area_ids=scope["area_ids"],
            from_month=None if from_month is None else dt.date.fromisoformat(from_month),
            rank_months=_dates(scope["rank_months"]),
            everything=scope["indicator_ids"] is None
            and scope["area_ids"] is None
            and from_month is None,
            report=RecomputeReport(),
        )
    return len(touches)
