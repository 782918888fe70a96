"""Months (as first-of-month ``date``) and financial years (April to March)."""

from __future__ import annotations

import datetime as dt

MONTH_NAMES = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]  # fmt: skip


def month(year: int, month_number: int) -> dt.date:
    return dt.date(year, month_number, 1)


def parse_month(text: str) -> dt.date:
    """'2016-12' -> date(2016, 12, 1); raises ValueError with a clear message."""
    try:
        parsed = dt.datetime.strptime(text.strip(), "%Y-%m")
    except ValueError:
        raise ValueError(f"{text!r} is not a month: use YYYY-MM, e.g. 2016-12") from None
    return parsed.date()


def add_months(m: dt.date, n: int) -> dt.date:
    index = m.year * 12 + (m.month - 1) + n
    return dt.date(index // 12, index % 12 + 1, 1)


def month_index(m: dt.date) -> int:
    """A month's position on one line, so differences are month counts."""
    return m.year * 12 + (m.month - 1)


def fy_start_year(m: dt.date) -> int:
    """2016 for any month from April 2016 to March 2017."""
    return m.year if m.month >= 4 else m.year - 1


def fy_start(m: dt.date) -> dt.date:
    return dt.date(fy_start_year(m), 4, 1)


def months_elapsed_in_fy(m: dt.date) -> int:
    """April = 1 … March = 12."""
    return month_index(m) - month_index(fy_start(m)) + 1


def month_label(m: dt.date) -> str:
    """'December 2016'."""
    return f"{MONTH_NAMES[m.month - 1]} {m.year}"


def short_month_label(m: dt.date) -> str:
    """'Dec-16', as the pack's tables print it."""
    return f"{MONTH_NAMES[m.month - 1][:3]}-{m.year % 100:02d}"
