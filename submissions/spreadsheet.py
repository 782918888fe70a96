"""Text cells that a spreadsheet would run as a formula, made inert for every export.

A text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return can be run as a
formula by Excel, LibreOffice or Google Sheets (CSV or XLSX alike), so every export writes it
with a leading apostrophe. Numbers stay numbers, and so does text that is a plain number such as
``-5`` (no spreadsheet runs it). Imports undo it with ``unneutralise``, so an export re-imports
unchanged; text that already starts with apostrophes before a formula character gets one more,
so the two are exact inverses.
"""

from __future__ import annotations

import re
from typing import TypeVar

T = TypeVar("T")

# The pack's CSV (``packs.exports``) carries the entered figures under the month-values import's
# column names and these computed ones beside them, which that import ignores
# (``imports.month_values``): packs and imports stand apart, so the list they share is here.
PACK_CSV_COMPUTED = (
    "title",
    "portfolio",
    "kind",
    "ytd",
    "ytd_change_pct",
    "r12",
    "rate",
    "rate_unit",
    "month_pct",
    "ytd_numerator",
    "ytd_denominator",
    "ytd_pct",
    "target_to_date",
    "period_label",
    "period_start",
    "period_end",
    "period_age_months",
    "period_value",
    "rag",
    "rag_reason",
    "rag_override_justification",
    "raw_ytd_change_pct",
    "raw_rate",
    "raw_month_pct",
    "raw_ytd_pct",
)

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"-[0-9]+(\.[0-9]+)?")
_QUOTED = re.compile(r"'+[=+\-@\t\r]")


def neutralise(value: T) -> T | str:
    """The value as an export writes it: formula-like text gets a leading apostrophe."""
    if not isinstance(value, str):
        return value
    if value.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    if _QUOTED.match(value):
        return "'" + value
    return value


def unneutralise(text: str) -> str:
    """The text an export neutralised, as it was (other text is returned as it is)."""
    return text[1:] if _QUOTED.match(text) else text
