"""The action log's rules, plain Python: its statuses, which actions a month shows, and which
are overdue. No Django: the model, the services and the pack pages all read these."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol


class ActionStatus(StrEnum):
    """An action's status (``submissions.models.Action.status``'s choices)."""

    label: str

    def __new__(cls, value: str, label: str = "") -> ActionStatus:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    OPEN = "open", "Open"
    ON_TRACK = "on_track", "On track"
    OFF_TRACK = "off_track", "Off track"
    DONE = "done", "Done"

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(m.value, m.label) for m in cls]


# The statuses as (value, label) pairs: the model's choices, and the API schema's enum.
ACTION_STATUSES = ActionStatus.choices()


@dataclass(frozen=True)
class Owner:
    """Who carries an action out: an agency of the partnership, or a person with a role in it
    (ids; the services check they are the partnership's)."""

    agency_id: int | None = None
    person_id: int | None = None


def month_end(month: dt.date) -> dt.date:
    """The last day of ``month``'s month (31 December 2016 for December 2016)."""
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


class _Dated(Protocol):
    @property
    def status(self) -> str: ...

    @property
    def due_date(self) -> dt.date | None: ...


def is_overdue(action: _Dated, month: dt.date) -> bool:
    """Not done, and due before the end of ``month`` (an action due on its last day is due,
    not overdue, in that month's pack)."""
    return (
        action.status != ActionStatus.DONE
        and action.due_date is not None
        and action.due_date < month_end(month)
    )


def overdue_count(actions: Iterable[_Dated], month: dt.date) -> int:
    return sum(1 for a in actions if is_overdue(a, month))


def shown_in(created_in: dt.date, closed_in: dt.date | None, month: dt.date) -> bool:
    """An action belongs to ``month``'s entry form and pack from the month it was logged in
    until the month it was done in (shown there as done, then no more)."""
    first = month.replace(day=1)
    return created_in <= first and (closed_in is None or closed_in >= first)
