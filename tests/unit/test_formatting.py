"""Every figure, percentage, rate, month and financial year printed one way (issue 10).

Expected strings are worked by hand from the conventions of the December 2016 seed pack
(DESIGN.md): "13,207", "87.07 per 1,000", "+1%", "−8%", "No change", "<10", "TBC",
"Data collected quarterly", "2016/17", "Apr-16".
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from indicators.engine.formatting import (
    categories_text,
    change,
    figure,
    fy_label,
    fy_label_of,
    fy_month_labels,
    month_figure,
    month_label,
    number,
    percent,
    rate,
    rate_per,
    short_month_label,
    suppressed,
)


@pytest.mark.parametrize(
    ("value", "decimals", "text"),
    [
        (1386, 0, "1,386"),
        (13207, 0, "13,207"),
        (17587.0, 0, "17,587"),
        (999, 0, "999"),
        (0, 0, "0"),
        (87.0712, 2, "87.07"),  # TNO's rate: 17,587 / 201,979 × 1,000
        (1234.5, 2, "1,234.50"),
        (Decimal("85.99"), 2, "85.99"),
        (70.0, 1, "70.0"),
        (None, 0, "–"),
    ],
)
def test_numbers_have_thousands_separators_and_fixed_decimals(
    value: object, decimals: int, text: str
) -> None:
    assert number(value, decimals) == text


def test_a_missing_number_prints_what_the_caller_says() -> None:
    assert number(None, none="") == ""
    assert number(None, none="Incomplete") == "Incomplete"


@pytest.mark.parametrize(
    ("value", "text"),
    [(1386, "1,386"), (43.0, "43"), (Decimal("43.0000"), "43"), (43.25, "43.25"), (None, "")],
)
def test_a_months_figure_is_whole_or_has_two_decimals(value: object, text: str) -> None:
    assert figure(value) == text


@pytest.mark.parametrize(
    ("value", "decimals", "signed", "text"),
    [
        (0.0517 * 100, 1, False, "5.2%"),
        (70, 1, False, "70.0%"),
        (9 / 13 * 100, 0, False, "69%"),
        (132 / 13075 * 100, 0, True, "+1%"),  # TNO YTD: 13,207 against 13,075
        (-36 / 433 * 100, 0, True, "−8%"),  # robbery YTD: 397 against 433, a true minus sign
        (-5, 0, True, "−5%"),
        (1234.0, 0, True, "+1,234%"),
    ],
)
def test_percentages(value: float, decimals: int, signed: bool, text: str) -> None:
    assert percent(value, decimals, signed=signed) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [(0, "No change"), (0.0, "No change"), (None, "n/a"), (2.4, "+2%"), (-0.3, "−0%")],
)
def test_a_change_on_last_year(value: float | None, text: str) -> None:
    assert change(value) == text


def test_rates_name_what_they_count() -> None:
    assert rate_per(1000, "residents") == "per 1,000 residents"
    assert rate_per(100000, "") == "per 100,000"
    assert rate(87.0712, 1000) == "87.07 per 1,000"
    assert rate(2.26, 1000, "residents aged 1–19") == "2.26 per 1,000 residents aged 1–19"
    assert rate(None, 1000) == "–"
    assert rate(5.0, None) == "–"


@pytest.mark.parametrize(
    ("status", "kwargs", "text"),
    [
        ("reported", {"value": 1386}, "1,386"),
        ("reported", {"numerator": 3, "denominator": 4}, "3 of 4"),
        ("reported", {"numerator": 1291, "denominator": 1500}, "1,291 of 1,500"),
        ("reported", {"numerator": 31}, "31"),
        ("reported", {"value": Decimal("12.3400")}, "12.34"),
        ("not_collected", {}, "Data collected quarterly"),
        ("not_available", {}, "TBC"),
        ("suppressed", {}, "<10"),
        ("suppressed", {"threshold": 5}, "<5"),
        ("not_submitted", {"value": 12}, ""),
        ("reported", {}, ""),
    ],
)
def test_a_month_prints_as_the_pack_prints_it(status: str, kwargs: dict, text: str) -> None:
    assert month_figure(status, **kwargs) == text


def test_a_suppressed_count_is_never_printed_as_zero() -> None:
    assert suppressed(None) == "<10"
    assert suppressed(10) == "<10"
    assert month_figure("suppressed", value=0) == "<10"


def test_categories_print_each_figure_the_same_way() -> None:
    text = categories_text(
        [("all", 384), ("disability", "suppressed"), ("faith", 1019), ("n", {"numerator": 3})],
        threshold=10,
    )
    assert text == "all: 384; disability: <10; faith: 1,019; n: 3"


@pytest.mark.parametrize(
    ("month", "label"),
    [
        ("2016-12", "2016/17"),
        ("2016-04", "2016/17"),
        ("2017-03", "2016/17"),
        ("2016-03", "2015/16"),
        (dt.date(2099, 6, 1), "2099/00"),
        (dt.date(2009, 4, 1), "2009/10"),
    ],
)
def test_financial_years(month: str | dt.date, label: str) -> None:
    assert fy_label_of(month) == label


def test_financial_year_from_its_start_year() -> None:
    assert fy_label(2016) == "2016/17"


def test_a_financial_years_months_as_the_tables_head_them() -> None:
    labels = fy_month_labels("2016-12")
    assert labels[:3] == ["Apr-16", "May-16", "Jun-16"]
    assert labels[8:] == ["Dec-16", "Jan-17", "Feb-17", "Mar-17"]
    assert fy_month_labels(dt.date(2017, 2, 1)) == labels


def test_months() -> None:
    assert month_label(dt.date(2016, 12, 1)) == "December 2016"
    assert short_month_label(dt.date(2017, 1, 1)) == "Jan-17"
