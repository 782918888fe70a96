"""The engine's vocabulary for one series: what a month holds, what a series is, what comes out.

``Obs`` is one approved month (a figure or the status standing in for it), ``SeriesSpec`` how the
series is measured, ``MonthMetrics`` every derived figure of one month and ``Missing`` a month
that keeps a period from being complete; with them the arithmetic every measure shares.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from indicators.engine.periods import month_label

REPORTED = "reported"
SUPPRESSED = "suppressed"
NOT_COLLECTED = "not_collected"
NOT_AVAILABLE = "not_available"
NOT_SUBMITTED = "not_submitted"
INVALID = "invalid"  # e.g. more successes than attempts: held out, never summed

COUNT_KINDS = {"count", "ceiling"}
QUARTER_ENDS = frozenset({3, 6, 9, 12})  # quarterly figures are due in Jun, Sep, Dec and Mar


@dataclass(frozen=True, slots=True)
class Obs:
    """One approved month: a figure, or the status that stands in for it."""

    status: str = REPORTED
    value: float | None = None  # a count, a level, a rolling figure or a published rate
    numerator: int | None = None
    denominator: int | None = None
    reason: str = ""
    categories: Mapping[str, Obs] | None = None
    period: str = ""  # the reference period it covers, as entered ("July 2015 to June 2016")


@dataclass(frozen=True, slots=True)
class SeriesSpec:
    kind: str  # count | ceiling | ratio | breakdown | snapshot | rolling
    polarity: str = "down"  # down | up | neutral
    change_basis: str = "ytd"  # ytd | r12
    per_n: int | None = None
    frequency: str = "monthly"
    # The months (1-12) a quarterly or annual figure is due, as the partnership's adoption says;
    # empty: as the frequency says (``sums.due_months_of``).
    due_months: tuple[int, ...] = ()
    decimals: int = 0
    total_category: str | None = None
    satisfied_categories: frozenset[str] = frozenset()
    category_order: tuple[str, ...] = ()
    category_labels: tuple[tuple[str, str], ...] = ()  # (code, label) as the pages print them
    spc_baseline: int = 12
    spc_shift_run: int = 7
    spc_trend_run: int = 7


@dataclass(frozen=True, slots=True)
class Missing:
    month: dt.date
    status: str  # not_submitted | not_available | not_collected | suppressed
    reason: str = ""

    def describe(self) -> str:
        words = {
            NOT_SUBMITTED: "not yet submitted",
            NOT_AVAILABLE: "not available",
            NOT_COLLECTED: "not collected",
            SUPPRESSED: "suppressed",
            INVALID: "invalid",
        }.get(self.status, "incomplete")
        return f"{month_label(self.month)} {words}" + (f" ({self.reason})" if self.reason else "")


@dataclass(slots=True)
class MonthMetrics:
    month: dt.date
    status: str = NOT_SUBMITTED
    month_value: float | None = None
    month_pct: float | None = None
    ytd: float | None = None
    ytd_previous: float | None = None
    ytd_change_abs: float | None = None
    ytd_change_pct: float | None = None
    r12: float | None = None
    r12_previous: float | None = None
    r12_change_abs: float | None = None
    r12_change_pct: float | None = None
    rate: float | None = None
    rate_denominator: int | None = None
    previous_value: float | None = None  # the same month last year
    value_change_abs: float | None = None
    value_change_pct: float | None = None
    ytd_numerator: int | None = None
    ytd_denominator: int | None = None
    ytd_pct: float | None = None
    ytd_pct_previous: float | None = None
    categories: dict[str, dict[str, float | int | str | None]] | None = None
    pct_satisfied: float | None = None
    ytd_pct_satisfied: float | None = None
    target_to_date: int | None = None
    variance: float | None = None
    volume_to_date: int | None = None
    rag: str | None = None
    rag_reason: str = ""
    direction: str | None = None  # improving | worsening | no_change | up | down (neutral)
    spc_value: float | None = None
    spc_mean: float | None = None
    spc_upper: float | None = None
    spc_lower: float | None = None
    spc_upper_near: float | None = None
    spc_lower_near: float | None = None
    spc_signal: str | None = None  # improving | concerning | neutral
    variation: str | None = None
    assurance: str | None = None
    missing: list[Missing] = field(default_factory=list)
    # The period the month's figure covers (``lagged``): for a lagged kind the latest available
    # period, whose figure is that of ``figure_month``.
    figure_month: dt.date | None = None
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    period_label: str = ""

    @property
    def missing_months(self) -> list[dict[str, str]]:
        return [
            {"month": m.month.strftime("%Y-%m"), "status": m.status, "reason": m.reason}
            for m in self.missing
        ]


def change(current: float | None, previous: float | None) -> tuple[float | None, float | None]:
    """(absolute, %) change; % is None on a zero base ("n/a"), 0.0 when equal ("No change")."""
    if current is None or previous is None:
        return None, None
    absolute = current - previous
    if absolute == 0:
        return 0, 0.0
    if previous == 0:
        return absolute, None
    return absolute, absolute / previous * 100


def denominator_in_force(denominators: Sequence[tuple[dt.date, int]], month: dt.date) -> int | None:
    """The latest value whose start date is on or before the month's first day."""
    found = None
    for start, value in denominators:  # sorted by start date
        if start <= month:
            found = value
        else:
            break
    return found


def pct_of(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or not denominator:
        return None
    return numerator / denominator * 100
