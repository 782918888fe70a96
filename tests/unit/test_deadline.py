"""The deadline rule, one table of cases: what the lists mark overdue and the reminders chase.

Deadline 10 January 2017, reminders three days before (DESIGN.md, "Deadlines")."""

from __future__ import annotations

import datetime as dt

import pytest

from submissions.cycle.workflow import deadline_stage

DEADLINE = dt.date(2017, 1, 10)


@pytest.mark.parametrize(
    ("round_state", "submission_state", "today", "stage"),
    [
        ("open", "not_started", dt.date(2017, 1, 6), None),  # four days to go: not yet chased
        ("open", "not_started", dt.date(2017, 1, 7), "before"),  # three days to go
        ("open", "draft", dt.date(2017, 1, 9), "before"),
        ("open", "returned", dt.date(2017, 1, 10), "due"),  # due today
        ("open", "draft", dt.date(2017, 1, 11), "overdue"),
        ("open", "submitted", dt.date(2017, 1, 11), None),  # handed in: owes nothing
        ("open", "approved", dt.date(2017, 3, 1), None),
        ("closed", "not_started", dt.date(2017, 1, 20), "overdue"),  # still missing, and late
        ("reopened", "draft", dt.date(2017, 3, 1), None),  # a correction: the deadline is gone
        ("published", "approved", dt.date(2017, 3, 1), None),
    ],
)
def test_where_an_item_stands_against_its_deadline(
    round_state: str, submission_state: str, today: dt.date, stage: str | None
) -> None:
    assert (
        deadline_stage(
            round_state=round_state,
            submission_state=submission_state,
            deadline=DEADLINE,
            today=today,
        )
        == stage
    )


def test_the_reminder_window_is_the_callers_choice() -> None:
    assert (
        deadline_stage(
            round_state="open",
            submission_state="draft",
            deadline=DEADLINE,
            today=dt.date(2017, 1, 3),
            days_before=7,
        )
        == "before"
    )
