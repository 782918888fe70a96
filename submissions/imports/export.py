"""The month values export: every stored figure of the partnership's areas, as the import reads it.

Cells are neutralised (``submissions.spreadsheet``) so a spreadsheet never runs them as formulas."""

from __future__ import annotations

from decimal import Decimal

import tablib

from indicators.models import MonthValue, ValueStatus
from submissions.spreadsheet import neutralise

EXPORT_COLUMNS = [
    "area",
    "indicator",
    "month",
    "category",
    "value",
    "numerator",
    "denominator",
    "status",
    "reason",
    "reference_period",
    "estimated",
]


def _decimal_text(value: Decimal) -> str:
    """43.0000 -> "43.0": keeps the point, so it re-imports as a rate, not a count."""
    text = format(value.normalize(), "f")
    return text if "." in text else text + ".0"


def month_values_export(
    *,
    area_codes: list[str] | None = None,
    indicator_codes: list[str] | None = None,
    fmt: str = "csv",
) -> bytes:
    """Month values in the import's column layout, so an export re-imports unchanged.

    Text a spreadsheet would run as a formula is neutralised; the import reads it back as it was.
    """
    values = MonthValue.objects.select_related("area", "indicator", "category").order_by(
        "indicator__code", "area__code", "month", "category__order"
    )
    if area_codes:
        values = values.filter(area__code__in=area_codes)
    if indicator_codes:
        values = values.filter(indicator__code__in=indicator_codes)
    dataset = tablib.Dataset(headers=EXPORT_COLUMNS)
    for mv in values.iterator(chunk_size=5000):
        figure = (
            mv.value
            if mv.value is not None
            else (_decimal_text(mv.decimal_value) if mv.decimal_value is not None else "")
        )
        dataset.append(
            [
                neutralise(cell)
                for cell in (
                    mv.area.code,
                    mv.indicator.code,
                    mv.month.strftime("%Y-%m"),
                    mv.category.code if mv.category is not None else "",
                    figure,
                    "" if mv.numerator is None else mv.numerator,
                    "" if mv.denominator is None else mv.denominator,
                    "" if mv.status == ValueStatus.REPORTED else mv.status,
                    mv.reason,
                    mv.reference_period,
                    "yes" if mv.is_estimated else "",
                )
            ]
        )
    if fmt == "xlsx":
        return dataset.export("xlsx")
    return dataset.export("csv").encode("utf-8")
