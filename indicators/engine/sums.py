"""What one month adds to a period, and the period sums: year to date and rolling 12 months.

A month counts in a sum when it has a figure, or when it is marked not collected in a month the
indicator's frequency asks for no figure (docs/adr/0008); any other month leaves the sum
incomplete and is named as missing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from itertools import accumulate

from indicators.engine.periods import add_months, fy_start, month_index, months_elapsed_in_fy
from indicators.engine.series import (
    INVALID,
    NOT_COLLECTED,
    NOT_SUBMITTED,
    QUARTER_ENDS,
    REPORTED,
    Missing,
    Obs,
    SeriesSpec,
)


def figure(spec: SeriesSpec, obs: Obs | None) -> float | None:
    """The one number a month contributes to sums, SPC and 'month value'."""
    if obs is None or obs.status != REPORTED:
        return None
    if obs.categories is not None:
        if spec.kind == "ratio":
            return None
        if spec.total_category:
            total = obs.categories.get(spec.total_category)
            return total.value if total is not None and total.status == REPORTED else None
        parts = list(obs.categories.values())
        known = [c.value for c in parts if c.status == REPORTED and c.value is not None]
        if len(known) < len(parts):
            return None
        return sum(known)
    if spec.kind == "ratio":
        return obs.numerator
    return obs.value


def due_months_of(spec: SeriesSpec) -> frozenset[int] | None:
    """The months in which a figure is due, or None when every month is (a monthly indicator)
    or none is known (an annual one whose adoption names no due month). A quarterly indicator
    is due in June, September, December and March unless its adoption says otherwise."""
    if spec.frequency == "monthly":
        return None
    if spec.due_months:
        return frozenset(spec.due_months)
    return QUARTER_ENDS if spec.frequency == "quarterly" else None


def no_figure_due(spec: SeriesSpec, obs: Obs | None, month: dt.date) -> bool:
    """A month in which the indicator asks for no figure, marked not collected or with none.

    Every measure skips such a month: it adds nothing to a sum and leaves no period incomplete
    (docs/adr/0008). A due month marked not collected is a missing figure, like "not available".
    A round opens no submission for an indicator not due that month, so such a month usually
    has no row at all. An annual indicator whose adoption names no due month has none: each of
    its months marked not collected is skipped, and a month with no row is missing.
    """
    return not_due(spec, NOT_SUBMITTED if obs is None else obs.status, month)


def not_due(spec: SeriesSpec, status: str, month: dt.date) -> bool:
    """A month with this status (``not_submitted``: no row) is one with no figure due."""
    if status not in {NOT_COLLECTED, NOT_SUBMITTED}:
        return False
    due = due_months_of(spec)
    if due is None:
        return status == NOT_COLLECTED and spec.frequency == "annual"
    return month.month not in due


def counts_in_sum(spec: SeriesSpec, obs: Obs | None, month: dt.date) -> tuple[bool, float]:
    """Whether a month can enter a sum (YTD, R12) and what it adds."""
    if no_figure_due(spec, obs, month):
        return True, 0
    value = figure(spec, obs)
    return (value is not None), (value or 0)


def missing_of(obs: Obs | None, month: dt.date) -> Missing:
    if obs is None:
        return Missing(month, NOT_SUBMITTED)
    if obs.categories is not None and obs.status == REPORTED:
        bad = [c for c in obs.categories.values() if c.status != REPORTED]
        status = bad[0].status if bad else NOT_SUBMITTED
        return Missing(month, status, bad[0].reason if bad else "")
    return Missing(month, obs.status, obs.reason)


def window_sum(
    spec: SeriesSpec, values: Mapping[dt.date, Obs], months: Iterable[dt.date]
) -> tuple[float | None, list[Missing]]:
    total: float = 0
    missing: list[Missing] = []
    for m in months:
        obs = values.get(m)
        ok, amount = counts_in_sum(spec, obs, m)
        if ok:
            total += amount
        else:
            missing.append(missing_of(obs, m))
    return (None if missing else total), missing


def fy_to(month: dt.date) -> list[dt.date]:
    start = fy_start(month)
    return [add_months(start, i) for i in range(months_elapsed_in_fy(month))]


def last_12(month: dt.date) -> list[dt.date]:
    return [add_months(month, -i) for i in range(11, -1, -1)]


def ratio_sums(
    spec: SeriesSpec, values: Mapping[dt.date, Obs], months: Sequence[dt.date]
) -> tuple[int | None, int | None, list[Missing]]:
    num = den = 0
    num_ok = den_ok = True
    missing: list[Missing] = []
    for m in months:
        obs = values.get(m)
        if no_figure_due(spec, obs, m):
            continue
        if obs is None or obs.status != REPORTED or obs.numerator is None:
            missing.append(missing_of(obs, m))
            num_ok = den_ok = False
            continue
        if obs.denominator is not None and obs.numerator > obs.denominator:
            missing.append(
                Missing(m, INVALID, f"{obs.numerator} out of {obs.denominator}: more than all")
            )
            num_ok = den_ok = False
            continue
        num += obs.numerator
        if obs.denominator is None:
            den_ok = False
        else:
            den += obs.denominator
    return (num if num_ok else None), (den if den_ok else None), missing


class PrefixSums:
    """O(1) window sums (YTD, R12) over a series, with a count of months that cannot be summed.

    A month before the series' first figure counts as missing, like any other absent month.
    """

    __slots__ = ("base", "total", "bad")

    def __init__(self, spec: SeriesSpec, values: Mapping[dt.date, Obs], wanted: list[dt.date]):
        first = min(min(values), add_months(wanted[0], -23)) if values else wanted[0]
        self.base = month_index(first)
        n = month_index(wanted[-1]) - self.base + 1
        amounts = [0.0] * n
        bad = [1] * n
        for m, obs in values.items():
            i = month_index(m) - self.base
            if 0 <= i < n:
                ok, amount = counts_in_sum(spec, obs, m)
                if ok:
                    amounts[i] = amount
                    bad[i] = 0
        if due_months_of(spec) is not None:  # a month with no row and no figure due sums
            for i in range(n):
                m = dt.date((self.base + i) // 12, (self.base + i) % 12 + 1, 1)
                if bad[i] and m not in values and not_due(spec, NOT_SUBMITTED, m):
                    bad[i] = 0
        self.total = list(accumulate(amounts, initial=0.0))
        self.bad = list(accumulate(bad, initial=0))

    def window(self, first: int, last: int) -> float | None:
        """Sum of the months at offsets first..last, or None if any cannot be summed."""
        last += 1
        if first < 0 or last <= first or self.bad[last] - self.bad[first]:
            return None
        return self.total[last] - self.total[first]
