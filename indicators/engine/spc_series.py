"""SPC over one series: the value each month plots, the limits and signals, a month's icons."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from indicators.engine import rag as ragmod
from indicators.engine import spc
from indicators.engine.periods import months_elapsed_in_fy
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
    aim = assurance_target(spec, target, out, m)
    rated = target is not None and target.kind != "monitoring"
    # A target but no limits yet: say so, never "no target".
    no_limits = spc.ASSURE_TOO_FEW if rated else spc.ASSURE_NONE
    if limits is None or point is None:
        out.variation = None
        out.assurance = no_limits if limits is None else None
        return
    index, signal = point
    if index < limits.baseline:
        # Limits are shown from the point after the baseline on (DESIGN.md).
        out.assurance = no_limits
        return
    obs_value = out.month_pct if spec.kind == "ratio" else out.month_value
    if spec.kind == "breakdown" and spec.satisfied_categories:
        obs_value = out.pct_satisfied
    out.spc_value = obs_value
    out.spc_mean, out.spc_upper, out.spc_lower = limits.mean, limits.upper, limits.lower
    out.spc_upper_near, out.spc_lower_near = limits.upper_near, limits.lower_near
    out.spc_signal = spc.signal_meaning(signal, spec.polarity)
    out.variation = spc.variation_icon(signal, spec.polarity, obs_value or 0.0, limits)
    if aim is None:
        out.assurance = spc.ASSURE_OFF_SCALE if rated else spc.ASSURE_NONE
        return
    out.assurance = spc.assurance_icon(
        limits, aim.better, target=aim.value, lower=aim.lower, upper=aim.upper
    )


@dataclass(frozen=True, slots=True)
class AssuranceTarget:
    """A target on the scale of the plotted points: one value (a ceiling or a minimum, by
    ``better``) or a range."""

    better: str  # "down" (the target is a most) or "up" (a least)
    value: float | None = None
    lower: float | None = None
    upper: float | None = None


def assurance_target(
    spec: SeriesSpec, target: ragmod.TargetSpec | None, out: MonthMetrics, m: dt.date
) -> AssuranceTarget | None:
    """The month's target on the XmR chart's scale, or None where there is none to assure against.

    - annual ceiling: a twelfth of it a month (257 a year → 21.4);
    - minimum: the rate itself for a ratio; for a count, the year-to-date minimum spread over the
      months elapsed;
    - range: its bounds (for a ratio, the month's % is plotted; for other kinds, the figure);
    - reduce or stated % change: last year's figure on the rating's basis moved by the stretch,
      as a month's figure (year to date ÷ months elapsed, rolling 12 months ÷ 12, or the same
      month's level last year).

    Where the rating and the chart measure different things (a change target on a ratio's count
    or a breakdown's share) there is no target on the chart's scale.
    """
    if target is None or target.kind == "monitoring":
        return None
    share = spec.kind == "breakdown" and bool(spec.satisfied_categories)
    k = months_elapsed_in_fy(m)
    if target.kind == "ceiling":
        return None if target.value is None else AssuranceTarget("down", target.value / 12)
    if target.kind == "minimum":
        if target.value is None or share:
            return None
        per_month = target.value if spec.kind == "ratio" else target.value / k
        return AssuranceTarget("up", per_month)
    if target.kind == "range":
        if target.lower is None or target.upper is None or share:
            return None
        return AssuranceTarget(spec.polarity, lower=target.lower, upper=target.upper)
    if target.kind in {"reduce", "percent_change"}:
        if spec.kind == "ratio" or share:
            return None
        higher = spec.polarity == "up"
        factor = 1 + ragmod.stretch_of(target, higher_is_better=higher) / 100
        if spec.kind in {"snapshot", "rolling"}:
            base = out.previous_value
        elif spec.change_basis == "r12":
            base = None if out.r12_previous is None else out.r12_previous / 12
        else:
            base = None if out.ytd_previous is None else out.ytd_previous / k
        if base is None:
            return None
        return AssuranceTarget("up" if higher else "down", base * factor)
    return None
