"""A submission's entry: its fields as an Entry and the context it is checked against.

Read by the services (to check a save) and the selectors (the review page); imports neither."""

from __future__ import annotations

import math
from decimal import Decimal

from django.db.models import Max

from indicators.engine.formatting import month_label
from indicators.engine.periods import add_months
from indicators.models import (
    DerivedMetric,
    IndicatorCategory,
    IndicatorKind,
    MonthValue,
    ValueStatus,
)
from indicators.services import ApprovedFigure
from submissions.cycle.validation import ENTRY_FIELDS, SUPPRESSED, Context, Entry, EntryStatus
from submissions.models import (
    Submission,
)

__all__ = ["ENTRY_FIELDS", "entry_context", "entry_figures", "entry_of", "figure_limit"]


def entry_of(sub: Submission) -> Entry:
    return Entry(**{name: getattr(sub, name) for name in ENTRY_FIELDS})


def entry_figures(entry: Entry, kind: str) -> list[ApprovedFigure]:
    """The approved-store rows an entry becomes: what approval stores, and what the commentary
    draft previews before it."""
    if entry.entry_status in {EntryStatus.NOT_COLLECTED, EntryStatus.NOT_AVAILABLE}:
        return [ApprovedFigure(None, status=entry.entry_status, reason=entry.reason.strip())]
    period = entry.reference_period.strip()
    if entry.categories:
        rows = []
        for code, raw in entry.categories.items():
            if raw == SUPPRESSED:
                rows.append(ApprovedFigure(code, status=SUPPRESSED, reference_period=period))
            elif isinstance(raw, dict):
                rows.append(
                    ApprovedFigure(
                        code,
                        numerator=raw.get("numerator"),
                        denominator=raw.get("denominator"),
                        reference_period=period,
                    )
                )
            else:
                rows.append(ApprovedFigure(code, value=int(raw), reference_period=period))
        return rows
    if kind == IndicatorKind.RATIO:
        return [ApprovedFigure(None, numerator=entry.numerator, denominator=entry.denominator)]
    if entry.value is None and entry.decimal_value is not None:
        return [
            ApprovedFigure(
                None, decimal_value=Decimal(entry.decimal_value), reference_period=period
            )
        ]
    return [ApprovedFigure(None, value=entry.value, reference_period=period)]


# The default plausibility limit: this many times the largest approved month of LIMIT_YEARS.
LIMIT_TIMES, LIMIT_YEARS = 10, 5


def figure_limit(sub: Submission) -> tuple[int | None, bool]:
    """The largest figure the entry may give, and whether the adoption set it (True) or it is
    the default, ten times the largest approved month (any category, count, rate or total) of
    the five years before the round's month; None with no such month to judge by."""
    if sub.adoption.figure_limit is not None:
        return sub.adoption.figure_limit, True
    month = sub.round.month
    largest = MonthValue.objects.filter(
        indicator=sub.indicator,
        area_id=sub.round.partnership.area_id,
        month__gte=add_months(month, -12 * LIMIT_YEARS),
        month__lt=month,
        status=ValueStatus.REPORTED,
    ).aggregate(value=Max("value"), decimal=Max("decimal_value"), total=Max("denominator"))
    figures = [float(f) for f in largest.values() if f is not None and f > 0]
    if not figures:
        return None, False
    return math.ceil(LIMIT_TIMES * max(figures)), False


def entry_context(sub: Submission) -> Context:
    """What an entry is checked against: categories, last year's figure, the SPC limits."""
    indicator = sub.indicator
    area_id = sub.round.partnership.area_id
    categories = list(IndicatorCategory.objects.filter(indicator=indicator).order_by("order"))
    last_year = MonthValue.objects.filter(
        indicator=indicator,
        area_id=area_id,
        month=add_months(sub.round.month, -12),
        category__isnull=True,
        status=ValueStatus.REPORTED,
    ).first()
    last_year_value = None
    if last_year is not None:
        ratio = indicator.kind == IndicatorKind.RATIO
        if ratio and last_year.numerator is not None and last_year.denominator:
            last_year_value = last_year.numerator / last_year.denominator * 100
        elif last_year.value is not None:
            last_year_value = float(last_year.value)
        elif last_year.decimal_value is not None:
            last_year_value = float(last_year.decimal_value)
    limits = (
        DerivedMetric.objects.filter(
            indicator=indicator,
            area_id=area_id,
            month__lt=sub.round.month,
            spc_upper__isnull=False,
        )
        .order_by("-month")
        .values_list("spc_lower", "spc_upper")
        .first()
    )
    limit, limit_set = figure_limit(sub)
    return Context(
        kind=indicator.kind,
        category_codes=tuple(c.code for c in categories),
        total_category=next((c.code for c in categories if c.is_total), None),
        suppression_threshold=sub.adoption.suppression_threshold,
        last_year_value=last_year_value,
        spc_lower=limits[0] if limits else None,
        spc_upper=limits[1] if limits else None,
        month_label=month_label(sub.round.month),
        figure_limit=limit,
        limit_set=limit_set,
    )
