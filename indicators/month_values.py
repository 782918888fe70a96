"""Month values: the approved store the cycle writes, and the recompute each change queues."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from csp.users import User, stamp_change
from indicators.models import (
    Indicator,
    IndicatorCategory,
    MonthValue,
    ValueStatus,
)
from indicators.recompute.requests import recompute_request


@dataclass(frozen=True)
class ApprovedFigure:
    """One row of the approved store to write: whole-month (category None) or per category."""

    category: str | None
    status: str = ValueStatus.REPORTED
    value: int | None = None
    numerator: int | None = None
    denominator: int | None = None
    decimal_value: Decimal | None = None
    reference_period: str = ""
    reason: str = ""


def month_values_store(
    *,
    indicator: Indicator,
    area_id: int,
    month: dt.date,
    figures: Sequence[ApprovedFigure],
    user: User | None,
    change_reason: str,
    now: dt.datetime,
) -> int:
    """Replace the approved figures of (indicator, area, month) and queue their recompute.

    Runs inside the caller's transaction; every changed row gets a history entry naming the user
    and the reason. Returns the number of rows written.
    """
    categories = {c.code: c for c in IndicatorCategory.objects.filter(indicator=indicator)}
    existing = {
        (mv.category.code if mv.category is not None else None): mv
        for mv in MonthValue.objects.select_for_update(of=("self",))
        .select_related("category")
        .filter(indicator=indicator, area_id=area_id, month=month)
    }
    wanted: dict[str | None, ApprovedFigure] = {f.category: f for f in figures}
    for code in wanted:
        if code is not None and code not in categories:
            raise ValueError(f"{indicator.code} has no category {code!r}")
    written = 0
    for code, stale in existing.items():
        if code not in wanted:
            stamp_change(stale, user, change_reason)
            stale.delete()
            written += 1
    for code, figure in wanted.items():
        fields = {
            "status": figure.status,
            "value": figure.value,
            "numerator": figure.numerator,
            "denominator": figure.denominator,
            "decimal_value": figure.decimal_value,
            "reference_period": figure.reference_period,
            "reason": figure.reason,
            "is_estimated": False,
        }
        row = existing.get(code)
        if row is None:
            row = MonthValue(
                indicator=indicator,
                area_id=area_id,
                month=month,
                category=categories[code] if code else None,
                **fields,
            )
        elif all(getattr(row, k) == v for k, v in fields.items()):
            continue
        else:
            for k, v in fields.items():
                setattr(row, k, v)
        stamp_change(row, user, change_reason)
        row.save()
        written += 1
    if written:
        recompute_request(
            now=now,
            reason=change_reason,
            indicator_id=indicator.id,
            area_id=area_id,
            month=month,
        )
    return written


def latest_figure_month(
    *, indicator_id: int, area_id: int, month: dt.date, months: int = 12
) -> dt.date | None:
    """The latest month, in the ``months`` months ending with ``month``, holding an approved
    figure (reported, or a suppressed count) for the indicator in the area; None if none does.

    The figure a rating in the pack for ``month`` could judge: the month's own, or for an
    indicator whose figures arrive late, the latest one before it."""
    index = month.year * 12 + month.month - 1 - (months - 1)
    first = dt.date(index // 12, index % 12 + 1, 1)
    return (
        MonthValue.objects.filter(
            indicator_id=indicator_id,
            area_id=area_id,
            month__gte=first,
            month__lte=month,
            status__in=[ValueStatus.REPORTED, ValueStatus.SUPPRESSED],
        )
        .order_by("-month")
        .values_list("month", flat=True)
        .first()
    )
