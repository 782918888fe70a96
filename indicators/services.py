"""Writes for the indicators app: the recompute bridge from the database to the pure engine.

``metrics_recompute`` loads its inputs in a few set-based queries, calls the engine per series,
and writes the derived store in bulk. Running it twice gives the same rows. It is called by the
``recompute`` command, the Celery tasks and (through them) every path that changes an input.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import multiprocessing
import os
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from operator import attrgetter

from django.db import DatabaseError, connection, transaction
from kombu.exceptions import OperationalError as KombuOperationalError

from csp.health import RECOMPUTE, heartbeat_record
from csp.models import Area, GroupMembership, Population
from indicators import parallel
from indicators.bulk import bulk_insert, bulk_upsert
from indicators.engine import ranks as rankmod
from indicators.engine.measures import MonthMetrics, Obs, SeriesSpec, compute_series
from indicators.engine.periods import add_months
from indicators.engine.rag import TargetSpec
from indicators.models import (
    DerivedMetric,
    DerivedRank,
    Indicator,
    IndicatorCategory,
    MonthValue,
    RecomputeRequest,
    SuppliedBenchmark,
    Target,
)

logger = logging.getLogger(__name__)

METRIC_FIELDS = [
    "status",
    "month_value",
    "month_pct",
    "ytd",
    "ytd_previous",
    "ytd_change_abs",
    "ytd_change_pct",
    "r12",
    "r12_previous",
    "r12_change_abs",
    "r12_change_pct",
    "rate",
    "rate_denominator",
    "previous_value",
    "value_change_abs",
    "value_change_pct",
    "ytd_numerator",
    "ytd_denominator",
    "ytd_pct",
    "ytd_pct_previous",
    "pct_satisfied",
    "ytd_pct_satisfied",
    "target_to_date",
    "variance",
    "volume_to_date",
    "rag",
    "rag_reason",
    "direction",
    "spc_value",
    "spc_mean",
    "spc_upper",
    "spc_lower",
    "spc_upper_near",
    "spc_lower_near",
    "spc_signal",
    "variation",
    "assurance",
    "missing_months",
    "categories",
]
_Rates = dict[tuple[int, dt.date], dict[int, tuple[float | None, float | None, int | None]]]


@dataclass
class RecomputeReport:
    series: int = 0
    rows: int = 0
    ranks: int = 0
    seconds: float = 0.0
    queries: int = 0
    notes: list[str] = field(default_factory=list)
    phases: dict[str, float] = field(default_factory=dict)

    def summary(self) -> str:
        text = (
            f"Recomputed {self.series:,} series: {self.rows:,} derived rows and {self.ranks:,} "
            f"ranks in {self.seconds:.2f} s."
        )
        if self.phases and self.seconds >= 1:
            text += " (" + ", ".join(f"{k} {v:.1f} s" for k, v in self.phases.items()) + ")"
        return text


def _f(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def series_spec(indicator: Indicator, categories: Sequence[IndicatorCategory]) -> SeriesSpec:
    total = next((c.code for c in categories if c.is_total), None)
    return SeriesSpec(
        kind=indicator.kind,
        polarity=indicator.polarity,
        change_basis=indicator.change_basis,
        per_n=indicator.per_n,
        frequency=indicator.frequency,
        decimals=indicator.display_decimals,
        total_category=total,
        satisfied_categories=frozenset(c.code for c in categories if c.counts_as_satisfied),
        category_order=tuple(c.code for c in categories if not c.is_total),
    )


def target_spec(target: Target) -> TargetSpec:
    return TargetSpec(
        kind=target.kind,
        value=_f(target.value),
        lower=_f(target.lower),
        upper=_f(target.upper),
        volume=target.volume,
        tolerance=_f(target.tolerance),
        text=target.text,
    )


@dataclass(frozen=True)
class _Catalogue:
    indicators: dict[int, Indicator]
    specs: dict[int, SeriesSpec]
    category_codes: dict[int, str]
    targets: dict[int, dict[int, TargetSpec]]


def _catalogue(indicator_ids: Iterable[int] | None) -> _Catalogue:
    indicators = Indicator.objects.all()
    if indicator_ids is not None:
        indicators = indicators.filter(id__in=list(indicator_ids))
    by_id = {i.id: i for i in indicators}
    categories: dict[int, list[IndicatorCategory]] = defaultdict(list)
    for c in IndicatorCategory.objects.filter(indicator_id__in=list(by_id)).order_by("order"):
        categories[c.indicator_id].append(c)
    targets: dict[int, dict[int, TargetSpec]] = defaultdict(dict)
    # Per-category targets (PHOF 2.15's two ranges) are rated on their pages, not in the store.
    for t in Target.objects.filter(indicator_id__in=list(by_id), category__isnull=True):
        targets[t.indicator_id][t.financial_year] = target_spec(t)
    return _Catalogue(
        indicators=by_id,
        specs={i: series_spec(ind, categories[i]) for i, ind in by_id.items()},
        category_codes={c.id: c.code for cs in categories.values() for c in cs},
        targets=targets,
    )


_VALUES_SQL = """
SELECT indicator_id, area_id, month, category_id, status, value, numerator, denominator,
       decimal_value, reason
FROM indicators_monthvalue
WHERE {where}
ORDER BY indicator_id, area_id, month
"""


def _load_values(
    where: str, params: list[object], category_codes: dict[int, str]
) -> Iterator[tuple[tuple[int, int], dict[dt.date, Obs]]]:
    """Stream month values grouped by (indicator, area), each as {month: Obs}."""
    with connection.cursor() as cursor:
        cursor.execute(_VALUES_SQL.format(where=where), params)
        current: tuple[int, int] | None = None
        series: dict[dt.date, Obs] = {}
        parts: dict[dt.date, dict[str, Obs]] = {}
        whole: dict[dt.date, Obs] = {}
        while True:
            rows = cursor.fetchmany(20_000)
            if not rows:
                break
            for ind, area, month, cat, status, value, num, den, dec, reason in rows:
                key = (ind, area)
                if key != current:
                    if current is not None:
                        yield current, _assemble(series, parts, whole)
                    current, series, parts, whole = key, {}, {}, {}
                if isinstance(month, str):  # SQLite returns text dates
                    month = dt.date.fromisoformat(month)
                figure = value if value is not None else (float(dec) if dec is not None else None)
                obs = Obs(status, figure, num, den, reason)
                if cat is None:
                    whole[month] = obs
                else:
                    parts.setdefault(month, {})[category_codes[cat]] = obs
        if current is not None:
            yield current, _assemble(series, parts, whole)


def _assemble(
    series: dict[dt.date, Obs], parts: dict[dt.date, dict[str, Obs]], whole: dict[dt.date, Obs]
) -> dict[dt.date, Obs]:
    series.update(whole)
    for month, cats in parts.items():
        status_row = whole.get(month)
        if status_row is not None and status_row.status != "reported":
            continue  # a whole-month status (e.g. TBC) stands for every category
        reference = next(iter(cats.values()))
        series[month] = Obs(status="reported", categories=cats, reason=reference.reason)
    return series


def _denominators(
    area_ids: Iterable[int] | None,
) -> dict[tuple[int, int], list[tuple[dt.date, int]]]:
    qs = Population.objects.order_by("in_force_from")
    if area_ids is not None:
        qs = qs.filter(area_id__in=list(area_ids))
    out: dict[tuple[int, int], list[tuple[dt.date, int]]] = defaultdict(list)
    for area_id, series_id, start, value in qs.values_list(
        "area_id", "series_id", "in_force_from", "value"
    ):
        out[(area_id, series_id)].append((start, value))
    return out


_PLAIN = [f for f in METRIC_FIELDS if f not in {"missing_months", "categories"}]
_BLANK_IF_NONE = {"rag", "direction", "spc_signal", "variation", "assurance"}
_get_plain = attrgetter(*_PLAIN)
_BLANKS = [i for i, f in enumerate(_PLAIN) if f in _BLANK_IF_NONE]
METRIC_COLUMNS = [
    "indicator_id",
    "area_id",
    "month",
    *_PLAIN,
    "missing_months",
    "categories",
    "computed_at",
]


def _metric_tuple(
    indicator_id: int, area_id: int, metrics: MonthMetrics, now: dt.datetime
) -> tuple[object, ...]:
    plain = list(_get_plain(metrics))
    for i in _BLANKS:
        if plain[i] is None:
            plain[i] = ""
    missing = json.dumps(metrics.missing_months) if metrics.missing else "[]"
    categories = None if metrics.categories is None else json.dumps(metrics.categories)
    return (indicator_id, area_id, metrics.month, *plain, missing, categories, now)


def metrics_recompute(
    *,
    now: dt.datetime,
    area_ids: Iterable[int] | None = None,
    indicator_ids: Iterable[int] | None = None,
    from_month: dt.date | None = None,
    rank_months: Sequence[dt.date] | None = None,
    workers: int | None = None,
    drop_stale_stages: bool = True,
) -> RecomputeReport:
    """Recompute the derived store for the given areas, indicators and months (None = all).

    Months before ``from_month`` are read as inputs but not rewritten. Ranks are then recomputed
    for every member of the affected areas' comparator groups, for the rewritten months. A full
    recompute of a large PostgreSQL store runs on ``workers`` processes (default: one per core),
    each taking a share of the indicators, and is swapped in as one transaction. Staging
    tables a killed full recompute left behind are dropped first, except by the per-change
    recompute (``drop_stale_stages=False``: it must stay a handful of queries; the sweep and
    every other run do it).
    """
    started = time.perf_counter()
    queries_before = len(connection.queries)
    report = RecomputeReport()
    area_ids = None if area_ids is None else sorted(set(area_ids))
    catalogue = _catalogue(indicator_ids)
    if not catalogue.indicators:
        report.notes.append("No indicators in scope.")
        return report
    everything = area_ids is None and from_month is None and indicator_ids is None
    processes = workers if workers is not None else _auto_workers(everything)
    if everything and processes > 1:
        _full_recompute_parallel(catalogue, now=now, workers=processes, report=report)
    else:
        if drop_stale_stages:
            stage_tables_drop_stale()
        phase_started = time.perf_counter()
        rows, rates = _compute_rows(catalogue, area_ids, from_month, now, report)
        report.phases = {"load and compute": time.perf_counter() - phase_started}
        with transaction.atomic():
            phase_started = time.perf_counter()
            report.rows = _write_metrics(
                rows, now=now, scope=(catalogue, area_ids, from_month), everything=everything
            )
            report.phases["write"] = time.perf_counter() - phase_started
            phase_started = time.perf_counter()
            report.ranks = ranks_recompute(
                indicator_ids=list(catalogue.indicators),
                area_ids=area_ids,
                from_month=from_month,
                months=rank_months,
                known_rates=rates if everything else None,
            )
            report.phases["ranks"] = time.perf_counter() - phase_started
    # /readyz reports how long ago the derived store was last recomputed successfully.
    heartbeat_record(name=RECOMPUTE, at=now, detail="full" if everything else "partial")
    report.seconds = time.perf_counter() - started
    report.queries = len(connection.queries) - queries_before
    return report


def _compute_rows(
    catalogue: _Catalogue,
    area_ids: Sequence[int] | None,
    from_month: dt.date | None,
    now: dt.datetime,
    report: RecomputeReport,
) -> tuple[list[tuple[object, ...]], _Rates]:
    """Load the scope's month values (streamed), run the engine per series, return row tuples."""
    where, params = _scope_sql(catalogue, area_ids)
    denominators = _denominators(area_ids)
    rows: list[tuple[object, ...]] = []
    rates: _Rates = defaultdict(dict)
    for (indicator_id, area_id), values in _load_values(where, params, catalogue.category_codes):
        indicator = catalogue.indicators[indicator_id]
        months = _output_months(values, from_month)
        if not months:
            continue
        dens = (
            denominators.get((area_id, indicator.denominator_series_id), [])
            if indicator.denominator_series_id
            else []
        )
        results = compute_series(
            catalogue.specs[indicator_id],
            values,
            months=months,
            denominators=dens,
            targets=catalogue.targets.get(indicator_id, {}),
        )
        report.series += 1
        for metrics in results:
            rows.append(_metric_tuple(indicator_id, area_id, metrics, now))
            if metrics.rate is not None:
                rates[(indicator_id, metrics.month)][area_id] = (
                    metrics.rate,
                    metrics.r12,
                    metrics.rate_denominator,
                )
    return rows, rates


PARALLEL_MIN_VALUES = 200_000

# PostgreSQL advisory lock key held by a parallel full recompute for its whole run, staging
# tables included. A killed run's session ends, and its lock with it.
FULL_RECOMPUTE_LOCK = 0x6373_7001
_STAGE_TABLES_SQL = (
    "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
    "AND (tablename LIKE 'stage\\_metrics\\_%' OR tablename LIKE 'stage\\_ranks\\_%')"
)


@contextmanager
def _advisory_lock(key: int) -> Iterator[None]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [key])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [key])


def stage_tables_drop_stale(*, locked: bool = False) -> list[str]:
    """Drop the staging tables a killed full recompute left behind; returns their names.

    Only while holding the full-recompute lock (``locked``: the caller holds it), since a
    running full recompute holds it: when it cannot be had at once, nothing is dropped. A table
    a dying child still writes to is left for the next run rather than waited for.
    """
    if connection.vendor != "postgresql":
        return []
    dropped: list[str] = []
    with connection.cursor() as cursor:
        if not locked:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [FULL_RECOMPUTE_LOCK])
            if not cursor.fetchone()[0]:
                return []
        try:
            cursor.execute(_STAGE_TABLES_SQL)
            stale = [row[0] for row in cursor.fetchall()]
            for table in stale:
                try:
                    # A savepoint when the caller has a transaction: a failure here must not
                    # abort the caller's work.
                    with transaction.atomic():
                        cursor.execute(f'LOCK TABLE "{table}" IN ACCESS EXCLUSIVE MODE NOWAIT')
                        cursor.execute(f'DROP TABLE "{table}"')
                except DatabaseError as exc:
                    logger.warning("Staging table %s not dropped yet: %s", table, exc)
                else:
                    dropped.append(table)
        finally:
            if not locked:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [FULL_RECOMPUTE_LOCK])
    if dropped:
        logger.warning("Dropped staging tables left by a killed recompute: %s", ", ".join(dropped))
    return dropped


def _auto_workers(everything: bool) -> int:
    """Processes for a full recompute: one per core for a large PostgreSQL store, else one."""
    if not everything or connection.vendor != "postgresql" or connection.in_atomic_block:
        return 1
    if multiprocessing.current_process().daemon:  # e.g. inside a prefork Celery child
        return 1
    if MonthValue.objects.count() < PARALLEL_MIN_VALUES:
        return 1
    return max(1, min(os.cpu_count() or 1, 4))


def _full_recompute_parallel(
    catalogue: _Catalogue, *, now: dt.datetime, workers: int, report: RecomputeReport
) -> None:
    """Each process computes a share of the indicators (all areas, so ranks are complete) into
    unlogged staging tables; the store is then replaced from them in one transaction."""
    if connection.in_atomic_block:
        raise RuntimeError("a parallel recompute cannot run inside a transaction")
    # One full recompute at a time: a second one waits here, so it never takes a running one's
    # staging tables for a killed one's.
    with _advisory_lock(FULL_RECOMPUTE_LOCK):
        stage_tables_drop_stale(locked=True)
        _full_recompute_staged(catalogue, now=now, workers=workers, report=report)


def _full_recompute_staged(
    catalogue: _Catalogue, *, now: dt.datetime, workers: int, report: RecomputeReport
) -> None:
    suffix = f"{os.getpid()}_{int(time.time() * 1000)}"
    stages = {
        DerivedMetric._meta.db_table: (f"stage_metrics_{suffix}", METRIC_COLUMNS),
        DerivedRank._meta.db_table: (f"stage_ranks_{suffix}", RANK_COLUMNS),
    }
    with connection.cursor() as cursor:
        for table, (stage, columns) in stages.items():
            cursor.execute(
                f"CREATE UNLOGGED TABLE {stage} AS SELECT {', '.join(columns)} FROM {table} "
                "WITH NO DATA"
            )
    ids = sorted(catalogue.indicators)
    chunks = [ids[i::workers] for i in range(workers) if ids[i::workers]]
    try:
        phase_started = time.perf_counter()
        # Spawned (not forked) children: a forked child would share the parent's database
        # socket. Each opens its own connection to the same database.
        context = multiprocessing.get_context("spawn")
        db = {k: connection.settings_dict[k] for k in ("NAME", "USER", "PASSWORD", "HOST", "PORT")}
        pool = ProcessPoolExecutor(
            max_workers=len(chunks),
            mp_context=context,
            initializer=parallel.init_child,
            initargs=(os.environ.get("DJANGO_SETTINGS_MODULE", "csp.settings"), db, os.getpid()),
        )
        finished = False
        try:
            done = list(
                pool.map(
                    parallel.recompute_chunk,
                    chunks,
                    [now] * len(chunks),
                    [stages[DerivedMetric._meta.db_table][0]] * len(chunks),
                    [stages[DerivedRank._meta.db_table][0]] * len(chunks),
                )
            )
            finished = True
        finally:
            if not finished:
                # A failed share or an interrupt: stop the others now instead of waiting for
                # them to finish work that will be thrown away.
                for process in list((pool._processes or {}).values()):
                    process.terminate()
            pool.shutdown(wait=True, cancel_futures=True)
        report.phases = {f"compute on {len(chunks)} processes": time.perf_counter() - phase_started}
        for series, rows, ranks in done:
            report.series += series
            report.rows += rows
            report.ranks += ranks
        phase_started = time.perf_counter()
        models_by_table = {m._meta.db_table: m for m in (DerivedMetric, DerivedRank)}
        # Readers wait for this short transaction (TRUNCATE locks the tables); they never see a
        # half-written store. Loading without the unique indexes and building them afterwards is
        # far cheaper than maintaining them row by row.
        with (
            transaction.atomic(),
            connection.cursor() as cursor,
            connection.schema_editor(atomic=False) as editor,
        ):
            cursor.execute(f"TRUNCATE {', '.join(stages)}")
            for table, (stage, columns) in stages.items():
                model = models_by_table[table]
                for constraint in model._meta.constraints:
                    editor.remove_constraint(model, constraint)
                for index in model._meta.indexes:
                    editor.remove_index(model, index)
                cols = ", ".join(columns)
                cursor.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM {stage}")
                for constraint in model._meta.constraints:
                    editor.add_constraint(model, constraint)
                for index in model._meta.indexes:
                    editor.add_index(model, index)
        report.phases["swap in"] = time.perf_counter() - phase_started
    finally:
        with connection.cursor() as cursor:
            for stage, _columns in stages.values():
                cursor.execute(f"DROP TABLE IF EXISTS {stage}")


def _scope_sql(catalogue: _Catalogue, area_ids: Sequence[int] | None) -> tuple[str, list[object]]:
    clauses, params = [], []
    if len(catalogue.indicators) < Indicator.objects.count():
        ids = sorted(catalogue.indicators)
        clauses.append(f"indicator_id IN ({', '.join(['%s'] * len(ids))})")
        params += ids
    if area_ids is not None:
        clauses.append(f"area_id IN ({', '.join(['%s'] * len(area_ids))})")
        params += list(area_ids)
    # No month clause, even with from_month: the SPC limits of every month come from the series'
    # first points and its signals from the points before, so a window (it used to be 24 months)
    # gave other limits than the full run. The engine sees the whole series either way; only
    # the months written differ.
    return (" AND ".join(clauses) or "1=1"), params


def _output_months(values: dict[dt.date, Obs], from_month: dt.date | None) -> list[dt.date]:
    """Every month from the series' first figure to its last (gaps included), from from_month."""
    if not values:
        return []
    first, last = min(values), max(values)
    if from_month is not None and from_month > first:
        first = from_month
    out = []
    m = first
    while m <= last:
        out.append(m)
        m = add_months(m, 1)
    return out


def _write_metrics(
    rows: list[tuple[object, ...]],
    *,
    now: dt.datetime,
    scope: tuple[_Catalogue, Sequence[int] | None, dt.date | None],
    everything: bool,
) -> int:
    """Replace the scope's rows with ``rows``: upsert, then drop rows no longer produced."""
    catalogue, area_ids, from_month = scope
    table = DerivedMetric._meta.db_table
    if everything:
        DerivedMetric.objects.all().delete()
        bulk_insert(table, METRIC_COLUMNS, rows)
        return len(rows)
    bulk_upsert(table, METRIC_COLUMNS, ["indicator_id", "area_id", "month"], rows)
    stale = DerivedMetric.objects.filter(indicator_id__in=list(catalogue.indicators)).exclude(
        computed_at=now
    )
    if area_ids is not None:
        stale = stale.filter(area_id__in=area_ids)
    if from_month is not None:
        stale = stale.filter(month__gte=from_month)
    stale.delete()
    return len(rows)


def ranks_recompute(
    *,
    indicator_ids: Sequence[int],
    area_ids: Sequence[int] | None = None,
    from_month: dt.date | None = None,
    months: Sequence[dt.date] | None = None,
    known_rates: _Rates | None = None,
) -> int:
    """Ranks and group averages for every member of the affected areas' groups.

    Computed from the members' stored rates where most of the group has one; otherwise the
    supplied benchmark figures, marked as supplied.
    """
    members, all_areas = _group_members(area_ids)
    month_filter: dict[str, object] = {}
    if from_month is not None:
        month_filter["month__gte"] = from_month
    if months is not None:
        month_filter["month__in"] = list(months)
    if known_rates is not None:
        rates = known_rates
    else:
        rates = defaultdict(dict)
        derived = DerivedMetric.objects.filter(
            indicator_id__in=indicator_ids,
            area_id__in=all_areas,
            rate__isnull=False,
            **month_filter,
        )
        for ind, area, month, rate, r12, den in derived.values_list(
            "indicator_id", "area_id", "month", "rate", "r12", "rate_denominator"
        ):
            rates[(ind, month)][area] = (rate, r12, den)
    supplied_by, per_n = _rank_inputs(indicator_ids, all_areas, **month_filter)
    supplied_by = {k: v for k, v in supplied_by.items() if k[2] in members}
    new = _rank_rows(rates, members, supplied_by, per_n)
    existing = DerivedRank.objects.filter(indicator_id__in=indicator_ids, **month_filter)
    if area_ids is not None or known_rates is None:
        # Only the groups rebuilt here: an area's other groups keep their ranks.
        existing = existing.filter(area_id__in=all_areas, group_id__in=list(members))
    existing.delete()
    bulk_insert(DerivedRank._meta.db_table, RANK_COLUMNS, new)
    return len(new)


def _group_members(area_ids: Sequence[int] | None) -> tuple[dict[int, list[int]], set[int]]:
    """Members of every group (or of the groups the given areas belong to), and all of them."""
    memberships = GroupMembership.objects.all()
    if area_ids is not None:
        groups = GroupMembership.objects.filter(area_id__in=area_ids).values("group_id")
        memberships = memberships.filter(group_id__in=groups)
    members: dict[int, list[int]] = defaultdict(list)
    for group_id, area_id in memberships.values_list("group_id", "area_id"):
        members[group_id].append(area_id)
    all_areas = {a for group in members.values() for a in group}
    if area_ids is not None:
        all_areas |= set(area_ids)
    return members, all_areas


def _rank_inputs(
    indicator_ids: Sequence[int], area_ids: set[int] | None, **month_filter: object
) -> tuple[dict[tuple[int, dt.date, int, int], SuppliedBenchmark], dict[int, int | None]]:
    supplied = SuppliedBenchmark.objects.filter(indicator_id__in=indicator_ids, **month_filter)
    if area_ids is not None:
        supplied = supplied.filter(area_id__in=area_ids)
    supplied_by = {(s.indicator_id, s.month, s.group_id, s.area_id): s for s in supplied}
    per_n = dict(Indicator.objects.filter(id__in=indicator_ids).values_list("id", "per_n"))
    return supplied_by, per_n


def _rank_rows(
    rates: _Rates,
    members: dict[int, list[int]],
    supplied_by: dict[tuple[int, dt.date, int, int], SuppliedBenchmark],
    per_n: dict[int, int | None],
) -> list[tuple[object, ...]]:
    """Rank rows: computed where the engine says the group has enough rates, else supplied."""
    new: dict[tuple[int, int, dt.date, int], tuple[object, ...]] = {}
    groups = list(members.items())
    for (ind, month), by_area in rates.items():
        n = per_n.get(ind)
        if not n:
            continue
        for group_id, group_members in groups:
            present = {a: by_area[a] for a in group_members if a in by_area}
            if not rankmod.use_computed_ranks(len(group_members), len(present)):
                continue
            positions = rankmod.rank_positions({a: f[0] for a, f in present.items()})
            average = rankmod.pooled_average(
                {a: f[1] for a, f in present.items()}, {a: f[2] for a, f in present.items()}, n
            )
            for area, rank in positions.items():
                new[(ind, area, month, group_id)] = (
                    ind,
                    area,
                    month,
                    group_id,
                    rank.position,
                    rank.size,
                    average,
                    "computed",
                )
    for (ind, month, group_id, area), s in supplied_by.items():
        if (ind, area, month, group_id) not in new:
            new[(ind, area, month, group_id)] = (
                ind,
                area,
                month,
                group_id,
                s.position,
                s.size,
                _f(s.average),
                "supplied",
            )
    return list(new.values())


RANK_COLUMNS = [
    "indicator_id",
    "area_id",
    "month",
    "group_id",
    "position",
    "size",
    "average",
    "source",
]


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


def recompute_request(
    *,
    now: dt.datetime,
    reason: str,
    indicator_id: int | None = None,
    area_id: int | None = None,
    month: dt.date | None = None,
) -> RecomputeRequest:
    """Record that figures need recomputing and queue the task once the transaction commits.

    Call it inside the transaction that makes the change. If the broker cannot be reached, the
    request stays in the table and the periodic sweep processes it.
    """
    request = RecomputeRequest.objects.create(
        indicator_id=indicator_id, area_id=area_id, month=month, reason=reason, created_at=now
    )

    def enqueue() -> None:
        from indicators import tasks  # tasks import this module

        try:
            tasks.process_recompute_request.delay(request_id=request.id)
        except (KombuOperationalError, ConnectionError) as exc:
            # The broker is down. The request row is committed: the sweep will run it.
            logger.warning(
                "Recompute request %s not queued (%s); the sweep will run it.", request.id, exc
            )

    transaction.on_commit(enqueue)
    return request


def recompute_request_process(*, request_id: int, now: dt.datetime) -> str:
    """Run one request (if another run has not already) and delete it. Idempotent."""
    with transaction.atomic():
        request = (
            RecomputeRequest.objects.select_for_update(skip_locked=True)
            .filter(id=request_id)
            .first()
        )
        if request is None:
            return f"Request {request_id} already processed."
        report = _run_request(request, now=now)
        request.delete()
    return report.summary()


def _run_request(request: RecomputeRequest, *, now: dt.datetime) -> RecomputeReport:
    if request.indicator_id and request.area_id and request.month:
        return metrics_recompute_after_change(
            indicator_id=request.indicator_id,
            area_id=request.area_id,
            month=request.month,
            now=now,
        )
    return metrics_recompute(
        now=now,
        area_ids=[request.area_id] if request.area_id else None,
        indicator_ids=[request.indicator_id] if request.indicator_id else None,
    )


def metrics_recompute_all(*, now: dt.datetime) -> str:
    """The full recompute (nightly, or queued by hand), recorded as a request before it starts.

    A worker killed in the middle (SIGKILL, out of memory) rolls back and acknowledges nothing,
    and with its whole process group gone nobody rejects the message either: Redis would hand
    the task out again only after its visibility timeout (an hour). The request row outlives the
    worker and the sweep runs it again; while a run holds the row locked, the sweep and a second
    task skip it rather than run it twice.
    """
    request = (
        RecomputeRequest.objects.filter(
            indicator__isnull=True, area__isnull=True, month__isnull=True
        )
        .order_by("id")
        .first()
    )
    if request is None:
        request = RecomputeRequest.objects.create(reason="full recompute", created_at=now)
    return recompute_request_process(request_id=request.id, now=now)


def recompute_requests_sweep(*, now: dt.datetime, older_than: dt.timedelta | None = None) -> str:
    """Process requests left behind (a broker outage, a lost task). Safe to run at any time."""
    cutoff = now - (older_than if older_than is not None else dt.timedelta(minutes=1))
    ids = list(RecomputeRequest.objects.filter(created_at__lte=cutoff).values_list("id", flat=True))
    done = [recompute_request_process(request_id=i, now=now) for i in ids]
    # A killed full recompute's staging tables go at the next sweep (none while one runs).
    stage_tables_drop_stale()
    return f"Swept {len(done)} pending recompute request(s)."


@dataclass(frozen=True)
class ApprovedFigure:
    """One row of the approved store to write: whole-month (category None) or per category."""

    category: str | None
    status: str = "reported"
    value: int | None = None
    numerator: int | None = None
    denominator: int | None = None
    decimal_value: Decimal | None = None
    reference_period: str = ""
    reason: str = ""


def month_values_store(
    *,
    indicator: Indicator,
    area_id: int,
    month: dt.date,
    figures: Sequence[ApprovedFigure],
    user: object | None,
    change_reason: str,
    now: dt.datetime,
) -> int:
    """Replace the approved figures of (indicator, area, month) and queue their recompute.

    Runs inside the caller's transaction; every changed row gets a history entry naming the user
    and the reason. Returns the number of rows written.
    """
    categories = {c.code: c for c in IndicatorCategory.objects.filter(indicator=indicator)}
    existing = {
        (mv.category.code if mv.category_id else None): mv
        for mv in MonthValue.objects.select_for_update(of=("self",))
        .select_related("category")
        .filter(indicator=indicator, area_id=area_id, month=month)
    }
    wanted: dict[str | None, ApprovedFigure] = {f.category: f for f in figures}
    for code in wanted:
        if code is not None and code not in categories:
            raise ValueError(f"{indicator.code} has no category {code!r}")
    written = 0
    for code, row in existing.items():
        if code not in wanted:
            row._history_user = user  # type: ignore[attr-defined]
            row._change_reason = change_reason  # type: ignore[attr-defined]
            row.delete()
            written += 1
    for code, figure in wanted.items():
        fields = {
            "status": figure.status,
            "value": figure.value,
            "numerator": figure.numerator,
            "denominator": figure.denominator,
            "decimal_value": figure.decimal_value,
            "reference_period": figure.reference_period,
            "reason": figure.reason,
            "is_estimated": False,
        }
        row = existing.get(code)
        if row is None:
            row = MonthValue(
                indicator=indicator,
                area_id=area_id,
                month=month,
                category=categories[code] if code else None,
                **fields,
            )
        elif all(getattr(row, k) == v for k, v in fields.items()):
            continue
        else:
            for k, v in fields.items():
                setattr(row, k, v)
        row._history_user = user  # type: ignore[attr-defined]
        row._change_reason = change_reason  # type: ignore[attr-defined]
        row.save()
        written += 1
    if written:
        recompute_request(
            now=now,
            reason=change_reason,
            indicator_id=indicator.id,
            area_id=area_id,
            month=month,
        )
    return written
