"""The measures of every series of one indicator at once, with numpy (issue 14).

``compute_indicator`` gives, for each series, the same ``MonthMetrics`` as
``measures.compute_series`` over the months from its first figure to its last (what a full
recompute writes). The scalar engine stays the reference: a property test
(tests/unit/test_engine_vector.py) holds the two to identical figures on random series.

What is done on arrays, one indicator at a time: the grid of figures and of months that can be
summed (``grid``), the year-to-date and rolling-12-month sums, the same figures a year before
and the changes on last year, the rates with the denominator in force (``sums``), and the XmR
limits and the four rules' flags (``xmr``). The per-month words (the rating against the target
and its reason, the direction, the chart's icons) reuse the scalar engine's functions on those
figures, so they cannot drift. Ratios, breakdowns and series with categories go to the scalar
engine whole (``VECTOR_KINDS``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from indicators.engine import rag as ragmod
from indicators.engine.lagged import Period, is_lagged, period_of
from indicators.engine.measures import compute_series
from indicators.engine.periods import add_months
from indicators.engine.series import (
    COUNT_KINDS,
    NOT_SUBMITTED,
    Missing,
    MonthMetrics,
    Obs,
    SeriesSpec,
)
from indicators.engine.sums import (
    due_months_of,
    fy_to,
    last_12,
    missing_of,
    no_figure_due,
    window_sum,
)
from indicators.engine.vector.grid import Grid, grid_build
from indicators.engine.vector.rating import (
    assurance_aim,
    direction,
    icons,
    none_where_nan,
    ratings,
)
from indicators.engine.vector.sums import change, last_year, months_into_fy, period_sums, rate
from indicators.engine.vector.xmr import xmr

__all__ = [
    "VECTOR_KINDS",
    "Columns",
    "SeriesIn",
    "compute_columns",
    "compute_indicator",
    "vectorisable",
]

VECTOR_KINDS = frozenset({"count", "ceiling", "snapshot", "rolling"})


class SeriesIn(Protocol):
    """One series' inputs (``recompute.load.SeriesInputs`` is one)."""

    @property
    def values(self) -> Mapping[dt.date, Obs]: ...
    @property
    def denominators(self) -> Sequence[tuple[dt.date, int]]: ...
    @property
    def targets(self) -> Mapping[int, ragmod.TargetSpec]: ...


def vectorisable(spec: SeriesSpec, values: Mapping[dt.date, Obs]) -> bool:
    """Whether ``compute_columns`` takes the series (else the scalar engine does)."""
    return (
        bool(values)
        and not is_lagged(spec)
        and due_months_of(spec) is None  # a quarterly figure's months between stay scalar
        and spec.kind in VECTOR_KINDS
        and all(o.categories is None for o in values.values())
    )


def compute_indicator(spec: SeriesSpec, series: Sequence[SeriesIn]) -> list[list[MonthMetrics]]:
    """Each series' metrics for every month from its first figure to its last (gaps included)."""
    out: list[list[MonthMetrics]] = [[] for _ in series]
    vector: list[int] = []
    for i, s in enumerate(series):
        if vectorisable(spec, s.values):
            vector.append(i)
        elif s.values:
            out[i] = compute_series(
                spec,
                s.values,
                months=_months(min(s.values), max(s.values)),
                denominators=s.denominators,
                targets=s.targets,
            )
    if vector:
        chosen = [series[i] for i in vector]
        columns = compute_columns(spec, chosen)
        for i, metrics in zip(vector, columns.metrics(len(chosen)), strict=True):
            out[i] = metrics
    return out


def _months(first: dt.date, last: dt.date) -> list[dt.date]:
    out = []
    m = first
    while m <= last:
        out.append(m)
        m = add_months(m, 1)
    return out


@dataclass(frozen=True, slots=True)
class Columns:
    """The derived rows of the vectorised series, field by field (``MonthMetrics``' names; a
    row's ``missing`` is its list of ``Missing``), with each row's series and month."""

    series: list[int]
    months: list[dt.date]
    fields: dict[str, list[object]]

    def metrics(self, count: int) -> list[list[MonthMetrics]]:
        """The rows as ``MonthMetrics``, per series (``count`` series)."""
        out: list[list[MonthMetrics]] = [[] for _ in range(count)]
        names = list(self.fields)
        for s, m, *values in zip(self.series, self.months, *self.fields.values(), strict=True):
            got = MonthMetrics(month=m)
            for name, value in zip(names, values, strict=True):
                setattr(got, name, value)
            out[s].append(got)
        return out


def _measures(spec: SeriesSpec, grid: Grid) -> dict[str, np.ndarray]:
    if spec.kind in COUNT_KINDS:
        out = period_sums(grid)
        out["rate"] = rate(out["r12"], grid.den, spec.per_n)
        return out
    previous = last_year(grid.fig)
    out = {"previous_value": previous}
    out["value_change_abs"], out["value_change_pct"] = change(grid.fig, previous)
    if spec.kind == "rolling":
        out["r12"], out["r12_previous"] = grid.fig, previous
        out["r12_change_abs"] = out["value_change_abs"]
        out["r12_change_pct"] = out["value_change_pct"]
        out["rate"] = rate(grid.fig, grid.den, spec.per_n)
    return out


_ALWAYS_NONE = ("month_pct", "ytd_numerator", "ytd_denominator", "ytd_pct", "ytd_pct_previous",
                "pct_satisfied", "ytd_pct_satisfied", "categories")  # fmt: skip
_NUMBERS = ("ytd", "ytd_previous", "ytd_change_abs", "ytd_change_pct", "r12", "r12_previous",
            "r12_change_abs", "r12_change_pct", "rate", "previous_value", "value_change_abs",
            "value_change_pct")  # fmt: skip


def compute_columns(spec: SeriesSpec, series: Sequence[SeriesIn]) -> Columns:
    """Every row of the given series (each with at least one month and no categories, of a
    kind in ``VECTOR_KINDS``), field by field."""
    grid = grid_build(spec, [s.values for s in series], [s.denominators for s in series])
    rows, width = grid.shape
    cols = np.arange(width)
    inside = (cols >= grid.first[:, None]) & (cols <= grid.last[:, None])
    where_s, where_t = np.nonzero(inside)
    flat = {name: arr[inside] for name, arr in _measures(spec, grid).items()}
    nan = np.full(len(where_s), np.nan)
    for name in _NUMBERS:
        flat.setdefault(name, nan)
    all_months = [dt.date(i // 12, i % 12 + 1, 1) for i in range(grid.base, grid.base + width)]
    t_list, s_list = where_t.tolist(), where_s.tolist()
    months = [all_months[t] for t in t_list]
    k = months_into_fy(grid.base, width)[where_t] + 1
    fields: dict[str, list[object]] = {}
    incomplete = np.isnan(flat["r12" if spec.change_basis == "r12" else "ytd"]).tolist()
    status = [NOT_SUBMITTED if x is None else x for x in grid.status[inside].tolist()]
    values = grid.value[inside].tolist()
    missing = _missing(spec, series, s_list, months, incomplete, values)
    targets = _target_grid(grid, series)[inside].tolist()
    fields["status"] = list[object](status)
    fields["month_value"] = values
    for name in _NUMBERS:
        fields[name] = none_where_nan(flat[name])
    rate_den = np.where(np.isnan(flat["rate"]), 0, grid.den[inside])
    fields["rate_denominator"] = [d or None for d in rate_den.tolist()]
    for name in _ALWAYS_NONE:
        fields[name] = [None] * len(months)
    target_arrays = _target_arrays(targets)
    _to_dates(fields, targets, k.tolist(), flat)
    fields["direction"] = direction(spec, flat)
    chart = xmr(
        grid.fig,
        baseline=spec.spc_baseline,
        shift_run=spec.spc_shift_run,
        trend_run=spec.spc_trend_run,
    )
    per_row = {
        "has": chart.has_limits[where_s],
        "point": chart.point[inside],
        "high": chart.high[inside],
        "low": chart.low[inside],
        "value": grid.fig[inside],
    }
    for name in ("mean", "upper", "lower", "upper_near", "lower_near"):
        per_row[name] = getattr(chart, name)[where_s]
    kinds = target_arrays["kind"]
    rated = (kinds != None) & (kinds != "monitoring")  # noqa: E711
    aim = assurance_aim(spec, target_arrays, flat, k)
    fields.update(icons(spec, per_row, rated, aim))
    fields["rag"], fields["rag_reason"] = ratings(
        spec, targets, months, status, missing, fields, k.tolist()
    )
    fields["missing"] = missing  # type: ignore[assignment]
    _periods(spec, series, s_list, months, fields)
    return Columns(s_list, months, fields)


def _periods(
    spec: SeriesSpec,
    series: Sequence[SeriesIn],
    s_list: list[int],
    months: list[dt.date],
    fields: dict[str, list[object]],
) -> None:
    """Each row's own month is the month of its figure (a lagged kind, which shows an earlier
    figure, is not vectorised), and the period it covers as ``measures`` names it."""
    # Every series of the indicator has the same few months: each period is worked out once,
    # and a series' own reference (a named period) where it has one.
    cache: dict[tuple[dt.date, str], Period] = {}

    def period(m: dt.date, reference: str) -> Period:
        got = cache.get((m, reference))
        if got is None:
            got = cache[(m, reference)] = period_of(spec, m, reference)
        return got

    periods = [period(m, "") for m in months]
    named = {i for i, s in enumerate(series) if any(o.period for o in s.values.values())}
    if named:
        for row, (s, m) in enumerate(zip(s_list, months, strict=True)):
            if s in named:
                periods[row] = period(m, getattr(series[s].values.get(m), "period", "") or "")
    fields["figure_month"] = list[object](months)
    fields["period_start"] = [p.start for p in periods]
    fields["period_end"] = [p.end for p in periods]
    fields["period_label"] = [p.label for p in periods]


def _missing(
    spec: SeriesSpec,
    series: Sequence[SeriesIn],
    s_list: list[int],
    months: list[dt.date],
    incomplete: list[bool],
    values: list[object],
) -> list[list[Missing]]:
    """What keeps each row's period from being complete (named only where it is not)."""
    out: list[list[Missing]] = []
    count = spec.kind in COUNT_KINDS
    for s, m, broken, value in zip(s_list, months, incomplete, values, strict=True):
        if count:
            if broken:  # name what is missing (rare, so the slow path is fine)
                window = last_12(m) if spec.change_basis == "r12" else fy_to(m)
                out.append(window_sum(spec, series[s].values, window)[1])
                continue
        elif value is None:
            obs = series[s].values.get(m)
            if not no_figure_due(spec, obs, m):
                out.append([missing_of(obs, m)])
                continue
        out.append([])
    return out


def _target_grid(grid: Grid, series: Sequence[SeriesIn]) -> np.ndarray:
    """Each (series, month)'s target: its financial year's."""
    out = np.full(grid.shape, None, dtype=object)
    width = grid.shape[1]
    for s, inputs in enumerate(series):
        for year, target in inputs.targets.items():
            april = year * 12 + 3 - grid.base
            if april + 12 > 0 and april < width:
                out[s, max(april, 0) : april + 12] = target
    return out


def _target_arrays(targets: Sequence[ragmod.TargetSpec | None]) -> dict[str, np.ndarray]:
    def number(x: float | None) -> float:
        return np.nan if x is None else x

    # The same few targets (one a financial year and series) over and over: each read once.
    index: dict[int, int] = {}
    unique: list[ragmod.TargetSpec | None] = []
    rows = []
    for t in targets:
        at = index.get(id(t))
        if at is None:
            at = index[id(t)] = len(unique)
            unique.append(t)
        rows.append(at)
    take = np.array(rows, dtype=np.int64)
    return {
        "kind": np.array([None if t is None else t.kind for t in unique], dtype=object)[take],
        "value": np.array([np.nan if t is None else number(t.value) for t in unique])[take],
        "lower": np.array([np.nan if t is None else number(t.lower) for t in unique])[take],
        "upper": np.array([np.nan if t is None else number(t.upper) for t in unique])[take],
    }


def _to_dates(
    fields: dict[str, list[object]],
    targets: Sequence[ragmod.TargetSpec | None],
    k: list[int],
    flat: dict[str, np.ndarray],
) -> None:
    """target_to_date and variance (ceilings), volume_to_date (a volume), as ``set_rag``."""
    cache: dict[tuple[object, int], int] = {}

    def to_date(annual: float | int, months: int) -> int:
        key = (annual, months)
        if key not in cache:
            cache[key] = ragmod.target_to_date(annual, months)
        return cache[key]

    if not any(t is not None and (t.kind == "ceiling" or t.volume is not None)
               for t in {id(t): t for t in targets}.values()):  # fmt: skip
        nothing: list[object] = [None] * len(targets)
        fields["target_to_date"], fields["variance"] = nothing, list(nothing)
        fields["volume_to_date"] = list(nothing)
        return
    to_dates: list[object] = []
    variances: list[object] = []
    volumes: list[object] = []
    ytds = fields["ytd"]
    for i, target in enumerate(targets):
        ttd = variance = volume = None
        if target is not None:
            if target.kind == "ceiling" and target.value is not None:
                ttd = to_date(target.value, k[i])
                ytd = ytds[i]
                if ytd is not None:
                    variance = ytd - ttd  # type: ignore[operator]
            if target.volume is not None:
                volume = to_date(target.volume, k[i])
        to_dates.append(ttd)
        variances.append(variance)
        volumes.append(volume)
    fields["target_to_date"], fields["variance"] = to_dates, variances
    fields["volume_to_date"] = volumes
