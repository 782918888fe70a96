"""Snapshot version 3: the period a page's figures cover (issue 13, the latest available period).

A version-2 snapshot's metrics are the pack month's own figures: ``v2_to_v3`` says so, naming the
pack's month as their period (up to date, no figure month). Its categories need nothing: the new
category keys have defaults (``schema.CategoryFigure``).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping
from typing import Any

from indicators.engine.periods import month_label


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


def page_v2_to_v3(page: Any, month: str | None = None) -> Any:
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


def v2_to_v3(data: Mapping[str, Any]) -> dict[str, Any]:
    pages = data.get("indicators")
    month = data.get("month")
    if isinstance(pages, list):
        pages = [page_v2_to_v3(p, month if isinstance(month, str) else None) for p in pages]
    return {**data, "indicators": pages, "schema_version": 3}
