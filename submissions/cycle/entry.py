"""A submission's entry: its fields as an Entry and the context it is checked against.

Read by the services (to check a save) and the selectors (the review page); imports neither."""

from __future__ import annotations

from indicators.engine.periods import add_months, month_label
from indicators.models import DerivedMetric, IndicatorCategory, MonthValue
from submissions.cycle.validation import Context, Entry
from submissions.models import (
    Submission,
)

ENTRY_FIELDS = [
    "entry_status",
    "value",
    "numerator",
    "denominator",
    "decimal_value",
    "categories",
    "reference_period",
    "reason",
    "confirm_note",
    "performance_overview",
    "actions",
    "benchmarking",
]


def entry_of(sub: Submission) -> Entry:
    return Entry(**{name: getattr(sub, name) for name in ENTRY_FIELDS})


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
        status="reported",
    ).first()
    last_year_value = None
    if last_year is not None:
        if indicator.kind == "ratio" and last_year.numerator is not None and last_year.denominator:
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
    return Context(
        kind=indicator.kind,
        category_codes=tuple(c.code for c in categories),
        total_category=next((c.code for c in categories if c.is_total), None),
        suppression_threshold=sub.adoption.suppression_threshold,
        last_year_value=last_year_value,
        spc_lower=limits[0] if limits else None,
        spc_upper=limits[1] if limits else None,
        month_label=month_label(sub.round.month),
    )
