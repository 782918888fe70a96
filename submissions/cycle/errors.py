"""The cycle's refusals: each carries a message for the person who tried the action."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from submissions.cycle.validation import Checked, text_problem


class CycleError(Exception):
    """A refused action, with a message for the person who tried it."""


class RoundClosed(CycleError):
    pass


class RoundConflict(CycleError):
    """The round's state does not allow the action (the API answers 409 Conflict)."""


class ValidationFailed(CycleError):
    def __init__(self, checked: Checked) -> None:
        super().__init__("; ".join(checked.errors.values()))
        self.checked = checked


@dataclass
class ConcurrentEdit(CycleError):
    """Someone saved the submission since this form was opened."""

    by: str
    at: dt.datetime
    changes: list[tuple[str, object, object]] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"{self.by} saved this submission at {self.at:%H:%M on %d %B %Y} after you opened it. "
            "Your changes were not saved; review theirs below and enter yours again."
        )


def refuse_bad_text(name: str, text: str) -> None:
    """Free text over its limit (README "Limits") or with a NUL is refused, never cut short."""
    problem = text_problem(name, text)
    if problem:
        raise CycleError(problem)
