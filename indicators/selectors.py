"""Reads of the derived store: plain data for commands, pages and the API."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import F, OuterRef, Subquery

from indicators.engine.lagged import age_in_months, age_text, month_end
from indicators.engine.periods import month_label
from indicators.engine.rating import category_rule
from indicators.engine.rating_words import rating_rule
from indicators.engine.vocabulary import LEVEL_KINDS, NOT_SUBMITTED
from indicators.models import (
    Adoption,
    DerivedMetric,
    DerivedRank,
    Indicator,
    IndicatorKind,
    Target,
)
from indicators.recompute.load import target_spec

RATIO_EXTRA = ["ytd_numerator", "ytd_denominator", "ytd_pct"]
WHOLE = {"month_value", "ytd", "ytd_previous", "ytd_change_abs", "r12", "r12_previous", "variance"}


def _whole_numbers(data: dict[str, Any]) -> dict[str, Any]:
    """Counts print as 1386, not 1386.0; rates and percentages stay as they are."""
    for key in WHOLE:
        value = data.get(key)
        if isinstance(value, float) and value.is_integer():
            data[key] = int(value)
    return data


def metrics_for_month(
    *, area_id: int, month: dt.date, indicator_codes: list[str] | None = None
) -> dict[str, dict[str, Any]]:
    """The derived figures of one area and month, keyed by indicator code, in the pack order of
    the area's partnership (indicators it has not adopted, and a comparator's, by code).

    Every indicator in scope appears; one without a derived row for the month has nulls.
    Numbers are unrounded; ``rag`` is "R", "A", "G" or None.
    """
    place = Adoption.objects.filter(indicator=OuterRef("pk"), partnership__area_id=area_id).values(
        "pack_order"
    )
    in_scope = Indicator.objects.annotate(place=Subquery(place)).order_by(
        F("place").asc(nulls_last=True), "code"
    )
    if indicator_codes:
        in_scope = in_scope.filter(code__in=indicator_codes)
    indicators = list(in_scope.values("id", "code", "kind"))
    ids = [i["id"] for i in indicators]
    rows = {
        r.indicator_id: r
        for r in DerivedMetric.objects.filter(area_id=area_id, month=month, indicator_id__in=ids)
    }
    ranks: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for rank in (
        DerivedRank.objects.filter(area_id=area_id, month=month, indicator_id__in=ids)
        .select_related("group")
        .order_by("group__code")
    ):
        ranks[rank.indicator_id].append(
            {
                "group": rank.group.code,
                "position": rank.position,
                "size": rank.size,
                "average": rank.average,
                "source": rank.source,
            }
        )
    out: dict[str, dict[str, Any]] = {}
    for ind in indicators:
        row = rows.get(ind["id"])
        data: dict[str, Any] = {
            "kind": ind["kind"],
            "status": row.status if row else NOT_SUBMITTED,
            "month_value": row.month_value if row else None,
            "ytd": row.ytd if row else None,
            "ytd_previous": row.ytd_previous if row else None,
            "ytd_change_abs": row.ytd_change_abs if row else None,
            "ytd_change_pct": row.ytd_change_pct if row else None,
            "r12": row.r12 if row else None,
            "r12_previous": row.r12_previous if row else None,
            "r12_change_pct": row.r12_change_pct if row else None,
            "rate": row.rate if row else None,
            "ranks": ranks.get(ind["id"], []),
            "target_to_date": row.target_to_date if row else None,
            "variance": row.variance if row else None,
            "rag": (row.rag or None) if row else None,
            "rag_reason": row.rag_reason if row else "No figures computed for this month",
            "direction": (row.direction or None) if row else None,
            "variation": (row.variation or None) if row else None,
            "assurance": (row.assurance or None) if row else None,
            "spc": (
                {
                    "mean": row.spc_mean,
                    "upper": row.spc_upper,
                    "lower": row.spc_lower,
                    "signal": row.spc_signal or None,
                }
                if row and row.spc_mean is not None
                else None
            ),
            "missing_months": row.missing_months if row else [],
            "computed_at": row.computed_at.isoformat() if row else None,
            **_period(row, month),
        }
        if ind["kind"] == IndicatorKind.RATIO:
            data.update({k: (getattr(row, k) if row else None) for k in RATIO_EXTRA})
            data["month_pct"] = row.month_pct if row else None
        if ind["kind"] in LEVEL_KINDS:
            data["previous_value"] = row.previous_value if row else None
            data["value_change_pct"] = row.value_change_pct if row else None
        if ind["kind"] == IndicatorKind.BREAKDOWN:
            data["pct_satisfied"] = row.pct_satisfied if row else None
            data["ytd_pct_satisfied"] = row.ytd_pct_satisfied if row else None
        if row and row.categories:
            data["categories"] = row.categories
        out[ind["code"]] = _whole_numbers(data)
    return out


def _period(row: DerivedMetric | None, month: dt.date) -> dict[str, Any]:
    """The period the figure covers (the latest available one for a lagged kind) and its age
    in months at ``month``; a month without a derived row covers the month itself, and its
    figure (there is none) has no age."""
    if row is None or row.period_start is None or row.period_end is None:
        start, end, label, figure_month = month, month_end(month), month_label(month), None
    else:
        start, end, label = row.period_start, row.period_end, row.period_label
        figure_month = row.figure_month
    age = age_in_months(end, month) if row is not None else None
    return {
        "period_start": start.isoformat(),
        "period_end": end.isoformat(),
        "period_label": label,
        "period_age_months": age,
        "period_age": age_text(age) if age is not None else "",
        "figure_month": figure_month.strftime("%Y-%m") if figure_month else None,
    }


def category_rule_text(targets: list[Target]) -> str:
    """The rule behind a rating by categories against their own targets (PHOF 2.15's ranges),
    in words; each target with its category and adoption loaded."""
    return category_rule(
        [
            (t.category.label if t.category else "", target_spec(t, t.adoption.tolerance))
            for t in targets
        ]
    )


def rating_rule_text(indicator: Indicator, target: Target | None, tolerance: Any = None) -> str:
    """The rule behind an indicator's rating against its adoption's target for the year, in
    words (``tolerance``: the adoption's amber band, used where the target gives none)."""
    return rating_rule(
        target_spec(target, tolerance) if target is not None else None,
        kind=indicator.kind,
        polarity=indicator.polarity,
        change_basis=indicator.change_basis,
        unit=indicator.unit,
    )


def ranks_by_month(
    *, area_id: int, months: list[dt.date]
) -> dict[int, dict[dt.date, list[dict[str, Any]]]]:
    """Every rank of the area in ``months`` (computed or supplied, as ``DerivedRank`` holds it),
    by indicator id and month, groups in code order: the pack table's monthly rank rows."""
    out: dict[int, dict[dt.date, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for rank in (
        DerivedRank.objects.filter(area_id=area_id, month__in=months)
        .select_related("group")
        .order_by("indicator_id", "month", "group__code")
    ):
        out[rank.indicator_id][rank.month].append(
            {
                "group": rank.group.code,
                "position": rank.position,
                "size": rank.size,
                "source": rank.source,
            }
        )
    return out
