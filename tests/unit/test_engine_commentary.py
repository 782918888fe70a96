"""Commentary drafts in the seed's register, and the check that catches contradicting text."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

from indicators.engine.commentary import (
    Facts,
    check_commentary,
    draft_overview,
    r12_sentence,
    ytd_sentence,
)
from indicators.engine.measures import Missing, MonthMetrics

DEC = dt.date(2016, 12, 1)
PAGES = Path(__file__).resolve().parents[2] / "submissions" / "demo" / "data" / "indicators"


def facts(**metrics: object) -> Facts:
    return Facts(
        area="Barking and Dagenham",
        unit="offences",
        kind="count",
        decimals=0,
        metrics=MonthMetrics(month=DEC, **metrics),
        per_n=1000,
    )


def test_ytd_sentence_as_the_issue_quotes_it() -> None:
    f = facts(ytd=13207, ytd_previous=13075, ytd_change_abs=132, ytd_change_pct=132 / 13075 * 100)
    assert ytd_sentence(f) == (
        "Year to date (YTD) Barking and Dagenham shows a 1% increase (up 132 offences) at "
        "December 2016 (13,207 offences) when compared to December 2015 (13,075)."
    )


def test_ytd_sentence_for_a_decrease_no_change_and_an_incomplete_year() -> None:
    down = facts(ytd=900, ytd_previous=1142, ytd_change_abs=-242, ytd_change_pct=-21.19)
    assert "shows a 21% decrease (down 242 offences)" in ytd_sentence(down)
    same = facts(ytd=50, ytd_previous=50, ytd_change_abs=0, ytd_change_pct=0.0)
    assert "shows no change at December 2016 (50 offences)" in ytd_sentence(same)
    missing = facts(missing=[Missing(dt.date(2016, 7, 1), "not_available", "impossible figure")])
    assert ytd_sentence(missing) == (
        "The year to date (YTD) figure for Barking and Dagenham at December 2016 is incomplete: "
        "July 2016 not available (impossible figure)."
    )


def test_r12_sentence_names_both_periods() -> None:
    f = facts(r12=251, r12_previous=229, r12_change_abs=22, r12_change_pct=22 / 229 * 100)
    assert r12_sentence(f) == (
        "Using the latest rolling 12-month period (January 2016 to December 2016) 251 Barking "
        "and Dagenham shows a 10% increase (up 22 offences) compared to the previous rolling "
        "12-month period (January 2015 to December 2015) 229."
    )


def test_a_draft_never_contradicts_the_figures_it_was_written_from() -> None:
    f = facts(
        ytd=13207,
        ytd_previous=13048,
        ytd_change_abs=159,
        ytd_change_pct=1.2186,
        r12=17587,
        r12_previous=17167,
        r12_change_abs=420,
        r12_change_pct=2.4466,
        rate=87.07,
    )
    assert check_commentary(draft_overview(f), f) == []


def _overview(code_file: str) -> str:
    return yaml.safe_load((PAGES / code_file).read_text())["commentary"]["performance_overview"]


def test_the_check_finds_the_seeds_tno_rolling_12_figure() -> None:
    # Seed: the text says 17,651 where the table says 17,587.
    f = facts(ytd=13207, ytd_previous=13048, ytd_change_abs=159, ytd_change_pct=1.2186, r12=17587)
    messages = [x.message for x in check_commentary(_overview("01-tno.yaml"), f)]
    assert "says 17,651 where rolling 12 months is 17,587" in messages


def test_the_check_finds_a_decrease_that_is_an_increase() -> None:
    # Seed, violence with injury: "0.1% decrease down 3 offences" for 2,119 against 2,097.
    f = facts(
        ytd=1624,
        ytd_previous=1639,
        ytd_change_abs=-15,
        ytd_change_pct=-0.92,
        r12=2119,
        r12_previous=2097,
        r12_change_abs=22,
        r12_change_pct=1.05,
    )
    messages = [x.message for x in check_commentary(_overview("02-violence-with-injury.yaml"), f)]
    assert "says a decrease, but the rolling 12 months rose" in messages
    assert "says down 3 where the rolling 12 months changed by 22" in messages


def test_the_check_finds_last_months_text() -> None:
    # Seed, criminal damage: December's text is November's.
    f = facts(ytd=1319, ytd_previous=1305, ytd_change_abs=14, ytd_change_pct=1.07, r12=1805)
    messages = [x.message for x in check_commentary(_overview("07-criminal-damage.yaml"), f)]
    assert "refers to November 2016; the figures are for December 2016" in messages
    assert "says 1,192 where year to date is 1,319" in messages


def test_other_areas_averages_are_not_taken_for_ours() -> None:
    f = facts(ytd=13207, ytd_previous=13048, ytd_change_abs=159, ytd_change_pct=1.2186)
    assert check_commentary("In comparison the MET average YTD is +3%.", f) == []
