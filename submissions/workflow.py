"""The submission workflow as one transition table (DESIGN.md, "The monthly cycle").

    not_started -> draft -> submitted -> approved
                     ^          |
                     +- returned (reason required)

Plain Python: the services check every change of state here and nowhere else.
"""

from __future__ import annotations

from enum import StrEnum


class State(StrEnum):
    NOT_STARTED = "not_started"
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    APPROVED = "approved"


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

# States in which the agency may still change the figures.
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
    }.get(action, action)
