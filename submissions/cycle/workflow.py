"""The monthly cycle's two transition tables (DESIGN.md, "The monthly cycle").

A submission::

    not_started -> draft -> submitted -> approved
                     ^          |
                     +- returned (reason required)

A round::

    open -> closed -> published -> reopened -> published (version N+1) ...
      |                  ^
      +------------------+  (publish straight from open once everything is approved)

Plain Python, no Django: the services check every change of state here and nowhere else, and
the pages and the API ask these tables which actions to offer.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum


class Choice(StrEnum):
    """A value with the label the models' choices and the pages show.

    The same small class as ``indicators.engine.vocabulary.Choice``: the contracts keep the
    cycle's rules and the engine from importing each other (or Django's TextChoices)."""

    label: str

    def __new__(cls, value: str, label: str = "") -> Choice:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(m.value, m.label) for m in cls]


class State(Choice):
    """A submission's state (``submissions.models.SubmissionStatus`` is this enum)."""

    NOT_STARTED = "not_started", "Not started"
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    RETURNED = "returned", "Returned"
    APPROVED = "approved", "Approved"


class Action(StrEnum):
    SAVE = "save"  # keep a draft
    SUBMIT = "submit"  # lock it for the agency, send for review
    APPROVE = "approve"  # coordinator: the figures enter the approved store
    RETURN = "return"  # coordinator: back to the agency with a reason
    REOPEN = "reopen"  # coordinator: a correction to an approved (published) submission


TRANSITIONS: dict[tuple[State, Action], State] = {
    (State.NOT_STARTED, Action.SAVE): State.DRAFT,
    (State.DRAFT, Action.SAVE): State.DRAFT,
    (State.RETURNED, Action.SAVE): State.DRAFT,
    (State.NOT_STARTED, Action.SUBMIT): State.SUBMITTED,
    (State.DRAFT, Action.SUBMIT): State.SUBMITTED,
    (State.RETURNED, Action.SUBMIT): State.SUBMITTED,
    (State.SUBMITTED, Action.APPROVE): State.APPROVED,
    (State.SUBMITTED, Action.RETURN): State.RETURNED,
    (State.APPROVED, Action.REOPEN): State.DRAFT,
}

# States in which the agency may still change the figures (the sources of SAVE and SUBMIT).
EDITABLE = frozenset({State.NOT_STARTED, State.DRAFT, State.RETURNED})


class TransitionError(ValueError):
    """The action is not allowed from the submission's current state."""


def next_state(state: str, action: str) -> State:
    try:
        return TRANSITIONS[(State(state), Action(action))]
    except (KeyError, ValueError):
        raise TransitionError(
            f"A submission that is {State(state).value.replace('_', ' ')} cannot be "
            f"{_past(action)}."
        ) from None


def allowed_actions(state: str) -> set[Action]:
    return {action for (source, action) in TRANSITIONS if source == State(state)}


def _past(action: str) -> str:
    return {
        "save": "saved",
        "submit": "submitted",
        "approve": "approved",
        "return": "returned",
        "reopen": "reopened",
        "close": "closed",
        "publish": "published",
    }.get(action, action)


# --- rounds -----------------------------------------------------------------------------------


class RoundState(Choice):
    """A round's state (``submissions.models.RoundStatus`` is this enum)."""

    OPEN = "open", "Open for submissions"  # taking entries
    # No more entries from the agencies; the coordinator finishes the review.
    CLOSED = "closed", "Closed"
    PUBLISHED = "published", "Published"  # frozen as a pack version; nothing changes
    # Published, and open for a correction that becomes version N+1.
    REOPENED = "reopened", "Reopened for a correction"


class RoundAction(StrEnum):
    CLOSE = "close"
    PUBLISH = "publish"
    REOPEN = "reopen"  # for a correction


ROUND_TRANSITIONS: dict[tuple[RoundState, RoundAction], RoundState] = {
    (RoundState.OPEN, RoundAction.CLOSE): RoundState.CLOSED,
    # A round whose every item is approved before the deadline need not be closed first.
    (RoundState.OPEN, RoundAction.PUBLISH): RoundState.PUBLISHED,
    (RoundState.CLOSED, RoundAction.PUBLISH): RoundState.PUBLISHED,
    (RoundState.PUBLISHED, RoundAction.REOPEN): RoundState.REOPENED,
    (RoundState.REOPENED, RoundAction.PUBLISH): RoundState.PUBLISHED,
}

# Why a cell is empty, for the person who tried it; other cells get a generic sentence.
_ROUND_REFUSALS: dict[tuple[RoundState, RoundAction], str] = {
    (RoundState.CLOSED, RoundAction.CLOSE): "The round is already closed for entries.",
    (RoundState.PUBLISHED, RoundAction.CLOSE): (
        "A published round cannot be closed: it takes no entries."
    ),
    (RoundState.REOPENED, RoundAction.CLOSE): (
        "A reopened round cannot be closed: publish the correction instead."
    ),
    (RoundState.PUBLISHED, RoundAction.PUBLISH): (
        "The pack is already published and nothing has been reopened: "
        "reopen the round for a correction first."
    ),
    (RoundState.OPEN, RoundAction.REOPEN): (
        "Only a published round can be reopened for a correction."
    ),
    (RoundState.CLOSED, RoundAction.REOPEN): (
        "Only a published round can be reopened for a correction."
    ),
    (RoundState.REOPENED, RoundAction.REOPEN): "The round is already reopened for a correction.",
}

# Rounds whose approved items a correction may reopen (a published one is reopened with them).
CORRECTABLE_ROUNDS = frozenset({RoundState.PUBLISHED, RoundState.REOPENED})
# Rounds in which the coordinator may override a rating: any but a published one, whose pack is
# frozen (reopening it for a correction opens its ratings too).
RATING_ROUNDS = frozenset({RoundState.OPEN, RoundState.CLOSED, RoundState.REOPENED})


class RoundTransitionError(TransitionError):
    """The action is not allowed from the round's current state."""

    def __init__(self, message: str, *, state: str, action: str) -> None:
        super().__init__(message)
        self.state = state
        self.action = action


def next_round_state(state: str, action: str) -> RoundState:
    try:
        source = RoundState(state)
    except ValueError:
        raise RoundTransitionError(
            f"{state!r} is not a round state.", state=state, action=action
        ) from None
    try:
        verb = RoundAction(action)
    except ValueError:
        raise RoundTransitionError(
            f"{action!r} is not a round action.", state=state, action=action
        ) from None
    target = ROUND_TRANSITIONS.get((source, verb))
    if target is None:
        raise RoundTransitionError(
            _ROUND_REFUSALS.get(
                (source, verb), f"A round that is {source.value} cannot be {_past(verb)}."
            ),
            state=state,
            action=action,
        )
    return target


def allowed_round_actions(state: str) -> set[RoundAction]:
    return {action for (source, action) in ROUND_TRANSITIONS if source == RoundState(state)}


def round_takes_entries(round_state: str, submission_state: str, *, coordinator: bool) -> bool:
    """Whether a submission of a round in ``round_state`` may be saved or submitted at all (its
    own table then says which). An open round takes entries; a closed one only from the
    coordinator, who may still fix a returned item before publishing; a published one none; a
    reopened one only for the items reopened for the correction."""
    state = RoundState(round_state)
    if state == RoundState.OPEN:
        return True
    if state == RoundState.CLOSED:
        return coordinator
    if state == RoundState.REOPENED:
        return State(submission_state) in EDITABLE
    return False


# --- the deadline -----------------------------------------------------------------------------


class DeadlineStage(StrEnum):
    BEFORE = "before"  # due within the reminder window
    DUE = "due"  # due today
    OVERDUE = "overdue"  # the deadline has passed


# Rounds whose items are held to the round's deadline: a published round is done, and a
# correction in a reopened one is not late against a deadline months gone.
DEADLINE_ROUNDS = frozenset({RoundState.OPEN, RoundState.CLOSED})


def deadline_stage(
    *,
    round_state: str,
    submission_state: str,
    deadline: dt.date,
    today: dt.date,
    days_before: int = 3,
) -> DeadlineStage | None:
    """Where an item stands against its round's deadline; None when nothing is owed: it is
    submitted or approved, its round is not held to the deadline, or the deadline is more than
    ``days_before`` days away. The lists mark OVERDUE; the reminders chase every stage."""
    if RoundState(round_state) not in DEADLINE_ROUNDS or State(submission_state) not in EDITABLE:
        return None
    if today > deadline:
        return DeadlineStage.OVERDUE
    if today == deadline:
        return DeadlineStage.DUE
    if deadline - dt.timedelta(days=days_before) <= today:
        return DeadlineStage.BEFORE
    return None
