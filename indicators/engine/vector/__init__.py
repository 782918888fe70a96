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
from indicators.engine import spc
from indicators.engine.measures import compute_series
from indicators.engine.periods import add_months, fy_start_year
from indicators.engine.rating import set_direction, set_rag
from indicators.engine.series import (
    COUNT_KINDS,
    NOT_SUBMITTED,
    MonthMetrics,
    Obs,
    SeriesSpec,
)
from indicators.engine.spc_series import set_spc
from indicators.engine.sums import figure, fy_to, last_12, missing_of, no_figure_due, window_sum
from indicators.engine.vector.grid import Grid, grid_build
from indicators.engine.vector.sums import change, last_year, period_sums, rate
from indicators.engine.vector.xmr import XmR, xmr

__all__ = ["VECTOR_KINDS", "SeriesIn", "compute_indicator"]

VECTOR_KINDS = frozenset({"count", "ceiling", "snapshot", "rolling"})


class SeriesIn(Protocol):
    """One series' inputs (``recompute.load.SeriesInputs`` is one)."""

    @property
    def values(self) -> Mapping[dt.date, Obs]: ...
    @property
    def denominators(self) -> Sequence[tuple[dt.date, int]]: ...
    @property
    def targets(self) -> Mapping[int, ragmod.TargetSpec]: ...


def compute_indicator(spec: SeriesSpec, series: Sequence[SeriesIn]) -> list[list[MonthMetrics]]:
    """Each series' metrics for every month from its first figure to its last (gaps included)."""
    out: list[list[MonthMetrics]] = [[] for _ in series]
    vector: list[int] = []
    for i, s in enumerate(series):
        if not s.values:
            continue
        if spec.kind in VECTOR_KINDS and all(o.categories is None for o in s.values.values()):
            vector.append(i)
        else:
            out[i] = compute_series(
                spec,
                s.values,
                months=_months(min(s.values), max(s.values)),
                denominators=s.denominators,
                targets=s.targets,
            )
    if vector:
        chosen = [series[i] for i in vector]
        for i, metrics in zip(vector, _vectorised(spec, chosen), strict=True):
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
class _Figures:
    """The measures on arrays, as Python values (None for NaN), by field name."""

    lists: dict[str, list[list[object]]]

    @classmethod
    def of(cls, arrays: Mapping[str, np.ndarray]) -> _Figures:
        lists = {}
        for name, arr in arrays.items():
            obj = arr.astype(object)
            obj[np.isnan(arr)] = None
            lists[name] = obj.tolist()
        return cls(lists)


def _measures(spec: SeriesSpec, grid: Grid) -> dict[str, np.ndarray]:
    if spec.kind in COUNT_KINDS:
        out = period_sums(grid)
        out["rate"] = rate(out["r12"], grid.den, spec.per_n)
        return out
    previous = last_year(grid.fig)
    out = {"previous_value": previous}
    out["value_change_abs"], out["value_change_pct"] = change(grid.fig, previous)
    if spec.kind == "rolling":
        out["rate"] = rate(grid.fig, grid.den, spec.per_n)
    return out


_SIGNALS = {
    (high, low): spc.PointSignal(high, low) for high in (False, True) for low in (False, True)
}


def _limits(chart: XmR, s: int, baseline: int) -> spc.Limits | None:
    if not chart.has_limits[s]:
        return None
    return spc.Limits(
        mean=float(chart.mean[s]),
        mr_bar=float(chart.mr_bar[s]),
        upper=float(chart.upper[s]),
        lower=float(chart.lower[s]),
        upper_near=float(chart.upper_near[s]),
        lower_near=float(chart.lower_near[s]),
        baseline=baseline,
    )


def _vectorised(spec: SeriesSpec, series: Sequence[SeriesIn]) -> list[list[MonthMetrics]]:
    grid = grid_build(spec, [s.values for s in series], [s.denominators for s in series])
    arrays = _measures(spec, grid)
    rates = arrays.get("rate")
    figures = _Figures.of(arrays)
    dens = np.where(np.isnan(rates), 0, grid.den).tolist() if rates is not None else None
    chart = xmr(
        grid.fig,
        baseline=spec.spc_baseline,
        shift_run=spec.spc_shift_run,
        trend_run=spec.spc_trend_run,
    )
    points, highs, lows = chart.point.tolist(), chart.high.tolist(), chart.low.tolist()
    count = spec.kind in COUNT_KINDS
    basis = "r12" if spec.change_basis == "r12" else "ytd"
    months = [dt.date(i // 12, i % 12 + 1, 1) for i in range(grid.base, grid.base + grid.shape[1])]
    out: list[list[MonthMetrics]] = []
    for s, inputs in enumerate(series):
        values, targets = inputs.values, inputs.targets
        limits = _limits(chart, s, spec.spc_baseline)
        row = {name: lists[s] for name, lists in figures.lists.items()}
        den_row = dens[s] if dens is not None else None
        metrics = []
        for t in range(int(grid.first[s]), int(grid.last[s]) + 1):
            m = months[t]
            obs = values.get(m)
            got = MonthMetrics(month=m, status=NOT_SUBMITTED if obs is None else obs.status)
            got.month_value = figure(spec, obs)
            for name, column in row.items():
                setattr(got, name, column[t])
            if den_row is not None and den_row[t]:
                got.rate_denominator = den_row[t]
            if count:
                if row[basis][t] is None:
                    window = last_12(m) if basis == "r12" else fy_to(m)
                    got.missing = window_sum(spec, values, window)[1]
            else:
                if spec.kind == "rolling":
                    got.r12, got.r12_previous = got.month_value, got.previous_value
                    got.r12_change_abs = got.value_change_abs
                    got.r12_change_pct = got.value_change_pct
                if got.month_value is None and not no_figure_due(spec, obs, m):
                    got.missing = [missing_of(obs, m)]
            target = targets.get(fy_start_year(m))
            set_rag(spec, target, got, m)
            set_direction(spec, got)
            p = points[s][t]
            as_of = {m: (p, _SIGNALS[(highs[s][t], lows[s][t])])} if p >= 0 else {}
            set_spc(spec, got, m, limits, as_of, target)
            metrics.append(got)
        out.append(metrics)
    return out
