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
