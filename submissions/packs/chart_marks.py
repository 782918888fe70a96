"""What the pack's charts say besides their lines (issue 13, item 5): the y-axis title, estimated
points marked, an axis that does not start at zero when zero would flatten the variation, and
the volume target's "to date" chart."""

from __future__ import annotations

import datetime as dt
from typing import Any

from indicators.engine.formatting import month_label
from indicators.engine.periods import short_month_label
from indicators.engine.vocabulary import IndicatorKind
from submissions.packs.schema import Page

BLUE, RED = "#1d70b8", "#d4351c"
ESTIMATE_STYLE = "triangle"


def axis_range(values: list[float]) -> tuple[float, float]:
    """The y-axis (low, high): from zero, unless every value is positive and they vary by less
    than half the largest (a count of 1,383 to 1,639 drawn from zero is a flat line): then from
    just below the lowest."""
    lo, hi = min(values), max(values)
    if lo > 0 and hi - lo < 0.5 * hi:
        pad = (hi - lo) * 0.1 or hi * 0.05
        lo, hi = lo - pad, hi + pad
    else:
        lo = min(0.0, lo)
    return lo, (hi if hi > lo else lo + 1)


def y_title(page: Page, name: str) -> str:
    """What the y-axis counts, in the page's own unit."""
    unit = (page.unit or "figure").capitalize()
    if page.kind == IndicatorKind.RATIO:
        return f"{unit}, to date" if name == "cumulative" else "% successful in the month"
    if page.kind == IndicatorKind.BREAKDOWN:
        return "% satisfied"
    if name == "cumulative":
        return f"{unit}, year to date"
    if page.kind == IndicatorKind.ROLLING:
        return f"{unit}, rolling 12 months"
    if page.kind == IndicatorKind.SNAPSHOT:
        return unit
    return f"{unit} in the month"


def _fy_months(month: str, back: int) -> list[str]:
    """The twelve months ('YYYY-MM') of the financial year of ``month``, ``back`` years back."""
    year, m = int(month[:4]), int(month[5:7])
    start = (year if m >= 4 else year - 1) - back
    return [f"{start + (i + 3) // 12}-{(i + 3) % 12 + 1:02d}" for i in range(12)]


def mark_estimates(data: dict[str, Any], page: Page, month: str, name: str) -> None:
    """Draw the estimated points of the chart's figure lines (this year's and last year's, or
    the XmR chart's values) as triangles, and say so in the line's label (its text too)."""
    estimated = set(page.tables.estimated)
    datasets = data["datasets"]
    if name == "xmr":
        by_label = {short_month_label(_date(m)): m for m in estimated}
        _mark(datasets[0], [by_label.get(label, "") for label in data["labels"]], estimated)
    elif name == "year":
        for back, dataset in enumerate(datasets[:2]):
            _mark(dataset, _fy_months(month, back), estimated)


def _date(month: str) -> dt.date:
    return dt.date(int(month[:4]), int(month[5:7]), 1)


def _mark(dataset: dict[str, Any], months: list[str], estimated: set[str]) -> None:
    flags = [
        m in estimated and v is not None for m, v in zip(months, dataset["data"], strict=False)
    ]
    if not any(flags):
        return
    radius = dataset.get("pointRadius")
    radii = radius if isinstance(radius, list) else [3] * len(flags)
    dataset["pointStyle"] = [ESTIMATE_STYLE if f else "circle" for f in flags]
    dataset["pointRadius"] = [6 if f else r for f, r in zip(flags, radii, strict=False)]
    names = ", ".join(month_label(_date(m)) for m, f in zip(months, flags, strict=True) if f)
    dataset["label"] = f"{dataset['label']} (triangles: {names} estimated)"


def volume_chart(page: Page, labels: list[str]) -> dict[str, Any]:
    """A volume target ("24 individuals"): achieved to date against the target to date."""
    unit = page.unit or "people"
    return {
        "labels": labels,
        "datasets": [
            {
                "label": f"Successful {unit} to date",
                "data": list(page.tables.volume_achieved or []),
                "borderColor": BLUE,
                "backgroundColor": BLUE,
            },
            {
                "label": "Volume target to date",
                "data": list(page.tables.volume_to_date or []),
                "borderColor": RED,
                "backgroundColor": RED,
                "borderDash": [6, 4],
            },
        ],
    }
