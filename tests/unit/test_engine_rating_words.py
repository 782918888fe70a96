"""The rule behind each rating in words, and assurance against every kind of target.

Expected words and icons are worked by hand from the targets and the series below (arithmetic
in the comments), never taken from the code under test.
"""

from __future__ import annotations

import datetime as dt

import pytest

from indicators.engine import spc
from indicators.engine.measures import Obs, SeriesSpec, compute_series
from indicators.engine.periods import add_months
from indicators.engine.rag import TargetSpec, rate_change, rate_range
from indicators.engine.rating_words import rating_rule

APR15 = dt.date(2015, 4, 1)
JUN16 = dt.date(2016, 6, 1)


# --- The rule in words -------------------------------------------------------------------------


def test_a_reduction_states_the_five_percent_stretch_in_the_targets_own_words() -> None:
    rule = rating_rule(TargetSpec(kind="reduce"), kind="count", polarity="down", change_basis="ytd")
    assert rule == (
        "Reduction on last year's figures (year to date): Green at 5% or more below last year, "
        "Amber between 5% below and level, Red above last year"
    )


def test_the_reason_and_the_rule_use_the_same_words() -> None:
    # TNO, December 2016: YTD 13,207 against 13,075, +1.0% (DESIGN.md): Red, as the seed rated.
    reason = rate_change(1.0, TargetSpec(kind="reduce"), basis="YTD", decimals=0).reason
    assert reason == "YTD +1% on last year against a target of 5% or more below last year: Red"
    assert "−5%" not in reason
    rule = rating_rule(TargetSpec(kind="reduce"), kind="count", polarity="down", change_basis="ytd")
    assert "Green at 5% or more below last year" in rule


def test_a_stated_decrease_on_a_rolling_basis_and_an_increase_where_higher_is_better() -> None:
    robbery = rating_rule(
        TargetSpec(kind="percent_change", value=-5),
        kind="count",
        polarity="down",
        change_basis="r12",
    )
    assert robbery.startswith("5% decrease on last year (rolling 12 months): Green at 5% or more")
    up = rating_rule(TargetSpec(kind="reduce"), kind="count", polarity="up", change_basis="ytd")
    assert up == (
        "Increase on last year's figures (year to date): Green at 5% or more above last year, "
        "Amber between 5% above and level, Red below last year"
    )


def test_a_ceiling_with_the_adoptions_tolerance() -> None:
    # Outdoor rubbish fires: 257 a year; a tolerance of 7.5% set on the adoption.
    rule = rating_rule(
        TargetSpec(kind="ceiling", value=257, tolerance=7.5),
        kind="ceiling",
        polarity="down",
        change_basis="ytd",
        unit="fires",
    )
    assert rule == (
        "No more than 257 fires in the year, so a target to date of 257 × months so far ÷ 12 "
        "(year to date): Green at or below the target to date, Amber up to 7.5% above it, "
        "Red more than 7.5% above it"
    )


def test_a_range_uses_the_tolerance_the_marac_page_states() -> None:
    # MARAC: 28–40%, "within 10% of the target" Amber: 28 × 0.9 = 25.2, 40 × 1.1 = 44.
    rule = rating_rule(
        TargetSpec(kind="range", lower=28, upper=40),
        kind="ratio",
        polarity="up",
        change_basis="ytd",
    )
    assert rule == (
        "Between 28% and 40% (year-to-date rate): Green inside the range, Amber within 10% of "
        "it (25.2% to 44%), Red outside that"
    )
    # The rating keeps to the same bands: 25.2% Amber, 25.1% Red.
    target = TargetSpec(kind="range", lower=28, upper=40)
    assert rate_range(25.2, target, what="YTD rate", decimals=1).rag == "A"
    assert rate_range(25.1, target, what="YTD rate", decimals=1).rag == "R"


def test_a_ratio_minimum_with_a_volume() -> None:
    # DRR: at least 54% and 24 people; 54 × 0.9 = 48.6.
    rule = rating_rule(
        TargetSpec(kind="minimum", value=54, volume=24),
        kind="ratio",
        polarity="up",
        change_basis="ytd",
    )
    assert rule.startswith(
        "At least 54% (year-to-date rate): Green at 54% or more, Amber from 48.6% (within 10% "
        "of the target), Red below 48.6%; and at least 24 successes in the year"
    )
    assert rule.endswith("the rating is the worse of the two")


def test_monitoring_and_no_target() -> None:
    kw = {"kind": "count", "polarity": "neutral", "change_basis": "ytd"}
    assert rating_rule(TargetSpec(kind="monitoring"), **kw) == "Monitoring only: not rated"
    assert rating_rule(None, **kw) == "No target for this year: not rated"


# --- Assurance ---------------------------------------------------------------------------------
# Baseline April 2015 – March 2016 alternates 90, 110: mean 100, every moving range 20, so
# m̄R = 20 and the process limits are 100 ± 2.66 × 20 = 46.8 to 153.2. April–June 2016 are 100.
BASELINE = [90, 110] * 6


def _counts(extra: list[int]) -> dict[dt.date, Obs]:
    return {add_months(APR15, i): Obs(value=v) for i, v in enumerate(BASELINE + extra)}


def _june(spec: SeriesSpec, values: dict[dt.date, Obs], target: TargetSpec | None):
    targets = {2016: target} if target is not None else {}
    return compute_series(spec, values, months=[JUN16], targets=targets)[0]


COUNT = SeriesSpec(kind="count")
CEILING = SeriesSpec(kind="ceiling")


def test_the_limits_are_as_worked() -> None:
    june = _june(COUNT, _counts([100, 100, 100]), TargetSpec(kind="reduce"))
    assert june.spc_lower == pytest.approx(46.8)
    assert june.spc_upper == pytest.approx(153.2)


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        # Last year's YTD to June: 90 + 110 + 90 = 290; −5%: 275.5 over 3 months = 91.8 a month,
        # between the limits: hit and miss.
        (TargetSpec(kind="reduce"), spc.ASSURE_HIT_MISS),
        # −60%: 290 × 0.4 / 3 = 38.7, below the lower limit 46.8: consistently failing.
        (TargetSpec(kind="percent_change", value=-60), spc.ASSURE_FAIL),
        # +60%: 290 × 1.6 / 3 = 154.7, above the upper limit 153.2: consistently passing.
        (TargetSpec(kind="percent_change", value=60), spc.ASSURE_PASS),
    ],
)
def test_assurance_of_a_count_reduction(target: TargetSpec, expected: str) -> None:
    june = _june(COUNT, _counts([100, 100, 100]), target)
    assert june.assurance == expected


@pytest.mark.parametrize(
    ("annual", "expected"),
    [
        (600, spc.ASSURE_HIT_MISS),  # 600 / 12 = 50 a month, inside 46.8–153.2
        (1900, spc.ASSURE_PASS),  # 158.3 a month, above the upper limit
        (480, spc.ASSURE_FAIL),  # 40 a month, below the lower limit
    ],
)
def test_assurance_of_a_ceiling(annual: int, expected: str) -> None:
    june = _june(CEILING, _counts([100, 100, 100]), TargetSpec(kind="ceiling", value=annual))
    # The target to date for June is round-half-up(annual × 3 / 12): 150, 475, 120.
    assert june.target_to_date == {600: 150, 1900: 475, 480: 120}[annual]
    assert june.assurance == expected


# A ratio alternating 30/100 and 34/100: mean 32%, m̄R 4, limits 32 ± 10.64 = 21.36 to 42.64.
RATIO = SeriesSpec(kind="ratio", polarity="up", decimals=1)


def _ratios(n: int) -> dict[dt.date, Obs]:
    return {
        add_months(APR15, i): Obs(numerator=30 if i % 2 == 0 else 34, denominator=100)
        for i in range(n)
    }


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        (TargetSpec(kind="range", lower=28, upper=40), spc.ASSURE_HIT_MISS),
        (TargetSpec(kind="range", lower=20, upper=45), spc.ASSURE_PASS),  # limits inside
        (TargetSpec(kind="range", lower=50, upper=60), spc.ASSURE_FAIL),  # all below 50
        (TargetSpec(kind="minimum", value=70), spc.ASSURE_FAIL),  # upper 42.64 < 70
        (TargetSpec(kind="minimum", value=20), spc.ASSURE_PASS),  # lower 21.36 > 20
        (TargetSpec(kind="minimum", value=32), spc.ASSURE_HIT_MISS),
    ],
)
def test_assurance_of_a_ratio_range_and_minimum(target: TargetSpec, expected: str) -> None:
    june = _june(RATIO, _ratios(15), target)
    assert (june.spc_lower, june.spc_upper) == (pytest.approx(21.36), pytest.approx(42.64))
    assert june.assurance == expected


def test_a_target_without_limits_yet_is_not_no_target() -> None:
    # Outdoor rubbish fires in the demo: nine months of 2016/17 only, so no limits.
    fires = [26, 20, 11, 13, 25, 11, 13, 12, 13]
    values = {add_months(dt.date(2016, 4, 1), i): Obs(value=v) for i, v in enumerate(fires)}
    dec = compute_series(
        CEILING,
        values,
        months=[dt.date(2016, 12, 1)],
        targets={2016: TargetSpec(kind="ceiling", value=257)},
    )[0]
    assert (dec.rag, dec.assurance) == ("G", spc.ASSURE_TOO_FEW)


def test_monitoring_has_no_target_to_assure_against() -> None:
    june = _june(COUNT, _counts([100, 100, 100]), TargetSpec(kind="monitoring"))
    assert june.variation == spc.COMMON
    assert june.assurance == spc.ASSURE_NONE


def test_a_change_target_without_last_years_figure_is_off_the_chart() -> None:
    # Limits from 15 months starting April 2015, but a change target on a ratio's count has no
    # figure on the chart's % scale.
    june = _june(RATIO, _ratios(15), TargetSpec(kind="reduce"))
    assert june.assurance == spc.ASSURE_OFF_SCALE
