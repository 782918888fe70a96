"""The categories of one month: a breakdown's shares and year to date, a ratio's or a plain
series' categories."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from indicators.engine.series import (
    NOT_SUBMITTED,
    REPORTED,
    MonthMetrics,
    Obs,
    SeriesSpec,
    change,
    pct_of,
)
from indicators.engine.sums import fy_to, no_figure_due


def plain_categories(
    obs: Obs, previous: Obs | None
) -> dict[str, dict[str, float | int | str | None]]:
    out: dict[str, dict[str, float | int | str | None]] = {}
    for code, c in (obs.categories or {}).items():
        prev = (previous.categories or {}).get(code) if previous is not None else None
        prev_value = prev.value if prev is not None and prev.status == REPORTED else None
        value = c.value if c.status == REPORTED else None
        absolute, pct = change(value, prev_value)
        out[code] = {
            "status": c.status,
            "value": value,
            "previous": prev_value,
            "change_abs": absolute,
            "change_pct": pct,
        }
    return out


def ratio_categories(spec: SeriesSpec, obs: Obs) -> dict[str, dict[str, float | int | str | None]]:
    return {
        code: {
            "status": c.status,
            "numerator": c.numerator,
            "denominator": c.denominator,
            "pct": pct_of(c.numerator, c.denominator) if c.status == REPORTED else None,
        }
        for code, c in (obs.categories or {}).items()
    }


def set_breakdown(
    spec: SeriesSpec,
    values: Mapping[dt.date, Obs],
    m: dt.date,
    obs: Obs | None,
    out: MonthMetrics,
) -> None:
    codes = list(spec.category_order) or sorted((obs.categories or {}) if obs else [])
    ytd_by_cat: dict[str, float] = {c: 0 for c in codes}
    ytd_complete = True
    for month in fy_to(m):
        o = values.get(month)
        if no_figure_due(spec, o, month):
            continue
        if o is None or o.status != REPORTED or o.categories is None:
            ytd_complete = False
            continue
        for c in codes:
            cat = o.categories.get(c)
            if cat is None or cat.status != REPORTED or cat.value is None:
                ytd_complete = False
            else:
                ytd_by_cat[c] += cat.value
    total = out.month_value
    cats: dict[str, dict[str, float | int | str | None]] = {}
    month_values: dict[str, float | None] = {}
    for c in codes:
        cat = (obs.categories or {}).get(c) if obs is not None else None
        value = cat.value if cat is not None and cat.status == REPORTED else None
        month_values[c] = value
        cats[c] = {
            "status": cat.status if cat is not None else NOT_SUBMITTED,
            "value": value,
            "share": pct_of(value, total),
            "ytd": ytd_by_cat[c] if ytd_complete else None,
        }
    out.categories = cats
    if spec.satisfied_categories:
        sat = [month_values[c] for c in codes if c in spec.satisfied_categories]
        known = [v for v in sat if v is not None]
        if total is not None and len(known) == len(sat):
            out.pct_satisfied = pct_of(sum(known), total)
        if ytd_complete and out.ytd:
            out.ytd_pct_satisfied = pct_of(
                sum(ytd_by_cat[c] for c in codes if c in spec.satisfied_categories), out.ytd
            )


def proportion_categories(
    spec: SeriesSpec, values: Mapping[dt.date, Obs], figure_month: dt.date
) -> dict[str, dict[str, float | int | str | None]]:
    """A lagged figure's categories given as numerator and denominator (PHOF 2.15's opiate and
    non-opiate clients), each with the figure it is compared with: the same period a year
    earlier, else the latest earlier release (the page's baseline), named by its period."""
    from indicators.engine.lagged import comparison_month, period_of

    obs = values[figure_month]
    base_month = comparison_month(values, figure_month)
    base = values.get(base_month) if base_month is not None else None
    base_label = period_of(spec, base_month, base.period).label if base and base_month else ""
    cats = obs.categories or {}
    out: dict[str, dict[str, float | int | str | None]] = {}
    for code in list(spec.category_order) or sorted(cats):
        c = cats.get(code)
        b = (base.categories or {}).get(code) if base is not None else None
        pct = pct_of(c.numerator, c.denominator) if c and c.status == REPORTED else None
        b_pct = pct_of(b.numerator, b.denominator) if b and b.status == REPORTED else None
        out[code] = {
            "status": c.status if c is not None else NOT_SUBMITTED,
            "numerator": c.numerator if c is not None else None,
            "denominator": c.denominator if c is not None else None,
            "pct": pct,
            "baseline_numerator": b.numerator if b is not None else None,
            "baseline_denominator": b.denominator if b is not None else None,
            "baseline_pct": b_pct,
            "baseline_period": base_label if b is not None else "",
            "change_points": None if pct is None or b_pct is None else pct - b_pct,
        }
    return out
