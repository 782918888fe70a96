"""Numbers as people type them, and the words a refused one is told. Plain Python: the entry
form reads figures through it (the API takes JSON numbers, the imports their own cells)."""

from __future__ import annotations

import re
from decimal import Decimal

# Numbers as people type them: digits, with or without commas between thousands ("1,421"),
# spaces around them ignored; a decimal point only where the kind takes a decimal. ASCII digits
# only: Python's int() would read other scripts' digits too.
_WHOLE = re.compile(r"[0-9]+|[0-9]{1,3}(?:,[0-9]{3})+")
_DECIMAL = re.compile(r"(?:[0-9]+|[0-9]{1,3}(?:,[0-9]{3})+)(?:\.[0-9]+)?")


def parse_whole(raw: str) -> int | None:
    """A whole number as typed ("1,421", " 1421 "): None when blank; ValueError otherwise."""
    text = raw.strip()
    if not text:
        return None
    if not _WHOLE.fullmatch(text):
        raise ValueError(f"not a whole number: {raw!r}")
    return int(text.replace(",", ""))


def parse_decimal(raw: str) -> Decimal | None:
    """A number that may have a decimal part ("1,421.5", " 10.25 "): None when blank;
    ValueError otherwise."""
    text = raw.strip()
    if not text:
        return None
    if not _DECIMAL.fullmatch(text):
        raise ValueError(f"not a number: {raw!r}")
    return Decimal(text.replace(",", ""))


def whole_number_message(noun: str) -> str:
    """What a refused whole number is told: "Enter the number of offences as a whole number,
    like 1421" (no full stop: the GOV.UK Design System's error messages have none)."""
    return f"Enter {noun} as a whole number, like 1421"


def decimal_message(noun: str) -> str:
    return f"Enter {noun} as a number, like 1421 or 10.5"
