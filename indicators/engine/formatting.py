"""How every figure, percentage, rate, month and financial year is printed.

One module for the pack's pages, the PDF, the cycle's pages, e-mails and messages, and the
engine's own sentences (commentary drafts, RAG reasons), so a figure reads the same wherever it
appears. The conventions are the seed pack's:

- whole numbers with thousands separated by commas ("13,207"); a figure that is not whole with two
  decimals ("43.25"), rates with two ("87.07 per 1,000 residents");
- a change on last year signed, with a true minus sign ("+1%", "−8%"), "No change" for 0 and
  "n/a" without a base to compare with;
- a suppressed count as "<10" (the indicator's threshold), never as 0; a month not collected as
  "Data collected quarterly"; a figure not available yet as "TBC";
- months as "December 2016" or "Dec-16", financial years as "2016/17".

Exports keep numbers as numbers: a spreadsheet formats its own cells.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

# Month names are the calendar's; they are printed through this module like every label.
from indicators.engine.periods import add_months, fy_start_year, month_label, short_month_label
from indicators.engine.vocabulary import NOT_SUBMITTED, ValueStatus

__all__ = [
    "DASH",
    "NOT_COLLECTED_TEXT",
    "NOT_AVAILABLE_TEXT",
    "categories_text",
    "change",
    "figure",
    "fy_label",
    "fy_label_of",
    "fy_month_labels",
    "month_figure",
    "month_label",
    "number",
    "percent",
    "rate",
    "rate_per",
    "short_month_label",
    "suppressed",
]

Number = int | float | Decimal

DASH = "–"  # no figure, in a list or a summary (a table leaves its cell empty)
NOT_COLLECTED_TEXT = "Data collected quarterly"
NOT_AVAILABLE_TEXT = "TBC"
DEFAULT_SUPPRESSION_THRESHOLD = 10


def number(value: Number | None, decimals: int = 0, *, none: str = DASH) -> str:
    """1386 -> '1,386'; (87.0712, 2) -> '87.07'; None -> '–' (or ``none``)."""
    if value is None:
        return none
    if decimals == 0:
        return f"{round(value):,}"
    return f"{value:,.{decimals}f}"


def figure(value: Number | None, *, none: str = "") -> str:
    """A month's figure: whole as '1,386', otherwise with two decimals ('43.25')."""
    if value is None:
        return none
    return number(value, 0 if float(value).is_integer() else 2)


def percent(value: Number | None, decimals: int = 0, *, signed: bool = False) -> str:
    """(70, 1) -> '70.0%'; signed: 1.2 -> '+1%', -8.3 -> '−8%' (a true minus sign)."""
    if value is None:
        return DASH
    text = f"{value:+,.{decimals}f}%" if signed else f"{value:,.{decimals}f}%"
    return text.replace("-", "−")


def change(value: Number | None, decimals: int = 0) -> str:
    """A change on last year in %: '+1%', '−8%', 'No change', or 'n/a' without a base."""
    if value is None:
        return "n/a"
    if value == 0:
        return "No change"
    return percent(value, decimals, signed=True)


def rate_per(per_n: int, rate_unit: str) -> str:
    """'per 1,000 residents aged 1–19'; 'per 1,000' where the population is not named."""
    return f"per {number(per_n)} {rate_unit}".rstrip()


def rate(value: Number | None, per_n: int | None, rate_unit: str = "") -> str:
    """'87.07 per 1,000 residents'; '–' without a rate."""
    if value is None or not per_n:
        return DASH
    return f"{number(value, 2)} {rate_per(per_n, rate_unit)}"


def suppressed(threshold: int | None) -> str:
    """A count below the disclosure threshold: '<10', never 0."""
    return f"<{threshold or DEFAULT_SUPPRESSION_THRESHOLD}"


def month_figure(
    status: str,
    value: Number | None = None,
    numerator: int | None = None,
    denominator: int | None = None,
    *,
    threshold: int | None = None,
) -> str:
    """One month's figure as the pack prints it: '1,386', '3 of 4', 'TBC', '<10' … or ''."""
    if status == ValueStatus.NOT_COLLECTED:
        return NOT_COLLECTED_TEXT
    if status == ValueStatus.NOT_AVAILABLE:
        return NOT_AVAILABLE_TEXT
    if status == ValueStatus.SUPPRESSED:
        return suppressed(threshold)
    if status == NOT_SUBMITTED:
        return ""
    if numerator is not None:
        return (
            f"{number(numerator)} of {number(denominator)}"
            if denominator is not None
            else number(numerator)
        )
    return figure(value)


def categories_text(
    categories: Iterable[tuple[str, object]], *, threshold: int | None = None
) -> str:
    """'all: 384; disability: <10; faith: 19' from (label, figure) pairs, where a figure is a
    count, "suppressed", or a {"numerator", "denominator"} pair."""
    parts = []
    for label, raw in categories:
        if raw == ValueStatus.SUPPRESSED:
            text = suppressed(threshold)
        elif isinstance(raw, dict):
            text = month_figure(
                ValueStatus.REPORTED,
                numerator=raw.get("numerator"),
                denominator=raw.get("denominator"),
            )
        elif isinstance(raw, int | float | Decimal):
            text = figure(raw)
        else:
            text = str(raw)
        parts.append(f"{label}: {text}")
    return "; ".join(parts)


def fy_label(start_year: int) -> str:
    """2016 -> '2016/17'."""
    return f"{start_year}/{(start_year + 1) % 100:02d}"


def fy_label_of(month: dt.date | str) -> str:
    """The financial year of a month (a date or 'YYYY-MM'): '2016/17' for 2016-04 … 2017-03."""
    return fy_label(fy_start_year(_month(month)))


def fy_month_labels(month: dt.date | str) -> list[str]:
    """'Apr-16' … 'Mar-17': the months of the financial year of a month, as the tables head them."""
    start = dt.date(fy_start_year(_month(month)), 4, 1)
    return [short_month_label(add_months(start, i)) for i in range(12)]


def _month(month: dt.date | str) -> dt.date:
    if isinstance(month, str):
        year, number_ = (int(x) for x in month.split("-")[:2])
        return dt.date(year, number_, 1)
    return month
