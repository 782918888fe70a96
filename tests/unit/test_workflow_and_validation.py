"""The transition table and the entry checks, as tables of cases."""

from __future__ import annotations

from decimal import Decimal

import pytest

from submissions.cycle.validation import (
    ENTRY_TEXTS,
    TEXT_LIMITS,
    Context,
    Entry,
    check_entry,
    text_problem,
)
from submissions.cycle.workflow import TRANSITIONS, Action, State, TransitionError, next_state

ALLOWED = {
    ("not_started", "save"): "draft",
    ("draft", "save"): "draft",
    ("returned", "save"): "draft",
    ("not_started", "submit"): "submitted",
    ("draft", "submit"): "submitted",
    ("returned", "submit"): "submitted",
    ("submitted", "approve"): "approved",
    ("submitted", "return"): "returned",
    ("approved", "reopen"): "draft",
}


@pytest.mark.parametrize("state", [s.value for s in State])
@pytest.mark.parametrize("action", [a.value for a in Action])
def test_every_cell_of_the_transition_table(state: str, action: str) -> None:
    expected = ALLOWED.get((state, action))
    if expected is None:
        with pytest.raises(TransitionError):
            next_state(state, action)
    else:
        assert next_state(state, action) == expected


def test_the_table_is_exactly_the_design() -> None:
    assert {(s.value, a.value): t.value for (s, a), t in TRANSITIONS.items()} == ALLOWED


def test_refusal_messages_read_as_sentences() -> None:
    with pytest.raises(TransitionError, match="A submission that is approved cannot be saved"):
        next_state("approved", "save")


COUNT = Context(kind="count")


@pytest.mark.parametrize(
    ("entry", "ctx", "errors"),
    [
        (Entry(value=5), COUNT, set()),
        (Entry(value=0), COUNT, set()),
        (Entry(value=-1), COUNT, {"value"}),
        (Entry(), COUNT, {"value"}),
        (Entry(entry_status="not_collected"), COUNT, set()),
        (Entry(entry_status="not_available"), COUNT, {"reason"}),
        (Entry(entry_status="not_available", reason="IT change"), COUNT, set()),
        (Entry(entry_status="bogus"), COUNT, {"entry_status"}),
        (Entry(numerator=3, denominator=4), Context(kind="ratio"), set()),
        (Entry(numerator=4, denominator=4), Context(kind="ratio"), set()),
        (Entry(numerator=9, denominator=3), Context(kind="ratio"), {"numerator"}),
        (Entry(numerator=3), Context(kind="ratio"), {"denominator"}),
        (Entry(value=131, reference_period="Jul 15-Jun 16"), Context(kind="rolling"), set()),
        (Entry(value=131), Context(kind="rolling"), {"reference_period"}),
    ],
)
def test_entry_checks_on_submit(entry: Entry, ctx: Context, errors: set[str]) -> None:
    assert set(check_entry(entry, ctx, final=True).errors) == errors


def test_a_draft_may_hold_commentary_without_figures() -> None:
    assert check_entry(Entry(performance_overview="x"), COUNT, final=False).ok
    assert not check_entry(Entry(performance_overview="x"), COUNT, final=True).ok


HATE = Context(
    kind="rolling",
    category_codes=("all", "disability", "faith"),
    total_category="all",
    suppression_threshold=10,
)
SURVEY = Context(kind="breakdown", category_codes=("all", "satisfied", "not"), total_category="all")


@pytest.mark.parametrize(
    ("categories", "ctx", "errors"),
    [
        ({"all": 300, "disability": "suppressed", "faith": 12}, HATE, set()),
        ({"all": 300, "disability": 4, "faith": 12}, HATE, {"category-disability"}),
        ({"all": 300, "disability": 0, "faith": 12}, HATE, set()),
        ({"all": 10, "satisfied": 6, "not": 4}, SURVEY, set()),
        ({"all": 10, "satisfied": 8, "not": 4}, SURVEY, {"category-all"}),
        ({"all": 10, "satisfied": "suppressed", "not": 4}, SURVEY, {"category-satisfied"}),
        ({"all": 10, "satisfied": -1, "not": 4}, SURVEY, {"category-satisfied"}),
    ],
)
def test_categories_add_up_and_suppression_is_explicit(categories, ctx, errors) -> None:
    assert set(check_entry(Entry(categories=categories), ctx, final=True).errors) == errors


def test_a_figure_far_from_last_year_needs_a_confirming_note() -> None:
    ctx = Context(kind="count", last_year_value=100)
    checked = check_entry(Entry(value=151), ctx, final=True)
    assert "confirm_note" in checked.errors
    assert checked.warnings == ["151 is 51% above the same month last year (100)."]
    assert check_entry(Entry(value=150), ctx, final=True).ok
    assert check_entry(Entry(value=151, confirm_note="Real rise"), ctx, final=True).ok


def test_a_figure_outside_the_spc_limits_needs_a_confirming_note() -> None:
    ctx = Context(kind="count", spc_lower=1255, spc_upper=1650)
    assert "confirm_note" in check_entry(Entry(value=1700), ctx, final=True).errors
    assert check_entry(Entry(value=1600), ctx, final=True).ok


RATIO = Context(kind="ratio")
ROLLING = Context(kind="rolling")


@pytest.mark.parametrize(
    ("entry", "ctx", "errors"),
    [
        (Entry(value=36, categories={"zz": 1}), COUNT, {"categories"}),
        (Entry(value=36, categories={}), COUNT, set()),
        (Entry(value=36, numerator=5), COUNT, {"numerator"}),
        (Entry(value=36, numerator=9, denominator=3), COUNT, {"numerator", "denominator"}),
        (Entry(value=36, decimal_value=Decimal("2.5")), COUNT, {"decimal_value"}),
        (Entry(numerator=3, denominator=4, value=3), RATIO, {"value"}),
        (Entry(numerator=3, denominator=4, categories={"a": 1}), RATIO, {"categories"}),
        (
            Entry(value=5, decimal_value=Decimal("5.5"), reference_period="x"),
            ROLLING,
            {"decimal_value"},
        ),
        (Entry(value=5, numerator=1, reference_period="x"), ROLLING, {"numerator"}),
        (Entry(categories={"all": 300, "disability": 12, "faith": 12}, value=300), HATE, {"value"}),
        (Entry(categories={"all": 30, "satisfied": 6, "not": 4, "zz": 1}), SURVEY, {"categories"}),
        (
            Entry(
                categories={
                    "all": 10,
                    "satisfied": {"numerator": 1, "denominator": 2, "x": 3},
                    "not": 4,
                }
            ),
            SURVEY,
            {"category-satisfied"},
        ),
        # The shape is checked whatever the entry says, so nothing stray is ever stored.
        (Entry(entry_status="not_collected", categories={"zz": 1}), COUNT, {"categories"}),
        (Entry(entry_status="not_available", reason="IT", numerator=1), COUNT, {"numerator"}),
    ],
)
def test_an_entry_takes_only_the_parts_its_kind_has(
    entry: Entry, ctx: Context, errors: set[str]
) -> None:
    assert set(check_entry(entry, ctx, final=True).errors) == errors
    assert set(check_entry(entry, ctx, final=False).errors) == errors


@pytest.mark.parametrize("name", ENTRY_TEXTS)
def test_entry_texts_are_kept_up_to_their_limit_and_refused_beyond(name: str) -> None:
    limit = TEXT_LIMITS[name]
    base = {"entry_status": "not_available", "reason": "IT change"}
    assert check_entry(Entry(**{**base, name: "a" * limit}), COUNT, final=False).ok
    checked = check_entry(Entry(**{**base, name: "a" * (limit + 1)}), COUNT, final=False)
    assert set(checked.errors) == {name}
    assert f"at most {limit:,} characters (this one has {limit + 1:,})" in checked.errors[name]


def test_a_null_character_in_any_text_is_refused() -> None:
    assert set(text_problem(name, "a\x00b") is not None for name in TEXT_LIMITS) == {True}
    checked = check_entry(Entry(value=5, actions="a\x00b"), COUNT, final=True)
    assert set(checked.errors) == {"actions"}


def test_every_text_limit_has_a_label_and_the_reference_period_fits_its_column() -> None:
    from submissions.cycle.validation import TEXT_LABELS

    assert set(TEXT_LABELS) == set(TEXT_LIMITS)
    assert TEXT_LIMITS["reference_period"] <= 200  # Submission/MonthValue.reference_period
