"""A quarterly or annual indicator's due months (issue 12: part of its adoption).

A round opens no submission for an indicator in a month its figure is not due, so those months
have no row at all: every measure skips such a month as it skips one marked "not collected"
(docs/adr/0008), and a due month with no row is still missing. An adoption may name its own
due months (a partnership whose quarters end in July, October, January and April). Expected
figures are worked by hand in the comments.
"""

from __future__ import annotations

import datetime as dt

from indicators.engine.lagged import period_of
from indicators.engine.measures import MonthMetrics, Obs, SeriesSpec, compute_series
from indicators.engine.rag import TargetSpec
from indicators.engine.sums import due_months_of
from indicators.engine.vector import vectorisable

QUARTERLY = SeriesSpec(kind="count", frequency="quarterly")
OWN_QUARTERS = SeriesSpec(kind="count", frequency="quarterly", due_months=(7, 10, 1, 4))
REDUCE = {2016: TargetSpec(kind="reduce")}


def month(year: int, number: int) -> dt.date:
    return dt.date(year, number, 1)


def at(spec: SeriesSpec, values: dict[dt.date, Obs], m: dt.date) -> MonthMetrics:
    return compute_series(spec, values, months=[m], targets=REDUCE)[0]


# Only the due months have rows (no "not collected" months between).
STANDARD = {
    month(2015, 6): Obs(value=30),
    month(2015, 9): Obs(value=12),
    month(2016, 6): Obs(value=25),
    month(2016, 9): Obs(value=15),
}
OWN = {
    month(2015, 4): Obs(value=8),
    month(2015, 7): Obs(value=30),
    month(2015, 10): Obs(value=12),
    month(2016, 4): Obs(value=5),
    month(2016, 7): Obs(value=25),
    month(2016, 10): Obs(value=15),
}


def test_due_months_default_to_the_quarter_ends_and_an_adoption_may_name_its_own() -> None:
    assert due_months_of(QUARTERLY) == {3, 6, 9, 12}
    assert due_months_of(OWN_QUARTERS) == {1, 4, 7, 10}
    assert due_months_of(SeriesSpec(kind="count")) is None  # monthly: every month
    assert due_months_of(SeriesSpec(kind="count", frequency="annual")) is None  # none named
    assert due_months_of(SeriesSpec(kind="count", frequency="annual", due_months=(3,))) == {3}


def test_months_with_no_row_and_no_figure_due_are_skipped() -> None:
    sep = at(QUARTERLY, STANDARD, month(2016, 9))
    assert sep.ytd == 25 + 15  # Apr-Sep 2016: June and September; April, May, July, August skipped
    assert sep.ytd_previous == 30 + 12
    assert sep.missing == []
    assert sep.rag == "A"  # 40 against 42: -4.8%, short of the default -5% stretch
    aug = at(QUARTERLY, STANDARD, month(2016, 8))
    assert aug.ytd == 25 and aug.missing == []
    assert (aug.rag, aug.rag_reason) == (None, "No figure due in August 2016: not rated")


def test_a_due_month_with_no_row_is_missing() -> None:
    values = {k: v for k, v in STANDARD.items() if k != month(2016, 6)}
    sep = at(QUARTERLY, values, month(2016, 9))
    assert sep.ytd is None
    assert [m["month"] for m in sep.missing_months] == ["2016-06"]


def test_an_adoptions_own_due_months() -> None:
    oct_ = at(OWN_QUARTERS, OWN, month(2016, 10))
    assert oct_.ytd == 5 + 25 + 15  # Apr-Oct 2016: April, July and October
    assert oct_.ytd_previous == 8 + 30 + 12  # Apr-Oct 2015: 50
    assert oct_.missing == [] and oct_.rag == "G"  # 45 against 50: -10%, beyond -5%
    # The standard quarter ends are not due for it: September with no row is skipped...
    assert at(OWN_QUARTERS, OWN, month(2016, 9)).missing == []
    # ...and read with the standard quarters, the same rows lack June and September.
    assert at(QUARTERLY, OWN, month(2016, 10)).ytd is None


def test_an_annual_indicator_due_in_march() -> None:
    spec = SeriesSpec(kind="count", frequency="annual", due_months=(3,))
    values = {month(2016, 3): Obs(value=40), month(2017, 3): Obs(value=36)}
    mar = at(spec, values, month(2017, 3))
    assert (mar.ytd, mar.ytd_previous) == (36, 40)  # Apr 2016 - Mar 2017: March only
    assert mar.missing == []
    # With no due month named, the months between with no row are missing, as before.
    unnamed = SeriesSpec(kind="count", frequency="annual")
    assert at(unnamed, values, month(2017, 3)).ytd is None


def test_series_with_due_months_stay_on_the_reference_engine() -> None:
    assert not vectorisable(QUARTERLY, STANDARD)
    assert not vectorisable(OWN_QUARTERS, OWN)
    assert vectorisable(SeriesSpec(kind="count"), STANDARD)


def test_a_quarter_of_its_own_is_named_by_its_months() -> None:
    snapshot = SeriesSpec(kind="snapshot", frequency="quarterly", due_months=(7, 10, 1, 4))
    assert period_of(snapshot, month(2016, 7)).label == "3 months to July 2016"
    standard = SeriesSpec(kind="snapshot", frequency="quarterly")
    assert period_of(standard, month(2016, 9)).label == "Q2 2016/17"
