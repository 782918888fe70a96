"""The pack snapshot's action log (schema version 3): each indicator page's actions as they
stood at publish (``submissions.packs.action_log`` builds them)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from submissions.packs.records import Record


@dataclass(frozen=True)
class LoggedAction(Record):
    """One action of an indicator's log, frozen: open in the pack month, or done in it."""

    text: str
    owner: str  # the agency's name or the person's
    owner_kind: str  # agency | person
    due_date: str | None  # "2017-02-28"
    due_label: str  # "28 February 2017", "" without a due date
    status: str  # open | on_track | off_track | done
    status_label: str  # "On track"
    created_in: str  # "2016-12"
    closed_in: str | None  # "2017-01", the month it was done in
    overdue: bool  # not done and due before the pack month's end


# What a page held before the log (schema 2): no logged actions; its free-text actions stay.
V2_PAGE_DEFAULTS: dict[str, Any] = {"action_log": []}
