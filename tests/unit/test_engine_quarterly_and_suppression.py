"""Quarterly "not collected" months (docs/adr/0008) and suppressed categories in every measure.

A quarterly indicator's figures are due in June, September, December and March. A month marked
"not collected" outside those is a month where no figure is due: every sum skips it and no
period is incomplete because of it. A due month marked "not collected" is a missing figure. A
suppressed category is never counted as 0. Expected figures are worked by hand in the comments.
"""

from __future__ import annotations

import datetime as dt

import pytest

from indicators.engine.measures import MonthMetrics, Obs, SeriesSpec, compute_series
from indicators.engine.periods import add_months
from indicators.engine.rag import TargetSpec

NC = Obs(status="not_collected")
QUARTERLY_COUNT = SeriesSpec(kind="count", frequency="quarterly", per_n=1000)
QUARTERLY_RATIO = SeriesSpec(kind="ratio", frequency="quarterly", polarity="up")


def month(year: int, number: int) -> dt.date:
    return dt.date(year, number, 1)


def quarterly(figures: dict[dt.date, Obs], first: dt.date, last: dt.date) -> dict[dt.date, Obs]:
    """Every month from first to last: the given figures, "not collected" in the others."""
    out: dict[dt.date, Obs] = {}
    m = first
    while m <= last:
        out[m] = figures.get(m, NC)
        m = add_months(m, 1)
    return out


def at(spec: SeriesSpec, values: dict[dt.date, Obs], m: dt.date, **kw: object) -> MonthMetrics:
    return compute_series(spec, values, months=[m], **kw)[0]


# Dec 2014 - Nov 2016: one figure a quarter, "not collected" in between.
COUNTS = quarterly(
    {
        month(2014, 12): Obs(value=22),
        month(2015, 3): Obs(value=19),
        month(2015, 6): Obs(value=30),
        month(2015, 9): Obs(value=12),
        month(2015, 12): Obs(value=20),
        month(2016, 3): Obs(value=18),
        month(2016, 6): Obs(value=25),
        month(2016, 9): Obs(value=15),
    },
    month(2014, 12),
    month(2016, 11),
)


def test_a_quarterly_count_sums_its_quarters_and_skips_the_months_between() -> None:
    nov = at(QUARTERLY_COUNT, COUNTS, month(2016, 11), denominators=[(month(2000, 1), 200_000)])
    assert nov.ytd == 25 + 15  # Apr-Nov 2016: the June and September quarters
    assert nov.ytd_previous == 30 + 12  # Apr-Nov 2015
    assert (nov.ytd_change_abs, round(nov.ytd_change_pct, 2)) == (-2, round(-2 / 42 * 100, 2))
    assert nov.r12 == 20 + 18 + 25 + 15  # Dec 2015 - Nov 2016
    assert nov.r12_previous == 22 + 19 + 30 + 12  # Dec 2014 - Nov 2015
    assert nov.rate == pytest.approx(78 / 200_000 * 1000)
    assert nov.missing == []  # complete: no figure was due in the months skipped
    assert (nov.status, nov.month_value) == ("not_collected", None)  # neither 0 nor a figure
    assert nov.rag is None and nov.spc_value is None


def test_a_quarterly_count_is_rated_in_its_due_month_on_the_quarters_so_far() -> None:
    sep = at(QUARTERLY_COUNT, COUNTS, month(2016, 9), targets={2016: TargetSpec(kind="reduce")})
    assert (sep.ytd, sep.ytd_previous) == (40, 42)  # -4.8%: better, short of -5%
    assert sep.rag == "A"
    aug = at(QUARTERLY_COUNT, COUNTS, month(2016, 8), targets={2016: TargetSpec(kind="reduce")})
    assert (aug.rag, aug.rag_reason) == (None, "Not collected in August 2016: not rated")


def test_a_due_quarter_marked_not_collected_is_missing_not_zero() -> None:
    values = {**COUNTS, month(2016, 12): NC}
    dec = at(QUARTERLY_COUNT, values, month(2016, 12), targets={2016: TargetSpec(kind="reduce")})
    assert dec.ytd is None and dec.r12 is None and dec.rate is None
    assert [(m.month, m.status) for m in dec.missing] == [(month(2016, 12), "not_collected")]
    assert dec.missing[0].describe() == "December 2016 not collected"
    assert (dec.rag, dec.rag_reason) == (None, "No figure for December 2016: not rated")


# Apr 2015 - Nov 2016: successes out of attempts, one pair a quarter.
RATIOS = quarterly(
    {
        month(2015, 6): Obs(numerator=5, denominator=10),
        month(2015, 9): Obs(numerator=2, denominator=5),
        month(2016, 6): Obs(numerator=6, denominator=8),
        month(2016, 9): Obs(numerator=3, denominator=4),
    },
    month(2015, 4),
    month(2016, 11),
)


def test_a_quarterly_ratio_sums_its_quarters_and_skips_the_months_between() -> None:
    nov = at(QUARTERLY_RATIO, RATIOS, month(2016, 11))
    assert (nov.ytd_numerator, nov.ytd_denominator) == (6 + 3, 8 + 4)
    assert nov.ytd_pct == pytest.approx(75.0)  # 9 / 12
    assert nov.ytd_pct_previous == pytest.approx(7 / 15 * 100)  # Apr-Nov 2015: (5+2)/(10+5)
    assert nov.direction == "improving"
    assert nov.missing == []
    assert (nov.month_value, nov.month_pct) == (None, None)


def test_a_quarterly_ratio_is_rated_in_its_due_month() -> None:
    sep = at(QUARTERLY_RATIO, RATIOS, month(2016, 9), targets={2016: TargetSpec("minimum", 70)})
    assert sep.ytd_pct == pytest.approx(75.0)
    assert sep.rag == "G"


def test_a_due_quarter_of_a_ratio_marked_not_collected_is_missing() -> None:
    values = {**RATIOS, month(2016, 12): NC}
    dec = at(QUARTERLY_RATIO, values, month(2016, 12))
    assert (dec.ytd_numerator, dec.ytd_denominator, dec.ytd_pct) == (None, None, None)
    assert [(m.month, m.status) for m in dec.missing] == [(month(2016, 12), "not_collected")]


def test_a_quarterly_breakdown_totals_its_quarters_per_category() -> None:
    spec = SeriesSpec(
        kind="breakdown",
        frequency="quarterly",
        satisfied_categories=frozenset({"yes"}),
        category_order=("yes", "no"),
    )
    values = quarterly(
        {
            month(2016, 6): Obs(categories={"yes": Obs(value=6), "no": Obs(value=2)}),
            month(2016, 9): Obs(categories={"yes": Obs(value=3), "no": Obs(value=1)}),
        },
        month(2016, 4),
        month(2016, 11),
    )
    nov = at(spec, values, month(2016, 11))
    assert nov.ytd == 12 and nov.missing == []
    assert (nov.categories["yes"]["ytd"], nov.categories["no"]["ytd"]) == (9, 3)
    assert nov.ytd_pct_satisfied == pytest.approx(75.0)


def test_a_quarterly_snapshot_lacks_nothing_between_its_quarters() -> None:
    spec = SeriesSpec(kind="snapshot", frequency="quarterly", polarity="neutral")
    values = quarterly({month(2016, 6): Obs(value=40)}, month(2016, 4), month(2016, 9))
    values[month(2016, 9)] = Obs(status="not_available", reason="late")
    aug, sep = compute_series(spec, values, months=[month(2016, 8), month(2016, 9)])
    assert aug.missing == []  # no figure due in August
    assert [(m.month, m.status) for m in sep.missing] == [(month(2016, 9), "not_available")]


def test_a_monthly_indicator_marked_not_collected_is_missing() -> None:
    spec = SeriesSpec(kind="count")
    values = {month(2016, 4): Obs(value=5), month(2016, 5): NC}
    may = at(spec, values, month(2016, 5))
    assert may.ytd is None
    assert [m.status for m in may.missing] == ["not_collected"]


# --- suppressed categories ------------------------------------------------------------------

SURVEY = SeriesSpec(
    kind="breakdown",
    polarity="up",
    total_category="all",
    satisfied_categories=frozenset({"very", "fairly"}),
    category_order=("very", "fairly", "not"),
)


def survey_month(i: int, *, suppress_very: bool = False) -> Obs:
    """Month i: 100 answers, (30 + i) very and 20 fairly satisfied: (50 + i)% satisfied."""
    very = Obs(status="suppressed") if suppress_very else Obs(value=30 + i)
    return Obs(
        categories={
            "all": Obs(value=100),
            "very": very,
            "fairly": Obs(value=20),
            "not": Obs(value=50 - i),
        }
    )


def test_a_suppressed_satisfied_category_makes_the_months_share_unknown_not_zero() -> None:
    first = month(2015, 4)
    values = {add_months(first, i): survey_month(i, suppress_very=i in {2, 14}) for i in range(16)}
    rows = compute_series(SURVEY, values, months=sorted(values))
    # The baseline is the first 12 months with a share: 50, 51, 53, 54, ... 62 (month 2 has none).
    shares = [50 + i for i in range(13) if i != 2]
    assert rows[13].spc_mean == pytest.approx(sum(shares) / 12)  # 56.33, not 53.83 with a 0
    moving = [abs(b - a) for a, b in zip(shares, shares[1:], strict=False)]
    assert rows[13].spc_upper == pytest.approx(sum(shares) / 12 + 2.66 * sum(moving) / 11)
    for suppressed in (rows[2], rows[14]):
        assert suppressed.pct_satisfied is None and suppressed.spc_value is None
        assert suppressed.variation is None and suppressed.spc_signal is None
    assert rows[14].month_value == 100  # the total row is known, the share is not
    assert rows[15].spc_value == pytest.approx(65.0)


def test_a_suppressed_category_leaves_a_breakdown_without_a_total_row_unknown() -> None:
    spec = SeriesSpec(kind="breakdown", category_order=("a", "b"))
    values = {
        month(2016, 4): Obs(categories={"a": Obs(value=12), "b": Obs(value=30)}),
        month(2016, 5): Obs(categories={"a": Obs(status="suppressed"), "b": Obs(value=31)}),
    }
    may = at(spec, values, month(2016, 5))
    assert may.month_value is None and may.ytd is None and may.spc_value is None
    assert [m.status for m in may.missing] == ["suppressed"]
