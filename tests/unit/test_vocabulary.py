"""One vocabulary: kinds and statuses are enums, each defined once (issue 10)."""

from __future__ import annotations

import ast
from pathlib import Path

from indicators.engine import measures
from indicators.engine.vocabulary import (
    COUNT_KINDS,
    NOT_SUBMITTED,
    IndicatorKind,
    ValueStatus,
)
from indicators.models import Indicator, MonthValue
from submissions.cycle import validation, workflow
from submissions.cycle.validation import ENTRY_FIELDS, Entry, EntryStatus
from submissions.models import AUDITED_FIELDS, RoundStatus, Submission, SubmissionStatus

ROOT = Path(__file__).resolve().parents[2]


def test_the_models_statuses_are_the_workflows_states_not_a_copy() -> None:
    assert SubmissionStatus is workflow.State
    assert RoundStatus is workflow.RoundState
    assert Submission._meta.get_field("status").choices == workflow.State.choices()


def test_model_choices_come_from_the_enums_with_their_labels() -> None:
    assert Indicator._meta.get_field("kind").choices == [
        ("count", "Count"),
        ("ceiling", "Count with annual ceiling"),
        ("ratio", "Ratio (numerator and denominator)"),
        ("breakdown", "Breakdown (a count per category)"),
        ("snapshot", "Snapshot (a level at month end)"),
        ("rolling", "Rolling figure (already a rolling total or cohort rate)"),
    ]
    assert MonthValue._meta.get_field("status").choices == ValueStatus.choices()
    assert SubmissionStatus.NOT_STARTED.label == "Not started"
    assert RoundStatus.OPEN.label == "Open for submissions"


def test_a_member_equals_the_string_stored_for_it() -> None:
    assert IndicatorKind.RATIO == "ratio" and IndicatorKind("ratio") is IndicatorKind.RATIO
    assert {"count": 1}[IndicatorKind.COUNT] == 1  # same hash as the stored string
    assert f"{ValueStatus.SUPPRESSED}" == "suppressed"


def test_the_engines_own_words_are_the_vocabularys() -> None:
    assert measures.REPORTED == ValueStatus.REPORTED
    assert measures.SUPPRESSED == ValueStatus.SUPPRESSED
    assert measures.NOT_COLLECTED == ValueStatus.NOT_COLLECTED
    assert measures.NOT_AVAILABLE == ValueStatus.NOT_AVAILABLE
    assert measures.NOT_SUBMITTED == NOT_SUBMITTED
    assert measures.COUNT_KINDS == COUNT_KINDS


def test_an_entry_status_is_a_status_the_store_keeps() -> None:
    assert {s.value for s in EntryStatus} <= {s.value for s in ValueStatus}
    assert Entry().entry_status == EntryStatus.REPORTED
    assert validation.SUPPRESSED == ValueStatus.SUPPRESSED


def test_every_kind_validation_names_is_an_indicator_kind() -> None:
    """validation may not import indicators (a contract), so it compares kinds by value: each
    string it compares a kind with must be one of IndicatorKind's."""
    tree = ast.parse((ROOT / "submissions" / "cycle" / "validation.py").read_text())
    named: set[str] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Compare):
            continue
        sides = [node.left, *node.comparators]
        if not any("kind" in ast.unparse(side) for side in sides):
            continue
        for side in sides:
            for const in ast.walk(side):
                if isinstance(const, ast.Constant) and isinstance(const.value, str):
                    named.add(const.value)
    assert named, "validation compares no kind: the test reads the wrong thing"
    assert named <= {k.value for k in IndicatorKind}, named - {k.value for k in IndicatorKind}


def test_the_api_returns_the_submission_fields_it_always_did() -> None:
    """Every field it always returned, in order; issue 11 (item 6) added ``round``, ``area``
    and the owning ``agency``."""
    from submissions.api.serializers import SubmissionSerializer

    assert SubmissionSerializer.Meta.fields == [
        "id",
        "round",
        "area",
        "indicator",
        "agency",
        "month",
        "status",
        "entry_status",
        "value",
        "numerator",
        "denominator",
        "decimal_value",
        "categories",
        "reference_period",
        "reason",
        "confirm_note",
        "performance_overview",
        "actions",
        "benchmarking",
        "return_reason",
        "rag_override",
        "rag_override_justification",
        "version",
        "updated_at",
    ]
    assert tuple(SubmissionSerializer.Meta.fields[6:-2]) == AUDITED_FIELDS
    assert tuple(SubmissionSerializer.Meta.fields[7:-5]) == ENTRY_FIELDS
