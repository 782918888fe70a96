"""The round's transition table, every cell, and the rule of which rounds take entries."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from submissions.cycle import workflow
from submissions.cycle.workflow import (
    ROUND_TRANSITIONS,
    RoundAction,
    RoundState,
    RoundTransitionError,
    TransitionError,
    allowed_round_actions,
    next_round_state,
    round_takes_entries,
)

ALLOWED = {
    ("open", "close"): "closed",
    ("open", "publish"): "published",  # everything approved before the deadline: no need to close
    ("closed", "publish"): "published",
    ("published", "reopen"): "reopened",  # a correction
    ("reopened", "publish"): "published",  # as version N+1
}


@pytest.mark.parametrize("state", [s.value for s in RoundState])
@pytest.mark.parametrize("action", [a.value for a in RoundAction])
def test_every_cell_of_the_round_transition_table(state: str, action: str) -> None:
    expected = ALLOWED.get((state, action))
    if expected is None:
        with pytest.raises(RoundTransitionError):
            next_round_state(state, action)
    else:
        assert next_round_state(state, action) == expected


def test_the_round_table_is_exactly_the_design() -> None:
    assert {(s.value, a.value): t.value for (s, a), t in ROUND_TRANSITIONS.items()} == ALLOWED


@pytest.mark.parametrize(
    ("state", "actions"),
    [
        ("open", {"close", "publish"}),
        ("closed", {"publish"}),
        ("published", {"reopen"}),
        ("reopened", {"publish"}),
    ],
)
def test_allowed_round_actions_are_read_from_the_table(state: str, actions: set[str]) -> None:
    assert {a.value for a in allowed_round_actions(state)} == actions


@pytest.mark.parametrize(
    ("state", "action", "message"),
    [
        ("published", "publish", "already published and nothing has been reopened"),
        ("closed", "close", "already closed"),
        ("published", "close", "published round cannot be closed"),
        ("open", "reopen", "Only a published round can be reopened"),
        ("reopened", "reopen", "already reopened"),
    ],
)
def test_round_refusals_say_why(state: str, action: str, message: str) -> None:
    with pytest.raises(RoundTransitionError, match=message):
        next_round_state(state, action)


def test_a_round_refusal_is_a_transition_error_and_unknown_states_are_refused_too() -> None:
    assert issubclass(RoundTransitionError, TransitionError)
    with pytest.raises(RoundTransitionError, match="not a round state"):
        next_round_state("archived", "publish")
    with pytest.raises(RoundTransitionError, match="not a round action"):
        next_round_state("open", "delete")


@pytest.mark.parametrize(
    ("round_state", "submission_state", "coordinator", "takes"),
    [
        ("open", "draft", False, True),
        ("open", "not_started", False, True),
        ("closed", "returned", False, False),  # the agency is locked out of a closed round
        ("closed", "returned", True, True),  # the coordinator may still fix a returned item
        ("published", "draft", True, False),  # nothing changes in a published round
        ("published", "approved", True, False),
        ("reopened", "draft", False, True),  # a reopened correction
        ("reopened", "approved", True, False),  # approved items stay approved
    ],
)
def test_which_rounds_take_entries(
    round_state: str, submission_state: str, coordinator: bool, takes: bool
) -> None:
    assert round_takes_entries(round_state, submission_state, coordinator=coordinator) is takes


def test_the_workflow_imports_nothing_of_django() -> None:
    tree = ast.parse(Path(workflow.__file__).read_text())
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    } | {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not {name for name in imported if name.split(".")[0] in {"django", "csp"}}
