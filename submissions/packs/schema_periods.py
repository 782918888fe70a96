"""Snapshot version 3: the period a page's figures cover (issue 13, the latest available period).

A version-2 snapshot's metrics are the pack month's own figures: ``page_periods`` says so,
naming the pack's month as their period (up to date, no figure month). Its categories need
nothing: the keys ``CategoryFigure`` added have defaults.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from indicators.engine.periods import month_label
from submissions.packs.records import Record

Number = int | float


def _period_defaults(month: str) -> dict[str, Any]:
    try:
        first = dt.datetime.strptime(month, "%Y-%m").date()
    except (TypeError, ValueError):
        return {}  # left for the reader to refuse, with the path
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    return {
        "period_start": first.isoformat(),
        "period_end": last.isoformat(),
        "period_label": month_label(first),
        "period_age_months": 0,
        "period_age": "Up to date",
        "figure_month": None,
    }


def page_periods(page: Any, month: str | None = None) -> Any:
    """One version-2 page with its metrics' period (the pack's month: ``month``, else the last
    month of the page's table); keys already there are kept."""
    if not isinstance(page, Mapping) or not isinstance(page.get("metrics"), Mapping):
        return page
    if month is None:
        rows = page.get("months")
        last = rows[-1] if isinstance(rows, list) and rows else None
        month = last.get("month") if isinstance(last, Mapping) else None
    defaults = _period_defaults(month) if isinstance(month, str) else {}
    return {**page, "metrics": {**defaults, **page["metrics"]}}


def _category_written(category: CategoryFigure, name: str) -> bool:
    """A breakdown's four keys always (as version 1 wrote them); the others when they hold
    something."""
    if name in {"status", "value", "share", "ytd"}:
        return True
    return getattr(category, name) not in (None, "")


@dataclass(frozen=True)
class CategoryFigure(Record):
    status: str
    value: Number | None = None  # a breakdown's count (with its share and year to date)
    share: float | None = None
    ytd: Number | None = None
    # A lagged figure's categories as proportions (PHOF 2.15, version 3): the figure, the one it
    # is compared with (a year earlier, else the baseline release) and its rating.
    numerator: int | None = None
    denominator: int | None = None
    pct: float | None = None
    baseline_numerator: int | None = None
    baseline_denominator: int | None = None
    baseline_pct: float | None = None
    baseline_period: str = ""
    change_points: float | None = None
    lower: float | None = None
    upper: float | None = None
    rag: str | None = None
    rag_reason: str = ""
    # A rolling figure's categories as counts (hate crime's strands): a year earlier, the change.
    previous: Number | None = None
    change_abs: Number | None = None
    change_pct: float | None = None

    _written = _category_written
