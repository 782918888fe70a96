"""Compute: run the engine over every series in scope and turn its results into derived rows."""

from __future__ import annotations

import datetime as dt
import gc
import itertools
import json
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from operator import attrgetter

from indicators.engine.formatting import number
from indicators.engine.lagged import LAG_HORIZON, is_lagged
from indicators.engine.measures import REPORTED, MonthMetrics, Obs
from indicators.engine.periods import add_months
from indicators.engine.vector import Columns, compute_columns, vectorisable
from indicators.recompute.load import (
    Catalogue,
    SeriesInputs,
    denominators_load,
    scope_sql,
    series_inputs,
    values_load,
)

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
    "figure_month",
    "period_start",
    "period_end",
    "period_label",
]


Rates = dict[tuple[int, dt.date], dict[int, tuple[float | None, float | None, int | None]]]


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
            f"Recomputed {number(self.series)} series: {number(self.rows)} derived rows and "
            f"{number(self.ranks)} ranks in {self.seconds:.2f} s."
        )
        if self.phases and self.seconds >= 1:
            text += " (" + ", ".join(f"{k} {v:.1f} s" for k, v in self.phases.items()) + ")"
        return text


_PLAIN = [f for f in METRIC_FIELDS if f not in {"missing_months", "categories"}]


_BLANK_IF_NONE = {"rag", "direction", "spc_signal", "variation", "assurance"}


_BLANKS = [i for i, f in enumerate(_PLAIN) if f in _BLANK_IF_NONE]
_get_plain = attrgetter(*_PLAIN)


METRIC_COLUMNS = [
    "indicator_id",
    "area_id",
    "month",
    *_PLAIN,
    "missing_months",
    "categories",
    "computed_at",
]


def metric_tuple(
    indicator_id: int, area_id: int, metrics: MonthMetrics, now: dt.datetime
) -> tuple[object, ...]:
    plain = list(_get_plain(metrics))
    for i in _BLANKS:
        if plain[i] is None:
            plain[i] = ""
    missing = json.dumps(metrics.missing_months) if metrics.missing else "[]"
    categories = None if metrics.categories is None else json.dumps(metrics.categories)
    return (indicator_id, area_id, metrics.month, *plain, missing, categories, now)


def column_rows(
    indicator_id: int,
    area_ids: Sequence[int],
    columns: Columns,
    now: dt.datetime,
    rows: list[tuple[object, ...]],
    rates: Rates,
) -> None:
    """Append the vectorised engine's rows (as ``metric_tuple`` makes them) and their rates."""
    fields = columns.fields
    plain = [
        [("" if v is None else v) for v in fields[f]] if f in _BLANK_IF_NONE else fields[f]
        for f in _PLAIN
    ]
    missing = [
        json.dumps(MonthMetrics(month=columns.months[0], missing=gone).missing_months)  # type: ignore[arg-type]
        if gone
        else "[]"
        for gone in fields["missing"]
    ]
    areas = [area_ids[s] for s in columns.series]
    rows.extend(
        zip(
            itertools.repeat(indicator_id),
            areas,
            columns.months,
            *plain,
            missing,
            itertools.repeat(None),  # categories: series with categories are not vectorised
            itertools.repeat(now),
        )
    )
    for area, month, rate, r12, den in zip(
        areas, columns.months, fields["rate"], fields["r12"], fields["rate_denominator"],
        strict=True,
    ):  # fmt: skip
        if rate is not None:
            rates[(indicator_id, month)][area] = (rate, r12, den)  # type: ignore[assignment]


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection inside: building a million row tuples otherwise sets off
    collections that scan every row built so far, a third of the time. The rows hold no cycles
    (reference counting frees them); collections resume, as they were, on the way out."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def compute_rows(
    catalogue: Catalogue,
    area_ids: Sequence[int] | None,
    from_month: dt.date | None,
    now: dt.datetime,
    report: RecomputeReport,
    *,
    vectorised: bool = True,
) -> tuple[list[tuple[object, ...]], Rates, list[EarlyStart]]:
    """Load the scope's month values (streamed), run the engine, return row tuples.

    Over every area without ``from_month`` (a full recompute, or one of some indicators), one
    indicator's series at once by the vectorised engine (``engine.vector``; ``vectorised=False``
    runs the scalar reference, one series at a time, for the benchmark). Otherwise series by
    series (``SeriesInputs.metrics``); with ``from_month``, also the
    series rewritten from an earlier month (see ``series_rewrite``), so the writer can drop
    their rows no longer produced before ``from_month`` too.
    """
    with gc_paused():
        return _compute_rows(catalogue, area_ids, from_month, now, report, vectorised=vectorised)


def _compute_rows(
    catalogue: Catalogue,
    area_ids: Sequence[int] | None,
    from_month: dt.date | None,
    now: dt.datetime,
    report: RecomputeReport,
    *,
    vectorised: bool,
) -> tuple[list[tuple[object, ...]], Rates, list[EarlyStart]]:
    where, params = scope_sql(catalogue, area_ids)
    denominators = denominators_load(area_ids)
    rows: list[tuple[object, ...]] = []
    rates: Rates = defaultdict(dict)
    early: list[EarlyStart] = []

    def add(indicator_id: int, area_id: int, results: list[MonthMetrics]) -> None:
        if not results:
            return
        report.series += 1
        for metrics in results:
            rows.append(metric_tuple(indicator_id, area_id, metrics, now))
            # Ranked in the month of its own figure only: a lagged figure carried into later
            # months would rank against other areas' figures for other periods.
            if metrics.rate is not None and metrics.figure_month in (None, metrics.month):
                rates[(indicator_id, metrics.month)][area_id] = (
                    metrics.rate,
                    metrics.r12,
                    metrics.rate_denominator,
                )

    # Every area of an indicator: the vectorised engine takes them at once. A recompute of a
    # few areas or from a month stays on the reference, series by series.
    whole_indicators = vectorised and area_ids is None and from_month is None
    batch: list[tuple[int, SeriesInputs]] = []
    batch_indicator: int | None = None

    def flush() -> None:
        if batch_indicator is None or not batch:
            return
        spec = catalogue.specs[batch_indicator]
        takes = [vectorisable(inputs.spec, inputs.values) for _area, inputs in batch]
        vector = [pair for pair, ok in zip(batch, takes, strict=True) if ok]
        if vector:
            columns = compute_columns(spec, [inputs for _area, inputs in vector])
            report.series += len(vector)
            areas = [area for area, _inputs in vector]
            column_rows(batch_indicator, areas, columns, now, rows, rates)
        for (area_id, inputs), ok in zip(batch, takes, strict=True):
            if not ok:
                add(batch_indicator, area_id, series_rewrite(inputs, None)[1])
        batch.clear()

    for (indicator_id, area_id), values in values_load(where, params, catalogue.category_codes):
        inputs = series_inputs(catalogue, denominators, indicator_id, area_id, values)
        if whole_indicators:
            if indicator_id != batch_indicator:
                flush()
                batch_indicator = indicator_id
            batch.append((area_id, inputs))
            continue
        start, results = series_rewrite(inputs, from_month)
        if from_month is not None and start < from_month:
            early.append(EarlyStart(indicator_id, area_id, start))
        add(indicator_id, area_id, results)
    flush()
    return rows, rates, early


@dataclass(frozen=True, slots=True)
class EarlyStart:
    """A series that a recompute from a month rewrites from an earlier ``month``."""

    indicator_id: int
    area_id: int
    month: dt.date


def series_rewrite(
    inputs: SeriesInputs, from_month: dt.date | None
) -> tuple[dt.date, list[MonthMetrics]]:
    """The first month of one series that a recompute from ``from_month`` rewrites, and the
    metrics of every month it rewrites.

    Every month from ``from_month`` on, and two kinds of earlier month whose rows depend on the
    figures from ``from_month`` on (issue 10: a full recompute wrote them otherwise):
    - A series' rows run from its first month value to its last, the months between with no
      value being "not submitted" rows. The months after the last value before ``from_month`` are
      rows only if the series goes on from ``from_month``: an import that adds months after a gap
      adds rows there, one that removes the series' last months removes them. The rewrite starts
      just after that value.
    - The SPC limits come from a series' first twelve points, and a series has none until it has
      more; a month that is no point records whether the series has limits (in its assurance).
      If the months before the rewrite do not show limits already, the points from
      ``from_month`` on decide them, and the whole series is rewritten. Shown means: the last
      reported month before the rewrite carries limits (a month the engine computes as a probe
      and writes only as part of a whole series).
    """
    values = inputs.values
    first = min(values)
    lag = LAG_HORIZON if is_lagged(inputs.spec) else 0
    if from_month is None or from_month <= first:
        return first, inputs.metrics(output_months(values, first, lag))
    last_before = max(m for m in values if m < from_month)
    start = min(from_month, add_months(last_before, 1))
    months = output_months(values, start, lag)
    probe = max((m for m in values if m < start and values[m].status == REPORTED), default=None)
    if probe is not None:
        shown, *results = inputs.metrics([probe, *months])
        if shown.spc_mean is not None:
            return start, results
    return first, inputs.metrics(output_months(values, first, lag))


def output_months(values: dict[dt.date, Obs], start: dt.date, lag: int = 0) -> list[dt.date]:
    """Every month from ``start`` (or the series' first figure) to its last, gaps included, and
    for a lagged series the ``lag`` months after its last, which show its latest figure."""
    first, last = max(start, min(values)), add_months(max(values), lag)
    out = []
    m = first
    while m <= last:
        out.append(m)
        m = add_months(m, 1)
    return out
