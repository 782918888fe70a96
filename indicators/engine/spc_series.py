"""SPC over one series: the value each month plots, the limits and signals, a month's icons."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from indicators.engine import rag as ragmod
from indicators.engine import spc
from indicators.engine.series import REPORTED, MonthMetrics, Obs, SeriesSpec, pct_of
from indicators.engine.sums import figure


def series_limits(
    spec: SeriesSpec, values: Mapping[dt.date, Obs]
) -> tuple[spc.Limits | None, dict[dt.date, tuple[int, spc.PointSignal]]]:
    """The limits fixed from the baseline and each plotted month's (position, signal)."""
    # SPC over every reported point of the series, oldest first; limits fixed from the baseline.
    spc_points: list[tuple[dt.date, float]] = []
    for m in sorted(values):
        x = spc_value(spec, values[m])
        if x is not None:
            spc_points.append((m, x))
    xs = [x for _, x in spc_points]
    limits = spc.compute_limits(xs, spec.spc_baseline) if len(xs) > spec.spc_baseline else None
    as_of: dict[dt.date, tuple[int, spc.PointSignal]] = {}
    if limits is not None:
        now, _whole = spc.signals(
            xs, limits, shift_run=spec.spc_shift_run, trend_run=spec.spc_trend_run
        )
        as_of = {m: (i, now[i]) for i, (m, _) in enumerate(spc_points)}
    return limits, as_of


def spc_value(spec: SeriesSpec, obs: Obs) -> float | None:
    if spec.kind == "ratio":
        if obs.status != REPORTED or obs.categories is not None:
            return None
        if (
            obs.numerator is not None
            and obs.denominator is not None
            and (obs.numerator > obs.denominator)
        ):
            return None
        return pct_of(obs.numerator, obs.denominator)
    if spec.kind == "breakdown" and spec.satisfied_categories and obs.categories:
        # A suppressed (or absent) satisfied category makes the share unknown: no point, never
        # a share computed as if it were 0.
        satisfied = [obs.categories.get(k) for k in spec.satisfied_categories]
        known = [c.value for c in satisfied if c is not None and c.status == REPORTED]
        if len(known) < len(satisfied) or None in known:
            return None
        return pct_of(sum(v for v in known if v is not None), figure(spec, obs))
    value = figure(spec, obs)
    return None if value is None else float(value)


def set_spc(
    spec: SeriesSpec,
    out: MonthMetrics,
    m: dt.date,
    limits: spc.Limits | None,
    as_of: Mapping[dt.date, tuple[int, spc.PointSignal]],
    target: ragmod.TargetSpec | None,
) -> None:
    point = as_of.get(m)
    obs_value = None
    if limits is None or point is None:
        out.variation = None
        out.assurance = spc.ASSURE_NONE if limits is None else None
        return
    index, signal = point
    if index < limits.baseline:
        # Limits are shown from the point after the baseline on (DESIGN.md).
        out.assurance = spc.ASSURE_NONE
        return
    obs_value = out.month_pct if spec.kind == "ratio" else out.month_value
    if spec.kind == "breakdown" and spec.satisfied_categories:
        obs_value = out.pct_satisfied
    out.spc_value = obs_value
    out.spc_mean, out.spc_upper, out.spc_lower = limits.mean, limits.upper, limits.lower
    out.spc_upper_near, out.spc_lower_near = limits.upper_near, limits.lower_near
    out.spc_signal = spc.signal_meaning(signal, spec.polarity)
    out.variation = spc.variation_icon(signal, spec.polarity, obs_value or 0.0, limits)
    monthly_target = None
    lower = upper = None
    if target is not None:
        if target.kind == "ceiling" and target.value is not None:
            monthly_target = target.value / 12
        elif target.kind == "minimum" and spec.kind == "ratio":
            monthly_target = target.value
        elif target.kind == "range" and spec.kind == "ratio":
            lower, upper = target.lower, target.upper
    out.assurance = spc.assurance_icon(
        limits, spec.polarity, target=monthly_target, lower=lower, upper=upper
    )
