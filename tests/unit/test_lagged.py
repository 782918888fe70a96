"""The latest available period of lagged figures (issue 13, item 1), with figures from the seed
(shared/seed/board-pack-2016-12.txt) and arithmetic shown."""

from __future__ import annotations

import datetime as dt

import pytest

from indicators.engine import rag
from indicators.engine.lagged import (
    age_in_months,
    age_text,
    latest_available,
    parse_period,
    period_of,
    quarter_label,
)
from indicators.engine.measures import Obs, SeriesSpec, compute_series

DEC = dt.date(2016, 12, 1)
REDUCE = {2016: rag.TargetSpec(kind="reduce", text="Decrease on last years figures")}


def d(y: int, m: int, day: int = 1) -> dt.date:
    return dt.date(y, m, day)


@pytest.mark.parametrize(
    ("text", "start", "end", "label"),
    [
        # FTE page: "(Jul 15 to Jun 16) (131)"; the demo stores "July 2015 to June 2016".
        ("July 2015 to June 2016", d(2015, 7), d(2016, 6, 30), "12 months to June 2016"),
        # Custody page: "between October 2015 to September 2016".
        (
            "October 2015 to September 2016",
            d(2015, 10),
            d(2016, 9, 30),
            "12 months to September 2016",
        ),
        # Re-offending page: "The latest cohort (January 2014 to December 2014)".
        (
            "Cohort January 2014 to December 2014",
            d(2014, 1),
            d(2014, 12, 31),
            "January–December 2014 cohort",
        ),
        # PHOF 2.15: "October 2016 (Completion period: 01/05/2015 to 30/04/2016
        # Re-presentations up to 31/10/2016)".
        (
            "Completion period 01/05/2015 to 30/04/2016, re-presentations up to 31/10/2016",
            d(2015, 5),
            d(2016, 10, 31),
            "Completions May 2015 – April 2016, re-presentations to October 2016",
        ),
        ("April 2016 to June 2016", d(2016, 4), d(2016, 6, 30), "April–June 2016"),
    ],
)
def test_a_reference_period_names_its_period(
    text: str, start: dt.date, end: dt.date, label: str
) -> None:
    period = parse_period(text)
    assert period is not None
    assert (period.start, period.end, period.label) == (start, end, label)


def test_text_naming_no_period_gives_none_and_the_kind_decides() -> None:
    assert parse_period("") is None
    assert parse_period("as published") is None
    rolling = SeriesSpec(kind="rolling", frequency="quarterly")
    assert period_of(rolling, d(2016, 6)).label == "12 months to June 2016"
    quarterly = SeriesSpec(kind="snapshot", frequency="quarterly")
    assert period_of(quarterly, d(2016, 9)).label == "Q2 2016/17"  # July–September 2016
    assert period_of(SeriesSpec(kind="count"), DEC).label == "December 2016"


def test_quarters_of_the_financial_year() -> None:
    assert [quarter_label(d(2016, m)) for m in (4, 6, 7, 9, 12)] == [
        "Q1 2016/17",
        "Q1 2016/17",
        "Q2 2016/17",
        "Q2 2016/17",
        "Q3 2016/17",
    ]
    assert quarter_label(d(2017, 3)) == "Q4 2016/17"


def test_age_counts_the_months_from_the_period_end_to_the_pack_month() -> None:
    # June 2016 to December 2016: 6 months; December 2014 to December 2016: 24.
    assert age_in_months(d(2016, 6, 30), DEC) == 6
    assert age_in_months(d(2014, 12, 31), DEC) == 24
    assert (age_text(0), age_text(1), age_text(6)) == ("Up to date", "1 month old", "6 months old")


FTE = SeriesSpec(kind="rolling", frequency="quarterly", change_basis="r12", per_n=100_000)
FTE_VALUES = {
    d(2015, 6): Obs(value=109, period="July 2014 to June 2015"),
    d(2016, 6): Obs(value=131, period="July 2015 to June 2016"),
}


def test_latest_available_is_never_later_than_the_month() -> None:
    assert latest_available(FTE, FTE_VALUES, DEC) == d(2016, 6)
    assert latest_available(FTE, FTE_VALUES, d(2016, 5)) == d(2015, 6)
    assert latest_available(FTE, FTE_VALUES, d(2015, 5)) == d(2015, 5)  # nothing yet
    # A month count is never lagged: December is December.
    assert latest_available(SeriesSpec(kind="count"), {d(2016, 11): Obs(value=3)}, DEC) == DEC


def test_first_time_entrants_december_2016_shows_june_and_is_red() -> None:
    # Seed: "(Jul 15 to Jun 16) (131) (Jul 14 to Jun 2015) (109) up 22 individuals", RAG R;
    # target "Decrease on last years figures" (stretch −5%). (131 − 109) / 109 = +20.18%: Red.
    # Rate: the seed prints 595 per 100,000, 131 / 595 × 100,000 ≈ 22,017 young people.
    [m] = compute_series(
        FTE, FTE_VALUES, months=[DEC], denominators=[(d(2016, 6), 22_017)], targets=REDUCE
    )
    assert (m.status, m.month_value, m.previous_value) == ("reported", 131, 109)
    assert m.figure_month == d(2016, 6)
    assert (m.period_start, m.period_end) == (d(2015, 7), d(2016, 6, 30))
    assert m.period_label == "12 months to June 2016"
    assert round(m.value_change_pct or 0, 2) == 20.18
    assert m.rag == "R"
    assert "12 months to June 2016" in m.rag_reason
    assert round(m.rate or 0) == 595


def test_youth_custody_without_a_year_earlier_figure_is_not_rated_and_says_why() -> None:
    # Seed: 1.14 per 1,000 between October 2015 and September 2016; no earlier B&D figure
    # (London's 0.66 is a comparator, not last year).
    spec = SeriesSpec(kind="rolling", frequency="quarterly", change_basis="r12", decimals=1)
    values = {d(2016, 9): Obs(value=1.14, period="October 2015 to September 2016")}
    [m] = compute_series(spec, values, months=[DEC], targets=REDUCE)
    assert (m.month_value, m.period_label) == (1.14, "12 months to September 2016")
    assert m.rag is None
    assert "a year before" in m.rag_reason


def test_a_later_release_replaces_the_earlier_one() -> None:
    values = {**FTE_VALUES, d(2016, 9): Obs(value=120, period="October 2015 to September 2016")}
    [m] = compute_series(FTE, values, months=[DEC], targets=REDUCE)
    assert (m.month_value, m.figure_month) == (120, d(2016, 9))


PHOF = SeriesSpec(
    kind="rolling",
    polarity="up",
    change_basis="r12",
    decimals=1,
    category_order=("opiate", "non-opiate"),
    category_labels=(("opiate", "Opiate Clients"), ("non-opiate", "Non-opiates")),
)
PHOF_VALUES = {
    # Baseline release (re-presentations up to 31/03/2016): 44 / 464 and 152 / 366.
    d(2016, 3): Obs(
        categories={
            "opiate": Obs(numerator=44, denominator=464),
            "non-opiate": Obs(numerator=152, denominator=366),
        },
        period="Completion period: 01/10/2014 to 30/09/2015 Re-presentations up to 31/03/2016",
    ),
    # October 2016 release: 31 / 461 and 120 / 377.
    d(2016, 10): Obs(
        categories={
            "opiate": Obs(numerator=31, denominator=461),
            "non-opiate": Obs(numerator=120, denominator=377),
        },
        period="Completion period 01/05/2015 to 30/04/2016, re-presentations up to 31/10/2016",
    ),
}
PHOF_RANGES = {
    2016: {
        "opiate": rag.TargetSpec(kind="range", lower=7.94, upper=16.67),
        "non-opiate": rag.TargetSpec(kind="range", lower=44.77, upper=56.08),
    }
}


def test_phof_2_15_december_2016_rated_per_category_and_overall() -> None:
    [m] = compute_series(PHOF, PHOF_VALUES, months=[DEC], category_targets=PHOF_RANGES)
    assert m.figure_month == d(2016, 10)
    assert m.missing == []
    cats = m.categories or {}
    # 31 / 461 = 6.72% (seed 6.7%); 120 / 377 = 31.83% (seed 31.8%).
    assert round(float(cats["opiate"]["pct"] or 0), 1) == 6.7
    assert round(float(cats["non-opiate"]["pct"] or 0), 1) == 31.8
    # Baselines 44 / 464 = 9.48% (seed 9.5%), 152 / 366 = 41.53% (seed 41.5%); both fell (↓).
    assert round(float(cats["opiate"]["baseline_pct"] or 0), 1) == 9.5
    assert round(float(cats["non-opiate"]["baseline_pct"] or 0), 1) == 41.5
    assert float(cats["opiate"]["change_points"] or 0) < 0
    # Range rule, 10% tolerance: opiate amber from 7.94 × 0.9 = 7.146, and 6.72 is below: Red;
    # non-opiate amber from 44.77 × 0.9 = 40.29, and 31.83 is below: Red. Overall the worst.
    assert (cats["opiate"]["rag"], cats["non-opiate"]["rag"]) == ("R", "R")
    assert m.rag == "R"
    assert "Opiate Clients 6.7%" in m.rag_reason and "Non-opiates 31.8%" in m.rag_reason


def test_phof_2_15_inside_one_range_is_rated_by_the_worse() -> None:
    values = {
        d(2016, 10): Obs(
            categories={
                "opiate": Obs(numerator=46, denominator=461),  # 9.98%: inside 7.94–16.67
                "non-opiate": Obs(numerator=160, denominator=377),  # 42.44%: ≥ 40.29, Amber
            }
        )
    }
    [m] = compute_series(PHOF, values, months=[DEC], category_targets=PHOF_RANGES)
    cats = m.categories or {}
    assert (cats["opiate"]["rag"], cats["non-opiate"]["rag"], m.rag) == ("G", "A", "A")


@pytest.mark.parametrize(
    ("value", "expected"),
    # MARAC: "a repeat referral rate between 28% - 40%"; the page calls "within 10% of the
    # target" Amber: 28 × 0.9 = 25.2 and 40 × 1.1 = 44.
    [(30.0, "G"), (28.0, "G"), (25.2, "A"), (25.0, "R"), (44.0, "A"), (44.1, "R")],
)
def test_range_targets_use_the_tolerance_the_marac_page_states(value: float, expected: str) -> None:
    target = rag.TargetSpec(kind="range", lower=28, upper=40)
    assert rag.rate_range(value, target, what="YTD rate", decimals=0).rag == expected


def test_the_draft_overview_names_the_latest_period_not_the_pack_month() -> None:
    from indicators.engine.commentary import Facts, draft_overview

    [m] = compute_series(FTE, FTE_VALUES, months=[DEC], targets=REDUCE)
    text = draft_overview(
        Facts(area="Barking and Dagenham", unit="people", kind="rolling", decimals=0, metrics=m)
    )
    # 131 against 109: (131 − 109) / 109 = +20.2%, "a 20% increase".
    assert text == (
        "The latest available figure for Barking and Dagenham, for the 12 months to June 2016, "
        "is 131, a 20% increase on the same period a year earlier (109)."
    )
    assert "December 2016" not in text
