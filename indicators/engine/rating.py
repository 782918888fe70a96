"""One month's rating against its target (RAG and its reason) and its direction of travel."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from indicators.engine import rag as ragmod
from indicators.engine.periods import month_label, months_elapsed_in_fy
from indicators.engine.series import NOT_SUBMITTED, REPORTED, MonthMetrics, SeriesSpec
from indicators.engine.sums import not_due

NO_TARGET = "No target set for this year: not rated"


def basis_label(spec: SeriesSpec) -> str:
    return "Rolling 12 months" if spec.change_basis == "r12" else "YTD"


def set_rag(
    spec: SeriesSpec, target: ragmod.TargetSpec | None, out: MonthMetrics, m: dt.date
) -> None:
    k = months_elapsed_in_fy(m)
    if target is not None and target.kind == "ceiling" and target.value is not None:
        out.target_to_date = ragmod.target_to_date(target.value, k)
        if out.ytd is not None:
            out.variance = out.ytd - out.target_to_date
    if target is not None and target.volume is not None:
        out.volume_to_date = ragmod.target_to_date(target.volume, k)

    if target is None:  # e.g. an April before the year's targets are set (issue 12)
        out.rag, out.rag_reason = None, NO_TARGET
        return
    if target.kind == "monitoring":
        out.rag, out.rag_reason = None, "Monitoring only: not rated"
        return
    # Never Green (never any rating) for a month without data.
    if not_due(spec, out.status, m):
        words = "No figure due in" if out.status == NOT_SUBMITTED else "Not collected in"
        out.rag, out.rag_reason = None, f"{words} {month_label(m)}: not rated"
        return
    if out.status != REPORTED:
        out.rag = None
        out.rag_reason = f"No figure for {month_label(m)}: not rated"
        return
    if out.missing:
        names = "; ".join(x.describe() for x in out.missing)
        out.rag = None
        out.rag_reason = f"{basis_label(spec)} incomplete ({names}): not rated"
        return

    rating: ragmod.Rating
    if target.kind in {"reduce", "percent_change"}:
        if spec.kind == "snapshot":
            pct, basis = out.value_change_pct, "Change on last year"
        elif spec.kind == "rolling":  # against the same period a year earlier
            pct, basis = out.r12_change_pct, out.period_label or "Rolling 12 months"
            if pct is None:
                out.rag = None
                out.rag_reason = (
                    f"No figure for the period a year before the {basis} to compare with: not rated"
                )
                return
        elif spec.change_basis == "r12" and spec.kind != "ratio":
            pct, basis = out.r12_change_pct, "Rolling 12 months"
        else:
            pct, basis = out.ytd_change_pct, "YTD"
        rating = ragmod.rate_change(
            pct, target, basis=basis, decimals=spec.decimals, higher_is_better=spec.polarity == "up"
        )
    elif target.kind == "ceiling":
        rating = ragmod.rate_ceiling(out.ytd, out.target_to_date, target)
    elif target.kind == "minimum":
        value = out.ytd_pct if spec.kind == "ratio" else out.ytd
        rating = ragmod.rate_minimum(
            value,
            target,
            what="YTD" if spec.kind != "ratio" else "YTD success rate",
            decimals=spec.decimals,
            volume=out.ytd_numerator if spec.kind == "ratio" else None,
            volume_to_date=out.volume_to_date if spec.kind == "ratio" else None,
        )
    elif target.kind == "range":
        value = out.ytd_pct if spec.kind == "ratio" else out.month_value
        rating = ragmod.rate_range(value, target, what="YTD rate", decimals=spec.decimals)
    else:
        rating = ragmod.Rating(None, f"Unknown target kind {target.kind!r}: not rated")
    out.rag, out.rag_reason = rating.rag, rating.reason


def set_direction(spec: SeriesSpec, out: MonthMetrics) -> None:
    if spec.kind == "ratio":
        pct = None
        if out.ytd_pct is not None and out.ytd_pct_previous is not None:
            pct = out.ytd_pct - out.ytd_pct_previous
    elif spec.kind in {"snapshot"}:
        pct = out.value_change_pct
    elif spec.change_basis == "r12" or spec.kind == "rolling":
        pct = out.r12_change_pct
    else:
        pct = out.ytd_change_pct
    if pct is None:
        out.direction = None
    elif pct == 0:
        out.direction = "no_change"
    elif spec.polarity == "neutral":
        out.direction = "up" if pct > 0 else "down"
    else:
        better = pct < 0 if spec.polarity == "down" else pct > 0
        out.direction = "improving" if better else "worsening"


_WORST = {ragmod.GREEN: 0, ragmod.AMBER: 1, ragmod.RED: 2}


def set_category_rags(
    spec: SeriesSpec,
    targets: Mapping[str, ragmod.TargetSpec],
    whole: ragmod.TargetSpec | None,
    out: MonthMetrics,
) -> None:
    """Rate each category against its own target (a range or a minimum on its percentage) and,
    when the indicator has no target of its own, rate it overall as its worst category."""
    if out.categories is None or not targets:
        return
    labels = dict(spec.category_labels)
    rated: list[tuple[str, ragmod.Rating]] = []
    for code, cat in out.categories.items():
        target = targets.get(code)
        if target is None:
            continue
        value = cat.get("pct")
        pct = float(value) if isinstance(value, int | float) else None
        what = labels.get(code, code)
        if target.kind == "range":
            rating = ragmod.rate_range(pct, target, what=what, decimals=spec.decimals)
            cat["lower"], cat["upper"] = target.lower, target.upper
        elif target.kind == "minimum":
            rating = ragmod.rate_minimum(pct, target, what=what, decimals=spec.decimals)
        else:
            continue
        cat["rag"], cat["rag_reason"] = rating.rag, rating.reason
        rated.append((what, rating))
    if not rated or (whole is not None and whole.kind != "monitoring"):
        return
    if out.status != REPORTED or any(r.rag is None for _w, r in rated):
        out.rag = None
        out.rag_reason = "; ".join(r.reason for _w, r in rated)
        return
    out.rag = max((r.rag for _w, r in rated if r.rag), key=_WORST.__getitem__)
    out.rag_reason = (
        (f"{out.period_label}: " if out.period_label else "")
        + "; ".join(r.reason for _w, r in rated)
        + f". Overall {ragmod.NAMES[out.rag]} (the worst)"
    )


def category_rule(targets: Sequence[tuple[str, ragmod.TargetSpec]]) -> str:
    """The rule behind a rating by categories (``set_category_rags``) in words: each category's
    range, the amber band and the overall rating as the worst category."""
    parts = []
    tolerance = ragmod.DEFAULT_TOLERANCE
    for label, t in targets:
        if t.kind == "range" and t.lower is not None and t.upper is not None:
            parts.append(f"{label} between {t.lower:g}% and {t.upper:g}%")
        elif t.kind == "minimum" and t.value is not None:
            parts.append(f"{label} at least {t.value:g}%")
        if t.tolerance is not None:
            tolerance = t.tolerance
    if not parts:
        return ""
    return (
        f"Each group against its own target ({'; '.join(parts)}): Green inside it, Amber within "
        f"{tolerance:g}% of it, Red further out; the indicator is rated as its worst group"
    )
