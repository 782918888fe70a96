"""Per-month derived figures for one indicator in one area (DESIGN.md, "Formulas").

``compute_series`` takes a series' observations keyed by month, the denominators in force and the
targets per financial year, and returns one ``MonthMetrics`` per requested month. It reads no
clock and touches no database.

The measures are built from ``series`` (the types), ``sums`` (YTD and R12), ``categories``,
``rating`` (RAG and direction) and ``spc_series``; their public names are re-exported here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence

from indicators.engine import rag as ragmod
from indicators.engine import spc
from indicators.engine.categories import (
    plain_categories,
    proportion_categories,
    ratio_categories,
    set_breakdown,
)
from indicators.engine.lagged import latest_available, period_of
from indicators.engine.periods import add_months, fy_start_year, month_index, month_label
from indicators.engine.rating import set_category_rags, set_direction, set_rag
from indicators.engine.series import (
    COUNT_KINDS,
    INVALID,
    NOT_AVAILABLE,
    NOT_COLLECTED,
    NOT_SUBMITTED,
    QUARTER_ENDS,
    REPORTED,
    SUPPRESSED,
    Missing,
    MonthMetrics,
    Obs,
    SeriesSpec,
    change,
    denominator_in_force,
    pct_of,
)
from indicators.engine.spc_series import series_limits, set_spc
from indicators.engine.sums import (
    PrefixSums,
    figure,
    fy_to,
    last_12,
    missing_of,
    no_figure_due,
    ratio_sums,
    window_sum,
)

__all__ = [
    "COUNT_KINDS",
    "INVALID",
    "NOT_AVAILABLE",
    "NOT_COLLECTED",
    "NOT_SUBMITTED",
    "QUARTER_ENDS",
    "REPORTED",
    "SUPPRESSED",
    "Missing",
    "MonthMetrics",
    "Obs",
    "SeriesSpec",
    "change",
    "compute_series",
    "denominator_in_force",
    "no_figure_due",
]


def compute_series(
    spec: SeriesSpec,
    values: Mapping[dt.date, Obs],
    *,
    months: Iterable[dt.date],
    denominators: Sequence[tuple[dt.date, int]] = (),
    targets: Mapping[int, ragmod.TargetSpec] | None = None,
    category_targets: Mapping[int, Mapping[str, ragmod.TargetSpec]] | None = None,
) -> list[MonthMetrics]:
    """Every derived figure for the requested months of one (indicator, area) series.

    ``category_targets`` (financial year -> category code -> target) rate each category of a
    series whose categories have targets of their own (PHOF 2.15's two ranges)."""
    targets = targets or {}
    wanted = sorted(set(months))
    if not wanted:
        return []
    limits, as_of = series_limits(spec, values)

    sums = PrefixSums(spec, values, wanted) if spec.kind in COUNT_KINDS else None
    return [
        _compute_month(
            spec, values, m, denominators, targets, limits, as_of, sums, category_targets
        )
        for m in wanted
    ]


def _compute_month(
    spec: SeriesSpec,
    values: Mapping[dt.date, Obs],
    m: dt.date,
    denominators: Sequence[tuple[dt.date, int]],
    targets: Mapping[int, ragmod.TargetSpec],
    limits: spc.Limits | None,
    as_of: Mapping[dt.date, tuple[int, spc.PointSignal]],
    sums: PrefixSums | None = None,
    category_targets: Mapping[int, Mapping[str, ragmod.TargetSpec]] | None = None,
) -> MonthMetrics:
    # A lagged kind shows its latest available period (``lagged``); any other, the month's own.
    src = latest_available(spec, values, m)
    obs = values.get(src)
    last_year = add_months(m, -12)
    out = MonthMetrics(month=m)
    period = period_of(spec, src, obs.period if obs is not None else "")
    out.figure_month, out.period_label = src, period.label
    out.period_start, out.period_end = period.start, period.end
    out.status = NOT_SUBMITTED if obs is None else obs.status
    out.month_value = figure(spec, obs)
    kind = spec.kind

    if sums is not None:
        t = month_index(m) - sums.base
        into_fy = (m.month - 4) % 12  # April = 0
        out.ytd = sums.window(t - into_fy, t)
        out.ytd_previous = sums.window(t - 12 - into_fy, t - 12)
        out.ytd_change_abs, out.ytd_change_pct = change(out.ytd, out.ytd_previous)
        out.r12 = sums.window(t - 11, t)
        out.r12_previous = sums.window(t - 23, t - 12)
        out.r12_change_abs, out.r12_change_pct = change(out.r12, out.r12_previous)
        basis_sum = out.r12 if spec.change_basis == "r12" else out.ytd
        if basis_sum is None:  # name what is missing (rare, so the slow path is fine)
            months = last_12(m) if spec.change_basis == "r12" else fy_to(m)
            out.missing = window_sum(spec, values, months)[1]
        if out.r12 is not None and spec.per_n:
            den = denominator_in_force(denominators, m)
            if den:
                out.rate = out.r12 / den * spec.per_n
                out.rate_denominator = den
    elif kind == "breakdown":
        out.ytd, out.missing = window_sum(spec, values, fy_to(m))
        out.ytd_previous, _ = window_sum(spec, values, fy_to(last_year))
        out.ytd_change_abs, out.ytd_change_pct = change(out.ytd, out.ytd_previous)
        out.r12, r12_missing = window_sum(spec, values, last_12(m))
        out.r12_previous, _ = window_sum(spec, values, last_12(last_year))
        out.r12_change_abs, out.r12_change_pct = change(out.r12, out.r12_previous)
        if spec.change_basis == "r12":
            out.missing = r12_missing
        if out.r12 is not None and spec.per_n:
            den = denominator_in_force(denominators, m)
            if den:
                out.rate = out.r12 / den * spec.per_n
                out.rate_denominator = den
    elif kind == "ratio":
        if obs is not None and obs.status == REPORTED and obs.categories is None:
            if (
                obs.numerator is not None
                and obs.denominator is not None
                and (obs.numerator > obs.denominator)
            ):
                out.status = INVALID
            else:
                out.month_pct = pct_of(obs.numerator, obs.denominator)
        num, den, out.missing = ratio_sums(spec, values, fy_to(m))
        out.ytd_numerator, out.ytd_denominator = num, den
        out.ytd = num
        out.ytd_pct = pct_of(num, den)
        prev_num, prev_den, _ = ratio_sums(spec, values, fy_to(last_year))
        out.ytd_previous = prev_num
        out.ytd_pct_previous = pct_of(prev_num, prev_den)
        out.ytd_change_abs, out.ytd_change_pct = change(out.ytd, out.ytd_previous)
        if obs is not None and obs.categories is not None and obs.status == REPORTED:
            out.categories = ratio_categories(spec, obs)
    else:  # snapshot and rolling: the figure itself, against the same period a year earlier
        previous = values.get(add_months(src, -12))
        out.previous_value = figure(spec, previous) if previous is not None else None
        out.value_change_abs, out.value_change_pct = change(out.month_value, out.previous_value)
        proportions = (
            obs is not None
            and obs.status == REPORTED
            and obs.categories is not None
            and any(c.numerator is not None for c in obs.categories.values())
        )
        if out.month_value is None and not proportions and not no_figure_due(spec, obs, src):
            out.missing = [missing_of(obs, src)]
        if kind == "rolling":
            out.r12 = out.month_value
            out.r12_previous = out.previous_value
            out.r12_change_abs, out.r12_change_pct = out.value_change_abs, out.value_change_pct
            if out.month_value is not None and spec.per_n:
                den = denominator_in_force(denominators, src)
                if den:
                    out.rate = out.month_value / den * spec.per_n
                    out.rate_denominator = den
        if proportions:
            out.categories = proportion_categories(spec, values, src)
        elif obs is not None and obs.categories is not None:
            out.categories = plain_categories(obs, previous)

    if kind == "breakdown":
        set_breakdown(spec, values, m, obs, out)

    target = targets.get(fy_start_year(m))
    set_rag(spec, target, out, m)
    by_category = (category_targets or {}).get(fy_start_year(m))
    if target is None and by_category:  # rated by its groups' targets, not "no target set"
        out.rag_reason = f"No figure for {month_label(m)}: not rated"
    if out.categories is not None and category_targets:
        set_category_rags(spec, by_category or {}, target, out)
    set_direction(spec, out)
    set_spc(spec, out, m, limits, as_of, target)
    return out
