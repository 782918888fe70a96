"""Numbers as people type them (issue 15): "1,421" and " 1421 " are 1421; nothing else is."""

from __future__ import annotations

from decimal import Decimal

import pytest

from submissions.cycle.numbers import (
    decimal_message,
    parse_decimal,
    parse_whole,
    whole_number_message,
)


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("1421", 1421),
        ("1,421", 1421),
        (" 1421 ", 1421),
        ("\t1,421\n", 1421),
        ("0", 0),
        ("1,234,567", 1234567),
        ("", None),
        ("   ", None),
    ],
)
def test_whole_numbers_as_typed(typed: str, number: int | None) -> None:
    assert parse_whole(typed) == number


@pytest.mark.parametrize(
    "typed",
    ["abc", "1,42", "14,21", "1.5", "-3", "+3", "1 421", "1,421,", ",421", "1e3", "١٤٢١", "12abc"],
)
def test_anything_else_is_refused(typed: str) -> None:
    with pytest.raises(ValueError):
        parse_whole(typed)


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("10.5", Decimal("10.5")),
        ("1,421.25", Decimal("1421.25")),
        (" 88 ", Decimal(88)),
        ("", None),
    ],
)
def test_decimals_where_the_kind_takes_them(typed: str, number: Decimal | None) -> None:
    assert parse_decimal(typed) == number


@pytest.mark.parametrize("typed", ["abc", "10.", ".5", "1.2.3", "-1.5", "NaN", "Infinity"])
def test_a_decimal_that_is_not_a_number_is_refused(typed: str) -> None:
    with pytest.raises(ValueError):
        parse_decimal(typed)


def test_the_message_names_the_figure() -> None:
    assert (
        whole_number_message("the number of offences")
        == "Enter the number of offences as a whole number, like 1421"
    )
    assert decimal_message("the figure") == "Enter the figure as a number, like 1421 or 10.5"
