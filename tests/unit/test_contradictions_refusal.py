"""Publishing while the figures contradict the commentary needs a confirming note (the rule is
plain Python in ``cycle/validation.py``, as a figure's warnings are)."""

from __future__ import annotations

from submissions.cycle.validation import contradictions_refusal

TNO = "Total Notifiable Offences (TNO's): in the actions: refers to October 2016"


def test_nothing_found_needs_no_note() -> None:
    assert contradictions_refusal([], "") is None


def test_a_contradiction_without_a_note_is_refused_and_named() -> None:
    refusal = contradictions_refusal([TNO], "")
    assert refusal is not None
    assert "contradicts the figures in 1 place: " + TNO in refusal
    assert "add a confirming note" in refusal


def test_a_blank_note_is_no_note_and_a_real_one_answers() -> None:
    assert contradictions_refusal([TNO], "   \n") is not None
    assert (
        contradictions_refusal([TNO], "The seed's own words, kept as the board read them.") is None
    )


def test_a_long_list_names_five_and_counts_the_rest() -> None:
    refusal = contradictions_refusal([f"page {i}" for i in range(1, 8)], "")
    assert refusal is not None
    assert "in 7 places: page 1; page 2; page 3; page 4; page 5; and 2 more." in refusal
    assert "page 6" not in refusal
