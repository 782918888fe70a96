"""Commentary drafts in the seed's register, and the check that catches contradicting text."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

from indicators.engine.commentary import (
    Facts,
    check_commentary,
    check_texts,
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


# --- the check over the overview and the actions (issue 13, item 6) ---------------------------

# December 2016's TNO figures (seed page 1): YTD 13,207 against 13,048 (+159, +1.2%); rolling 12
# months 17,587 against 17,167 (+420, +2.4%).
TNO_DEC = {
    "ytd": 13207,
    "ytd_previous": 13048,
    "ytd_change_abs": 159,
    "ytd_change_pct": 159 / 13048 * 100,
    "r12": 17587,
    "r12_previous": 17167,
    "r12_change_abs": 420,
    "r12_change_pct": 420 / 17167 * 100,
}


def _actions(code_file: str) -> str:
    return yaml.safe_load((PAGES / code_file).read_text())["commentary"]["actions"]


def test_the_seeds_tno_actions_at_october_2016_are_flagged_in_december_2016() -> None:
    # Seed page 1, actions: "Total Notifiable Offences is up 7% (+ 1,221 offences) at October
    # 2016. The majority of the increase at October 2016 has come from Theft & Handling …"
    found = check_texts(facts(**TNO_DEC), overview="", actions=_actions("01-tno.yaml"))
    assert [(f.where, f.message) for f in found] == [
        ("actions", "refers to October 2016; the figures are for December 2016"),
        ("actions", "refers to October 2016; the figures are for December 2016"),
    ]
    assert found[0].quote.startswith("Total Notifiable Offences is up 7%")


def test_the_pack_month_and_the_same_month_a_year_earlier_are_not_flagged() -> None:
    text = "YTD at December 2016 offences rose when compared to December 2015."
    assert check_commentary(text, facts(**TNO_DEC)) == []


def test_a_figure_quoted_in_the_actions_that_differs_from_the_table_is_flagged() -> None:
    # The table's YTD is 13,207; 13,270 is within 10% of it, so it is read as a misquote.
    found = check_texts(
        facts(**TNO_DEC), overview="", actions="Year to date there were 13,270 offences."
    )
    assert [(f.where, f.message) for f in found] == [
        ("actions", "says 13,270 where year to date is 13,207")
    ]


def test_down_fall_and_decrease_against_a_rise_are_flagged() -> None:
    f = facts(**TNO_DEC)  # both changes are rises: +159 YTD, +420 rolling 12 months
    for text in (
        "Year to date offences are down on last year.",
        "Offences fell in the year to date.",
        "The rolling 12 months shows a decrease.",
    ):
        assert [x.message for x in check_commentary(text, f)] in (
            ["says a decrease, but the year to date rose"],
            ["says a decrease, but the rolling 12 months rose"],
        ), text


def test_up_rise_and_increase_against_a_fall_are_flagged() -> None:
    # Seed page 5 (burglary): YTD 1,142 in 2015 against 900 in 2016, a fall of 242.
    f = facts(ytd=900, ytd_previous=1142, ytd_change_abs=-242, ytd_change_pct=-21.19)
    for text in ("YTD burglaries rose.", "Year to date burglary is up.", "A YTD increase."):
        assert [x.message for x in check_commentary(text, f)] == [
            "says an increase, but the year to date fell"
        ], text


def test_a_lagged_figures_own_period_is_not_taken_for_a_stale_month() -> None:
    # Seed page 21: re-offending is a cohort figure; its text names the cohort's months.
    text = "The reoffending rate for the January 2014 to December 2014 cohort was 43.0%."
    rolling = Facts(
        area="Barking and Dagenham",
        unit="%",
        kind="rolling",
        decimals=1,
        metrics=MonthMetrics(month=DEC),
        frequency="annual",
    )
    assert check_commentary(text, rolling) == []
    assert check_commentary("Offences at October 2016 were 1,403.", facts()) != []
