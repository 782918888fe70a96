"""Neutralising spreadsheet formulas: inert in every spreadsheet, and undone exactly on import."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from submissions.spreadsheet import FORMULA_STARTS, neutralise, unneutralise


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ('=HYPERLINK("x")', '\'=HYPERLINK("x")'),
        ("+1", "'+1"),
        ("-5 offences", "'-5 offences"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("'=x", "''=x"),
        ("'Tis", "'Tis"),
        ("Fine", "Fine"),
        ("-5", "-5"),
        ("-12.5", "-12.5"),
        (-5, -5),
        (Decimal("-1.5"), Decimal("-1.5")),
        (None, None),
    ],
)
def test_text_that_a_spreadsheet_would_run_gets_a_leading_apostrophe(value, written) -> None:
    assert neutralise(value) == written


@given(st.text())
def test_neutralised_text_never_starts_a_formula_and_reads_back_unchanged(text: str) -> None:
    written = neutralise(text)
    if written.startswith(FORMULA_STARTS):  # only a plain negative number may
        assert written == text and re.fullmatch(r"-[0-9]+(\.[0-9]+)?", text)
    assert unneutralise(written) == text
