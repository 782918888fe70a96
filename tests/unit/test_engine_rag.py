"""RAG rules at their boundaries (DESIGN.md, "RAG rules"), and targets to date."""

from __future__ import annotations

import pytest

from indicators.engine.rag import (
    TargetSpec,
    rate_ceiling,
    rate_change,
    rate_minimum,
    rate_range,
    round_half_up,
    target_to_date,
)


def test_target_to_date_outdoor_fires_and_arson_as_the_seed_prints_them() -> None:
    assert [target_to_date(257, k) for k in range(1, 13)] == [
        21,
        43,
        64,
        86,
        107,
        129,
        150,
        171,
        193,
        214,
        236,
        257,
    ]
    assert [target_to_date(169, k) for k in range(1, 13)] == [
        14,
        28,
        42,
        56,
        70,
        85,
        99,
        113,
        127,
        141,
        155,
        169,
    ]


def test_round_half_up_rounds_halves_away_from_zero() -> None:
    assert (round_half_up(128.5 * 2) // 2, round_half_up(21.5), round_half_up(22.5)) == (
        128,
        22,
        23,
    )


def test_months_elapsed_outside_a_year_are_refused() -> None:
    with pytest.raises(ValueError):
        target_to_date(100, 13)


@pytest.mark.parametrize(
    ("change", "rag"),
    [(-21.0, "G"), (-5.0, "G"), (-4.99, "A"), (0.0, "A"), (0.01, "R"), (1.2, "R")],
)
def test_reduce_on_last_year_default_stretch(change: float, rag: str) -> None:
    assert rate_change(change, TargetSpec(kind="reduce"), basis="YTD", decimals=0).rag == rag


@pytest.mark.parametrize(("change", "rag"), [(-10.0, "G"), (-9.9, "A"), (0.0, "A"), (0.1, "R")])
def test_stated_percent_change(change: float, rag: str) -> None:
    target = TargetSpec(kind="percent_change", value=-10)
    assert rate_change(change, target, basis="YTD", decimals=0).rag == rag


def test_an_increase_target_where_higher_is_better() -> None:
    target = TargetSpec(kind="percent_change", value=5)
    assert rate_change(6, target, basis="YTD", decimals=0, higher_is_better=True).rag == "G"
    assert rate_change(2, target, basis="YTD", decimals=0, higher_is_better=True).rag == "A"
    assert rate_change(-1, target, basis="YTD", decimals=0, higher_is_better=True).rag == "R"


def test_the_reason_is_in_words() -> None:
    rating = rate_change(-21.3, TargetSpec(kind="reduce"), basis="YTD", decimals=0)
    assert (
        rating.reason
        == "YTD −21% on last year against a target of 5% or more below last year: Green"
    )
    assert rate_change(None, TargetSpec(kind="reduce"), basis="YTD", decimals=0).rag is None


@pytest.mark.parametrize(("ytd", "rag"), [(193, "G"), (194, "A"), (212, "A"), (213, "R")])
def test_annual_ceiling_against_target_to_date(ytd: int, rag: str) -> None:
    # 110% of 193 = 212.3
    assert rate_ceiling(ytd, 193, TargetSpec(kind="ceiling", value=257)).rag == rag


def test_arson_165_against_127_is_red() -> None:
    assert rate_ceiling(165, 127, TargetSpec(kind="ceiling", value=169)).rag == "R"


@pytest.mark.parametrize(("value", "rag"), [(70, "G"), (69.9, "A"), (63, "A"), (62.9, "R")])
def test_minimum_rate(value: float, rag: str) -> None:
    assert (
        rate_minimum(value, TargetSpec(kind="minimum", value=70), what="YTD", decimals=0).rag == rag
    )


def test_minimum_with_a_volume_takes_the_worse_of_the_two() -> None:
    target = TargetSpec(kind="minimum", value=54, volume=24)
    # Rate met, but 14 successes against a volume to date of 18 is below 90%.
    rating = rate_minimum(60, target, what="YTD", decimals=0, volume=14, volume_to_date=18)
    assert rating.rag == "R"
    assert "volume to date of 18" in rating.reason


@pytest.mark.parametrize(
    ("value", "rag"),
    [(28, "G"), (40, "G"), (33, "G"), (25.2, "A"), (25.19, "R"), (44, "A"), (44.01, "R")],
)
def test_range(value: float, rag: str) -> None:
    target = TargetSpec(kind="range", lower=28, upper=40)
    assert rate_range(value, target, what="YTD rate", decimals=0).rag == rag
