"""Compute: run the engine over every series in scope and turn its results into derived rows."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from operator import attrgetter

from indicators.engine.formatting import number
from indicators.engine.measures import MonthMetrics, Obs
from indicators.engine.periods import add_months
from indicators.recompute.load import (
    Catalogue,
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


def compute_rows(
    catalogue: Catalogue,
    area_ids: Sequence[int] | None,
    from_month: dt.date | None,
    now: dt.datetime,
    report: RecomputeReport,
) -> tuple[list[tuple[object, ...]], Rates]:
    """Load the scope's month values (streamed), run the engine per series, return row tuples."""
    where, params = scope_sql(catalogue, area_ids)
    denominators = denominators_load(area_ids)
    rows: list[tuple[object, ...]] = []
    rates: Rates = defaultdict(dict)
    for (indicator_id, area_id), values in values_load(where, params, catalogue.category_codes):
        months = output_months(values, from_month)
        if not months:
            continue
        inputs = series_inputs(catalogue, denominators, indicator_id, area_id, values)
        results = inputs.metrics(months)
        report.series += 1
        for metrics in results:
            rows.append(metric_tuple(indicator_id, area_id, metrics, now))
            if metrics.rate is not None:
                rates[(indicator_id, metrics.month)][area_id] = (
                    metrics.rate,
                    metrics.r12,
                    metrics.rate_denominator,
                )
    return rows, rates


def output_months(values: dict[dt.date, Obs], from_month: dt.date | None) -> list[dt.date]:
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
