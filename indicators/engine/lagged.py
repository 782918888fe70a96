"""Figures that arrive late: the latest available period (issue 13).

A rolling figure, a cohort rate or a quarterly or annual level is published months after the
period it covers. The pack for month M shows the latest figure stored at or before M (never a
later one), labelled with the period it covers and its age, compared with the same period a year
earlier. The period comes from the figure's reference period when it names one ("July 2015 to
June 2016", "Cohort January 2014 to December 2014", "Completion period 01/05/2015 to 30/04/2016,
re-presentations up to 31/10/2016"), else from the indicator's kind and frequency.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass

from indicators.engine.formatting import fy_label
from indicators.engine.periods import (
    MONTH_NAMES,
    add_months,
    fy_start_year,
    month_index,
    month_label,
)
from indicators.engine.series import NOT_COLLECTED, QUARTER_ENDS, REPORTED, Obs, SeriesSpec

# How long a lagged figure stands for the months after its own: the re-offending cohorts are
# published about two years after the cohort's last month.
LAG_HORIZON = 24


@dataclass(frozen=True, slots=True)
class Period:
    start: dt.date  # the period's first day
    end: dt.date  # its last day
    label: str  # "12 months to June 2016"


def is_lagged(spec: SeriesSpec) -> bool:
    """Kinds whose figure for a month may be an earlier period's: rolling figures and cohort
    rates, and levels collected quarterly or annually."""
    return spec.kind == "rolling" or (spec.kind == "snapshot" and spec.frequency != "monthly")


def latest_available(spec: SeriesSpec, values: Mapping[dt.date, Obs], m: dt.date) -> dt.date:
    """The month whose figure the pack for ``m`` shows: ``m`` itself unless the series is lagged
    and ``m`` holds no figure and no reason for its absence (not submitted, or not collected),
    then the latest month before it with a figure, within ``LAG_HORIZON`` months."""
    obs = values.get(m)
    if not is_lagged(spec) or (obs is not None and obs.status != NOT_COLLECTED):
        return m
    for back in range(1, LAG_HORIZON + 1):
        earlier = add_months(m, -back)
        found = values.get(earlier)
        if found is not None and found.status == REPORTED:
            return earlier
    return m


def comparison_month(values: Mapping[dt.date, Obs], figure_month: dt.date) -> dt.date | None:
    """The figure a category's figure is shown against: the same period a year earlier, else the
    latest earlier figure (PHOF 2.15's baseline release)."""
    year_earlier = add_months(figure_month, -12)
    if _reported(values.get(year_earlier)):
        return year_earlier
    earlier = [k for k, v in values.items() if k < figure_month and _reported(v)]
    return max(earlier) if earlier else None


def _reported(obs: Obs | None) -> bool:
    return obs is not None and obs.status == REPORTED


_MONTHS = {name.lower(): i for i, name in enumerate(MONTH_NAMES, start=1)}
_MONTHS.update({name[:3].lower(): i for name, i in list(_MONTHS.items())})
_MONTH_RANGE = re.compile(
    r"(?P<cohort>cohort\s+)?(?P<m1>[a-z]+)\s+(?P<y1>\d{4})\s*(?:to|–|-)\s*"
    r"(?P<m2>[a-z]+)\s+(?P<y2>\d{4})",
    re.IGNORECASE,
)
_DATE = r"(\d{1,2})/(\d{1,2})/(\d{4})"
_DATE_RANGE = re.compile(_DATE + r"\s*(?:to|–|-)\s*" + _DATE)
_UP_TO = re.compile(r"up\s+to\s+" + _DATE, re.IGNORECASE)


def _last_day(year: int, month_number: int) -> dt.date:
    return dt.date(year, month_number, calendar.monthrange(year, month_number)[1])


def month_end(m: dt.date) -> dt.date:
    """The last day of a month."""
    return _last_day(m.year, m.month)


def _span(start: dt.date, end: dt.date) -> str:
    """'January–December 2014', 'October 2015 – September 2016'."""
    first, last = MONTH_NAMES[start.month - 1], MONTH_NAMES[end.month - 1]
    if start.year == end.year:
        return f"{first}–{last} {end.year}"
    return f"{first} {start.year} – {last} {end.year}"


def _window_label(start: dt.date, end: dt.date) -> str:
    months = month_index(end.replace(day=1)) - month_index(start.replace(day=1)) + 1
    if months == 12:
        return f"12 months to {month_label(end)}"
    return _span(start, end)


def parse_period(reference: str) -> Period | None:
    """The period a reference-period text names, or None when it names none."""
    text = reference.strip()
    if not text:
        return None
    dates = _DATE_RANGE.search(text)
    if dates is not None:
        d1, m1, y1, d2, m2, y2 = (int(x) for x in dates.groups())
        start, end = dt.date(y1, m1, d1), dt.date(y2, m2, d2)
        up_to = _UP_TO.search(text)
        if up_to is not None:
            d3, m3, y3 = (int(x) for x in up_to.groups())
            until = dt.date(y3, m3, d3)
            label = f"Completions {_span(start, end)}, re-presentations to {month_label(until)}"
            return Period(start, until, label)
        return Period(start, end, _window_label(start, end))
    words = _MONTH_RANGE.search(text)
    if words is None:
        return None
    first = _MONTHS.get(words["m1"].lower())
    last = _MONTHS.get(words["m2"].lower())
    if first is None or last is None:
        return None
    start = dt.date(int(words["y1"]), first, 1)
    end = _last_day(int(words["y2"]), last)
    if end < start:
        return None
    if words["cohort"]:
        return Period(start, end, f"{_span(start, end)} cohort")
    return Period(start, end, _window_label(start, end))


def quarter_label(m: dt.date) -> str:
    """The financial-year quarter a month falls in: 'Q2 2016/17' for July–September 2016."""
    return f"Q{(m.month - 4) % 12 // 3 + 1} {fy_label(fy_start_year(m))}"


def period_of(spec: SeriesSpec, figure_month: dt.date, reference: str = "") -> Period:
    """The period the figure stored for ``figure_month`` covers."""
    named = parse_period(reference)
    if named is not None:
        return named
    end = _last_day(figure_month.year, figure_month.month)
    if spec.kind == "rolling" or (spec.kind == "snapshot" and spec.frequency == "annual"):
        return Period(add_months(figure_month, -11), end, f"12 months to {month_label(end)}")
    if spec.frequency == "quarterly":
        start = add_months(figure_month, -2)
        if spec.due_months and set(spec.due_months) != QUARTER_ENDS:  # quarters of its own
            return Period(start, end, f"3 months to {month_label(end)}")
        return Period(start, end, quarter_label(figure_month))
    return Period(figure_month, end, month_label(figure_month))


def age_in_months(period_end: dt.date, m: dt.date) -> int:
    """How many months before the pack's month the period ended (0: it ends in that month)."""
    return max(0, month_index(m) - month_index(period_end.replace(day=1)))


def age_text(months: int) -> str:
    """'6 months old', '1 month old', 'Up to date'."""
    if months <= 0:
        return "Up to date"
    return f"{months} month{'s' if months != 1 else ''} old"
