"""The engine's formulas, case by case (DESIGN.md "Formulas"); expected values by hand."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indicators.engine.measures import (
    Obs,
    SeriesSpec,
    change,
    compute_series,
    denominator_in_force,
)
from indicators.engine.periods import add_months, fy_start_year, months_elapsed_in_fy
from indicators.engine.rag import TargetSpec

APR15 = dt.date(2015, 4, 1)
COUNT = SeriesSpec(kind="count", per_n=1000)


def months(start: dt.date, n: int) -> list[dt.date]:
    return [add_months(start, i) for i in range(n)]


def counts(start: dt.date, values: list[int | None]) -> dict[dt.date, Obs]:
    return {
        m: Obs(value=v)
        for m, v in zip(months(start, len(values)), values, strict=True)
        if v is not None
    }


def one(spec: SeriesSpec, values: dict[dt.date, Obs], month: dt.date, **kw):
    return compute_series(spec, values, months=[month], **kw)[0]


def test_periods() -> None:
    assert fy_start_year(dt.date(2017, 3, 1)) == 2016
    assert fy_start_year(dt.date(2016, 4, 1)) == 2016
    assert months_elapsed_in_fy(dt.date(2016, 12, 1)) == 9
    assert months_elapsed_in_fy(dt.date(2017, 3, 1)) == 12
    assert add_months(dt.date(2016, 12, 1), 1) == dt.date(2017, 1, 1)
    assert add_months(dt.date(2016, 1, 1), -13) == dt.date(2014, 12, 1)


def test_tno_worked_example_ytd() -> None:
    # DESIGN.md: Apr-Dec 2016 = 1,383 ... 1,386 -> YTD Dec = 13,207.
    tno = [1383, 1639, 1532, 1614, 1438, 1425, 1403, 1387, 1386]
    result = one(COUNT, counts(dt.date(2016, 4, 1), tno), dt.date(2016, 12, 1))
    assert result.ytd == 13207
    assert result.missing == []


def test_ytd_is_incomplete_with_the_missing_months_named_and_why() -> None:
    values = counts(dt.date(2016, 4, 1), [10, 10, 10, 10, 10, 10])
    values[dt.date(2016, 6, 1)] = Obs(status="not_available", reason="system down")
    del values[dt.date(2016, 8, 1)]
    result = one(COUNT, values, dt.date(2016, 9, 1))
    assert result.ytd is None
    assert [(m.month.month, m.status, m.reason) for m in result.missing] == [
        (6, "not_available", "system down"),
        (8, "not_submitted", ""),
    ]
    assert "June 2016 not available (system down)" in result.missing[0].describe()


def test_quarterly_months_not_collected_do_not_make_the_ytd_incomplete() -> None:
    spec = SeriesSpec(kind="count", frequency="quarterly")
    values = {m: Obs(status="not_collected") for m in months(dt.date(2016, 4, 1), 6)}
    values[dt.date(2016, 6, 1)] = Obs(value=30)
    values[dt.date(2016, 9, 1)] = Obs(value=12)
    assert one(spec, values, dt.date(2016, 9, 1)).ytd == 42


@pytest.mark.parametrize(
    ("current", "previous", "expected"),
    [
        (110, 100, (10, 10.0)),
        (90, 100, (-10, -10.0)),
        (5, 5, (0, 0.0)),
        (3, 0, (3, None)),
        (0, 0, (0, 0.0)),
        (None, 4, (None, None)),
    ],
)
def test_change_with_no_change_and_zero_base(current, previous, expected) -> None:
    assert change(current, previous) == expected


def test_ytd_change_against_the_same_months_last_year() -> None:
    values = counts(APR15, [100] * 12 + [110, 120])
    result = one(COUNT, values, dt.date(2016, 5, 1))
    assert (result.ytd, result.ytd_previous) == (230, 200)
    assert result.ytd_change_abs == 30
    assert result.ytd_change_pct == pytest.approx(15.0)


def test_r12_and_last_years_r12() -> None:
    values = counts(dt.date(2014, 4, 1), list(range(1, 37)))  # Apr 2014 .. Mar 2017
    result = one(COUNT, values, dt.date(2016, 12, 1))
    assert result.r12 == sum(range(22, 34))  # Jan 2016 .. Dec 2016 = months 22..33
    assert result.r12_previous == sum(range(10, 22))
    assert result.r12_change_pct == pytest.approx(
        (sum(range(22, 34)) / sum(range(10, 22)) - 1) * 100
    )


def test_rate_uses_the_denominator_in_force_that_month() -> None:
    # Seed TNO: R12 May 2016 17,612 / 198,294 = 88.82; June 17,704 / 201,979 = 87.65.
    dens = [(dt.date(2015, 6, 1), 198294), (dt.date(2016, 6, 1), 201979)]
    assert denominator_in_force(dens, dt.date(2016, 5, 1)) == 198294
    assert denominator_in_force(dens, dt.date(2016, 6, 1)) == 201979
    assert denominator_in_force(dens, dt.date(2015, 5, 1)) is None
    values = counts(dt.date(2015, 6, 1), [1] * 11 + [17612 - 11] + [1])
    may = one(COUNT, values, dt.date(2016, 5, 1), denominators=dens)
    assert may.r12 == 17612
    assert round(may.rate, 2) == 88.82
    assert may.rate_denominator == 198294


def test_ratio_month_and_ytd_percentages() -> None:
    # Seed ATR April-June 2016: 3 of 4, 0 of 3, 1 of 2 -> YTD 75%, 42.9%, 44.4%.
    spec = SeriesSpec(kind="ratio")
    values = {
        dt.date(2016, 4, 1): Obs(numerator=3, denominator=4),
        dt.date(2016, 5, 1): Obs(numerator=0, denominator=3),
        dt.date(2016, 6, 1): Obs(numerator=1, denominator=2),
    }
    result = compute_series(spec, values, months=months(dt.date(2016, 4, 1), 3))
    assert [round(r.ytd_pct, 1) for r in result] == [75.0, 42.9, 44.4]
    assert [r.month_pct for r in result] == [75.0, 0.0, 50.0]
    assert (result[-1].ytd_numerator, result[-1].ytd_denominator) == (4, 9)


def test_a_ratio_with_more_successes_than_attempts_is_flagged_invalid() -> None:
    spec = SeriesSpec(kind="ratio")
    values = {dt.date(2016, 7, 1): Obs(numerator=9, denominator=3)}
    result = one(spec, values, dt.date(2016, 7, 1))
    assert result.status == "invalid"
    assert result.month_pct is None
    assert [m.status for m in result.missing][-1] == "invalid"


def test_snapshot_compares_with_the_same_month_last_year() -> None:
    spec = SeriesSpec(kind="snapshot", polarity="neutral")
    values = {dt.date(2015, 12, 1): Obs(value=65), dt.date(2016, 12, 1): Obs(value=52)}
    result = one(spec, values, dt.date(2016, 12, 1))
    assert (result.month_value, result.previous_value, result.value_change_abs) == (52, 65, -13)
    assert result.value_change_pct == pytest.approx(-20.0)
    assert result.ytd is None and result.r12 is None


def test_breakdown_total_shares_and_percent_satisfied() -> None:
    spec = SeriesSpec(
        kind="breakdown",
        satisfied_categories=frozenset({"very", "fairly"}),
        category_order=("very", "fairly", "neither", "dissatisfied"),
    )
    cats = {
        "very": Obs(value=10),
        "fairly": Obs(value=20),
        "neither": Obs(value=5),
        "dissatisfied": Obs(value=5),
    }
    values = {dt.date(2016, 4, 1): Obs(categories=cats)}
    result = one(spec, values, dt.date(2016, 4, 1))
    assert result.month_value == 40
    assert result.pct_satisfied == pytest.approx(75.0)
    assert result.categories["neither"]["share"] == pytest.approx(12.5)
    assert result.ytd_pct_satisfied == pytest.approx(75.0)


def test_suppressed_categories_stay_suppressed_never_zero() -> None:
    spec = SeriesSpec(kind="rolling", polarity="neutral", total_category="all")
    cats = {"all": Obs(value=384), "disability": Obs(status="suppressed"), "faith": Obs(value=19)}
    result = one(spec, {dt.date(2016, 5, 1): Obs(categories=cats)}, dt.date(2016, 5, 1))
    assert result.month_value == 384
    assert result.categories["disability"]["status"] == "suppressed"
    assert result.categories["disability"]["value"] is None


def test_a_suppressed_month_makes_a_count_ytd_incomplete() -> None:
    values = counts(dt.date(2016, 4, 1), [12, 14])
    values[dt.date(2016, 6, 1)] = Obs(status="suppressed")
    result = one(COUNT, values, dt.date(2016, 6, 1))
    assert result.ytd is None
    assert result.missing[0].status == "suppressed"


def test_rolling_figures_change_on_the_same_month_last_year_and_give_a_rate() -> None:
    # FTE: 131 (Jul 15-Jun 16) against 109, per 100,000 of 22,017 young people = 595.
    spec = SeriesSpec(kind="rolling", per_n=100000)
    values = {dt.date(2015, 6, 1): Obs(value=109), dt.date(2016, 6, 1): Obs(value=131)}
    result = one(spec, values, dt.date(2016, 6, 1), denominators=[(dt.date(2015, 6, 1), 22017)])
    assert result.value_change_abs == 22
    assert round(result.rate) == 595


def test_never_rated_for_a_month_without_data() -> None:
    values = counts(APR15, [100] * 12 + [50, 50])
    values[dt.date(2016, 6, 1)] = Obs(status="not_available", reason="TBC")
    result = one(
        COUNT, values, dt.date(2016, 6, 1), targets={2016: TargetSpec(kind="reduce", value=-5)}
    )
    assert result.rag is None
    assert "No figure for June 2016" in result.rag_reason
    monitoring = one(
        COUNT,
        counts(APR15, [1] * 13),
        dt.date(2016, 4, 1),
        targets={2016: TargetSpec(kind="monitoring")},
    )
    assert monitoring.rag is None


def test_a_ceiling_gives_target_to_date_and_variance() -> None:
    spec = SeriesSpec(kind="ceiling")
    fires = [26, 20, 11, 13, 25, 11, 13, 12, 13]  # seed: YTD 144 at December
    result = one(
        spec,
        counts(dt.date(2016, 4, 1), fires),
        dt.date(2016, 12, 1),
        targets={2016: TargetSpec(kind="ceiling", value=257)},
    )
    assert (result.ytd, result.target_to_date, result.variance) == (144, 193, -49)
    assert result.rag == "G"


def test_direction_of_travel_by_polarity() -> None:
    values = counts(APR15, [100] * 12 + [90])
    down = one(COUNT, values, dt.date(2016, 4, 1))
    up = one(SeriesSpec(kind="count", polarity="up"), values, dt.date(2016, 4, 1))
    neutral = one(SeriesSpec(kind="count", polarity="neutral"), values, dt.date(2016, 4, 1))
    assert (down.direction, up.direction, neutral.direction) == ("improving", "worsening", "down")


# --- invariants ------------------------------------------------------------------------------

series_strategy = st.lists(st.integers(min_value=0, max_value=5000), min_size=36, max_size=36)


@settings(max_examples=60, deadline=None)
@given(series_strategy)
def test_ytd_at_march_is_the_sum_of_the_financial_year(values: list[int]) -> None:
    data = counts(dt.date(2014, 4, 1), values)
    march = one(COUNT, data, dt.date(2016, 3, 1))
    assert march.ytd == sum(values[12:24])
    assert march.r12 == march.ytd  # at March the rolling year is the financial year


@settings(max_examples=60, deadline=None)
@given(series_strategy, st.integers(min_value=0, max_value=11))
def test_r12_is_ytd_plus_the_rest_of_last_year(values: list[int], k: int) -> None:
    data = counts(dt.date(2014, 4, 1), values)
    month = add_months(dt.date(2016, 4, 1), k)
    result = one(COUNT, data, month)
    last_fy_total = sum(values[12:24])
    last_year_same_ytd = sum(values[12 : 12 + k + 1])
    assert result.r12 == result.ytd + (last_fy_total - last_year_same_ytd)
