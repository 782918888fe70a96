"""The action log's plain rules: which actions a month shows, which are overdue."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from submissions.actions_log.rules import (
    ActionStatus,
    is_overdue,
    month_end,
    overdue_count,
    shown_in,
)

DEC = dt.date(2016, 12, 1)


@dataclass
class A:
    status: str
    due_date: dt.date | None


def test_month_end() -> None:
    assert month_end(DEC) == dt.date(2016, 12, 31)
    assert month_end(dt.date(2017, 2, 1)) == dt.date(2017, 2, 28)
    assert month_end(dt.date(2016, 2, 10)) == dt.date(2016, 2, 29)  # a leap year


def test_overdue_is_due_before_the_month_end_and_not_done() -> None:
    actions = [
        A(ActionStatus.OPEN, dt.date(2016, 12, 15)),  # overdue: 15 < 31 December
        A(ActionStatus.OFF_TRACK, dt.date(2016, 11, 30)),  # overdue: November
        A(ActionStatus.ON_TRACK, dt.date(2016, 12, 30)),  # overdue: 30 < 31 December
        A(ActionStatus.OPEN, dt.date(2016, 12, 31)),  # due on the last day: not overdue
        A(ActionStatus.DONE, dt.date(2016, 12, 1)),  # done: never overdue
        A(ActionStatus.OPEN, None),  # no due date: never overdue
        A(ActionStatus.OPEN, dt.date(2017, 2, 28)),  # due later
    ]
    assert [is_overdue(a, DEC) for a in actions] == [True, True, True] + [False] * 4
    assert overdue_count(actions, DEC) == 3
    # A month later, the one due on 31 December and the one due in February... only the first.
    assert overdue_count(actions, dt.date(2017, 1, 1)) == 4


def test_an_action_shows_from_its_month_until_the_month_it_was_done() -> None:
    nov, jan, feb = dt.date(2016, 11, 1), dt.date(2017, 1, 1), dt.date(2017, 2, 1)
    assert not shown_in(DEC, None, nov)  # not yet logged
    assert shown_in(DEC, None, DEC) and shown_in(DEC, None, feb)  # carried forward
    assert shown_in(DEC, jan, jan)  # done in January: January shows it, as done
    assert not shown_in(DEC, jan, feb)  # and no month after
