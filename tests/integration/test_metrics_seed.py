"""The derived store after load_demo + recompute reproduces the December 2016 pack.

Expected figures come from the seed: the printed table rows transcribed in the demo data files
(``printed_rows``) and the figures the issue quotes from the seed's pages.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from indicators.models import DerivedMetric
from indicators.selectors import metrics_for_month

pytestmark = pytest.mark.django_db

BD = "E09000002"
DEC = dt.date(2016, 12, 1)
DATA = Path(__file__).resolve().parents[2] / "submissions" / "demo" / "data" / "indicators"
PAGES = [yaml.safe_load(p.read_text()) for p in sorted(DATA.glob("*.yaml"))]
FY_MONTHS = [dt.date(2016 + (3 + i) // 12, (3 + i) % 12 + 1, 1) for i in range(9)]

# Where the seed is wrong (DESIGN.md, "What the seed gets wrong") or its live system revised
# figures between months, the printed figure is flagged, not matched. Each entry says why.
SEED_ERRORS = {
    ("arson", "ytd"): {
        m: "printed YTD from July is one more than the sum of the months" for m in FY_MONTHS[3:]
    },
    ("theft-of-motor-vehicle", "ytd_change_pct"): {
        m: "printed % change for Oct-Dec is 2-3 points above what its own figures give"
        for m in FY_MONTHS[6:]
    },
    ("theft-from-person", "ytd_change_pct"): {
        FY_MONTHS[6]: "printed +34% for October; its figures (195 against 147) give +32.7%: "
        "last year's October was revised after printing"
    },
}


def _cell(text: str) -> float | None:
    text = text.strip().replace(",", "").replace("%", "").replace("+", "")
    if text == "No change":
        return 0.0
    try:
        return float(text)
    except ValueError:
        return None


def _decimals(text: str) -> int:
    text = text.strip().rstrip("%")
    return len(text.split(".")[1]) if "." in text else 0


def _field(label: str) -> str | None:
    label = label.lower()
    if label.startswith("rolling 12"):
        return "r12"
    if label in {"year to date", "ytd", "accumulative ytd"}:
        return "ytd"
    if "% change" in label:
        return "r12_change_pct" if "r12" in label else "ytd_change_pct"
    if label.startswith(("per 1,000", "rate")):
        return "rate"
    return None


CASES = [
    (page["code"], field, label)
    for page in PAGES
    if page["kind"] in {"count", "ceiling"}
    for label in page.get("printed_rows", {})
    if (field := _field(label))
]


@pytest.mark.parametrize(("code", "field", "label"), CASES)
def test_printed_row_is_reproduced(code: str, field: str, label: str) -> None:
    page = next(p for p in PAGES if p["code"] == code)
    rows = {r.month: r for r in DerivedMetric.objects.filter(indicator__code=code, area__code=BD)}
    checked = 0
    for month, cell in zip(FY_MONTHS, page["printed_rows"][label][:9], strict=True):
        expected = _cell(cell)
        if expected is None:
            continue
        got = getattr(rows[month], field)
        if field == "r12_change_pct" and got is None:
            continue  # last year's R12 is known only at December (page narrative)
        if field in {"ytd", "r12"}:
            tolerance = 0.0  # sums must match exactly
        elif field == "rate":
            tolerance = 0.5 * 10 ** -_decimals(cell) + 1e-9  # to the printed precision
        else:
            tolerance = 1.0  # a change % may differ from the printed one by a point
        known = SEED_ERRORS.get((code, field), {}).get(month)
        if known:
            assert got is None or abs(got - expected) > tolerance, (
                f"{code} {field} {month}: listed as a seed error but matches"
            )
            continue
        assert got is not None, f"{code} {field} {month:%b %Y}: nothing computed"
        assert abs(got - expected) <= tolerance, f"{code} {field} {month:%b %Y}: {got} vs {cell}"
        checked += 1
    assert checked > 0


@pytest.fixture
def december() -> dict[str, dict]:
    from csp.models import Area

    return metrics_for_month(area_id=Area.objects.get(code=BD).id, month=DEC)


def test_tno_december_2016(december: dict[str, dict]) -> None:
    tno = december["tno"]
    assert tno["ytd"] == 13207
    assert tno["r12"] == 17587
    assert round(tno["rate"], 2) == 87.07
    assert tno["rag"] == "R"
    assert round(tno["ytd_change_pct"]) == 1  # seed: +1%


def test_violence_with_injury_december_2016(december: dict[str, dict]) -> None:
    vwi = december["violence-with-injury"]
    assert vwi["r12"] == 2119
    assert round(vwi["rate"], 2) == 10.49
    assert vwi["rag"] == "A"


def test_burglary_and_residential_burglary_rates(december: dict[str, dict]) -> None:
    assert round(december["burglary"]["rate"], 2) == 6.39
    assert december["burglary"]["rag"] == "G"
    assert round(december["residential-burglary"]["rate"], 2) == 12.03  # per 1,000 households


def test_fire_ceilings(december: dict[str, dict]) -> None:
    fires = december["outdoor-rubbish-fires"]
    assert (fires["ytd"], fires["target_to_date"], fires["rag"]) == (144, 193, "G")
    arson = december["arson"]
    # The sum of the months is 164 (the seed prints 165: its own error).
    assert (arson["ytd"], arson["target_to_date"], arson["rag"]) == (164, 127, "R")


@pytest.mark.parametrize(("month", "pct"), [(4, 75.0), (5, 42.9), (6, 44.4)])
def test_atr_april_to_june_ytd_percentages_match_the_seed(month: int, pct: float) -> None:
    row = DerivedMetric.objects.get(
        indicator__code="atr-completions", area__code=BD, month=dt.date(2016, month, 1)
    )
    assert round(row.ytd_pct, 1) == pct


def test_atr_december_names_july_as_missing_and_is_not_rated_green(
    december: dict[str, dict],
) -> None:
    atr = december["atr-completions"]
    assert [m["month"] for m in atr["missing_months"]] == ["2016-07"]
    assert atr["ytd_pct"] is None
    assert atr["rag"] != "G"
    assert "July 2016" in atr["rag_reason"]


def test_drr_december_names_april_as_missing(december: dict[str, dict]) -> None:
    drr = december["drr-completions"]
    assert [m["month"] for m in drr["missing_months"]] == ["2016-04"]
    assert drr["rag"] != "G"


def test_serious_youth_violence_r12_change(december: dict[str, dict]) -> None:
    syv = december["serious-youth-violence"]
    assert (syv["r12"], syv["r12_previous"]) == (251, 229)
    assert round(syv["r12_change_pct"], 1) == 9.6
    assert syv["rag"] == "R"


def test_gun_and_knife_crime_rated_on_r12(december: dict[str, dict]) -> None:
    # Seed: gun 58 against 47 (+23%) R; knife 320 against 348 (-8%) G.
    assert (december["gun-crime"]["r12"], december["gun-crime"]["r12_previous"]) == (58, 47)
    assert december["gun-crime"]["rag"] == "R"
    assert (december["knife-crime"]["r12"], december["knife-crime"]["r12_previous"]) == (320, 348)
    assert december["knife-crime"]["rag"] == "G"


def test_idap_is_not_green_without_data(december: dict[str, dict]) -> None:
    for code in ("idap-on-programme", "idap-completions"):
        assert december[code]["rag"] != "G"


def test_supplied_ranks_are_shown_and_marked_supplied(december: dict[str, dict]) -> None:
    ranks = {r["group"]: r for r in december["burglary"]["ranks"]}
    # Seed: "3of15/ 5of32"; MSG average 8.87, MET average 7.88.
    assert (ranks["MET"]["position"], ranks["MET"]["size"], ranks["MET"]["source"]) == (
        5,
        32,
        "supplied",
    )
    assert (ranks["MSG"]["position"], ranks["MSG"]["average"]) == (3, 8.87)


def test_ratings_of_the_crime_pages_match_the_seed(december: dict[str, dict]) -> None:
    printed = {p["code"]: p["rag_printed"] for p in PAGES}
    for code in (
        "tno",
        "violence-with-injury",
        "robbery",
        "burglary",
        "criminal-damage",
        "outdoor-rubbish-fires",
        "arson",
        "serious-youth-violence",
    ):
        assert december[code]["rag"] == printed[code], code


# Issue 13, item 1: the latest available period of the lagged pages (seed pages 19-22 and 26).
def test_every_indicator_names_the_period_of_its_figures(december: dict[str, dict]) -> None:
    assert len(december) == 34
    for code, data in december.items():
        assert data["period_label"], code
        assert data["period_start"] <= data["period_end"], code
    assert december["tno"]["period_label"] == "December 2016"
    # Re-offending (all cohorts): the seed prints no figure, so there is none and no age.
    reoffending = december["reoffending-all"]
    assert reoffending["month_value"] is None and reoffending["period_age_months"] is None


def test_first_time_entrants_show_june_2016_and_are_red(december: dict[str, dict]) -> None:
    # Seed page 19: "(Jul 15 to Jun 16) (131) (Jul 14 to Jun 2015) (109) up 22 individuals",
    # 595 per 100,000, RAG R; target "Decrease on last years figures" (polarity down).
    # (131 - 109) / 109 = +20.2%: a rise, Red.
    fte = december["first-time-entrants"]
    assert (fte["month_value"], fte["previous_value"]) == (131, 109)
    assert round(fte["value_change_pct"], 1) == 20.2
    assert round(fte["rate"]) == 595
    assert fte["rag"] == "R"
    assert fte["period_label"] == "12 months to June 2016"
    assert (fte["period_start"], fte["period_end"]) == ("2015-07-01", "2016-06-30")
    assert (fte["figure_month"], fte["period_age_months"]) == ("2016-06", 6)


def test_youth_custody_and_young_reoffending_show_their_latest_periods(
    december: dict[str, dict],
) -> None:
    # Seed page 20: "(1.14) between October 2015 to September 2016"; page 21: "The
    # reoffending rate for the December 2014 cohort was 43.0%" (cohort January-December 2014).
    custody = december["youth-custody"]
    assert custody["month_value"] == 1.14
    assert custody["period_label"] == "12 months to September 2016"
    young = december["reoffending-young"]
    assert young["month_value"] == 43.0
    assert young["period_label"] == "January–December 2014 cohort"
    assert young["period_end"] == "2014-12-31"
    # Neither page prints a figure for the year before: not rated, saying why.
    for data in (custody, young):
        assert data["rag"] is None and "a year before" in data["rag_reason"]


def test_phof_2_15_is_rated_per_category_and_overall(december: dict[str, dict]) -> None:
    # Seed page 26: October 2016 opiate 6.7% (31 / 461), non-opiate 31.8% (120 / 377);
    # baseline 9.5% (44 / 464) and 41.5% (152 / 366); top-quartile ranges 7.94-16.67% and
    # 44.77-56.08%. Both are more than 10% below the range (7.146, 40.29): Red by the rule
    # (the seed's coordinator printed A, a judgement: item 3).
    phof = december["phof-2-15"]
    cats = phof["categories"]
    assert (cats["opiate"]["numerator"], cats["opiate"]["denominator"]) == (31, 461)
    assert round(cats["opiate"]["pct"], 1) == 6.7
    assert round(cats["non-opiate"]["pct"], 1) == 31.8
    assert round(cats["opiate"]["baseline_pct"], 1) == 9.5
    assert round(cats["non-opiate"]["baseline_pct"], 1) == 41.5
    assert (cats["opiate"]["lower"], cats["opiate"]["upper"]) == (7.94, 16.67)
    assert (cats["opiate"]["rag"], cats["non-opiate"]["rag"], phof["rag"]) == ("R", "R", "R")
    assert phof["figure_month"] == "2016-10" and phof["missing_months"] == []
