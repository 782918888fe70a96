"""The seed's tables, complete (issue 13, item 5), on the published December 2016 pack.

Expected figures are the seed's (the ``printed_rows`` the demo files transcribe from
board-pack-2016-12.txt) or hand calculation, shown beside each."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import pytest

from submissions.models import PackVersion
from submissions.packs.charts import available_charts, chart_data, svg_line_chart
from submissions.packs.pages import pack_table, summary_rows
from submissions.packs.schema import PackSnapshot, snapshot_read
from submissions.packs.schema_tables import MonthRank
from tests.integration.test_metrics_seed import PAGES

pytestmark = pytest.mark.django_db
DEC = dt.date(2016, 12, 1)


def _pack() -> PackSnapshot:
    version = PackVersion.objects.get(round__month=DEC, number=1)
    return snapshot_read(version.snapshot, version.schema_version)


def _seed(code: str) -> dict:
    return next(p for p in PAGES if p["code"] == code)


def _seed_rank_rows(code: str) -> dict[str, list[str]]:
    """The seed's one "Rank (MET / MSG)" row ("11of15/ 21of32": the rank of 15 is the MSG's,
    of 32 the MET's), as the pack's two rows print it."""
    out: dict[str, list[str]] = {"MET": [], "MSG": []}
    for cell in _seed(code)["printed_rows"]["Rank (MET / MSG)"]:
        found = dict.fromkeys(out, "")
        for position, size in re.findall(r"(\d+)\s*of\s*(\d+)", cell):
            found["MET" if size == "32" else "MSG"] = f"{position} of {size}"
        for group in out:
            out[group].append(found[group])
    return out


@pytest.mark.parametrize(
    "code", [p["code"] for p in PAGES if "Rank (MET / MSG)" in p.get("printed_rows", {})]
)
def test_every_count_page_prints_the_seeds_monthly_rank_rows(code: str) -> None:
    page = _pack().page(code)
    assert page is not None
    rows = {r.label: r.cells for r in pack_table(page, "2016-12").rows}
    seed = _seed_rank_rows(code)
    # The demo's ranks are supplied (no comparator's monthly figures are stored): marked so.
    # April to December as the seed prints them; January to March empty in a December pack
    # (criminal damage and theft of a motor vehicle print a stray rank under Jan-17).
    for group in ("MET", "MSG"):
        cells = rows[f"{group} rank (supplied by the source)"]
        assert cells[:9] == seed[group][:9], (code, group)
        assert cells[9:] == ["", "", ""], (code, group)


def test_tno_rank_rows_are_the_seeds() -> None:
    rows = {r.label: r.cells for r in pack_table(_pack().page("tno"), "2016-12").rows}
    # Seed TNO: "11of15/ 21of32", "12of15/ 21of32" x3, "11of15/ 21of32", "12of15/ 21of32",
    # "10of15/ 21of32" x3 for April to December; January to March empty.
    assert rows["MSG rank (supplied by the source)"] == [
        *("11 of 15", "12 of 15", "12 of 15", "12 of 15", "11 of 15", "12 of 15"),
        *("10 of 15", "10 of 15", "10 of 15", "", "", ""),
    ]
    assert rows["MET rank (supplied by the source)"] == ["21 of 32"] * 9 + [""] * 3


def test_a_computed_rank_is_plain_and_a_supplied_one_marked_in_a_mixed_row() -> None:
    page = _pack().page("tno")
    ranks = (
        MonthRank(month="2016-04", group="MET", position=20, size=32, source="computed"),
        MonthRank(month="2016-05", group="MET", position=21, size=32, source="supplied"),
    )
    mixed = dataclasses.replace(page, tables=dataclasses.replace(page.tables, ranks=ranks))
    rows = {r.label: r.cells for r in pack_table(mixed, "2016-12").rows}
    assert rows["MET rank (computed; * supplied by the source)"][:3] == [
        "20 of 32",
        "21 of 32*",
        "",
    ]


def test_the_history_computes_a_stored_year_and_keeps_the_seeds_text_for_the_others() -> None:
    lines = summary_rows([_pack().page("tno")])[0].history
    assert [h.year for h in lines] == ["2015/16", "2014/15", "2013/14", "2012/13", "2011/12"]
    latest = lines[0]
    # 2015/16 is stored (April 2015 to March 2016, January to March estimated by an even split):
    # 17,428 offences, as the seed's history prints; rate 17,428 / 198,294 x 1,000 = 87.8897.
    assert latest.computed and latest.text == "17,428 offences, 87.89 per 1,000 residents"
    assert "January 2016, February 2016, March 2016 estimated" in latest.note
    assert "recorded as: 17,428 offences (+8%)" in latest.note
    # 2014/15 and before are not stored: the seed's words.
    assert not lines[1].computed
    assert lines[1].text == "16,201 offences (+1%), 83.36 per 1,000 residents (21of32 / 8of15)"


def test_last_years_estimates_are_marked_on_the_charts() -> None:
    page = _pack().page("tno")
    year = chart_data(page, "year", "2016-12")
    last = year["datasets"][1]
    # Last year's January to March (1,460 each: (17,428 - 13,048) / 3 = 1,460) are the estimates.
    assert last["data"][9:] == [1460, 1460, 1460]
    assert last["pointStyle"] == ["circle"] * 9 + ["triangle"] * 3
    assert "triangles: January 2016, February 2016, March 2016 estimated" in last["label"]
    assert "pointStyle" not in year["datasets"][0]  # this year's figures are all published
    xmr = chart_data(page, "xmr", "2016-12")
    flagged = [
        label
        for label, s in zip(xmr["labels"], xmr["datasets"][0]["pointStyle"], strict=True)
        if s == "triangle"
    ]
    assert flagged == ["Jan-16", "Feb-16", "Mar-16"]


def test_every_page_with_a_cumulative_target_has_the_to_date_chart() -> None:
    pack = _pack()
    with_chart = {p.code for p in pack.indicators if "cumulative" in available_charts(p)}
    # Ceilings ("No more than 257", "No more than 169") and the volume targets ("24
    # individuals" on the DRR and ATR pages).
    assert with_chart == {"outdoor-rubbish-fires", "arson", "atr-completions", "drr-completions"}
    drr = chart_data(pack.page("drr-completions"), "cumulative", "2016-12")
    target = drr["datasets"][1]["data"]
    # 24 a year to date: 24 x 9 / 12 = 18 at December, 24 x 1 / 12 = 2 at April.
    assert (target[0], target[8], target[9]) == (2, 18, None)


def test_axes_are_titled_and_a_count_is_not_drawn_from_zero() -> None:
    page = _pack().page("tno")
    data = chart_data(page, "year", "2016-12")
    assert data["yTitle"] == "Offences in the month"
    svg = svg_line_chart(data, title="This year against last year")
    assert "Offences in the month" in svg
    # Months 1,342 to 1,639: the axis runs from 1,342 - 0.1 x 297 = 1,312.3, not from 0.
    labels = re.findall(r'text-anchor="end">([\d,]+)</text>', svg)
    assert labels[0] == "1,312" and "0" not in labels


def test_an_estimated_figure_is_marked_in_the_table() -> None:
    page = _pack().page("tno")
    estimated = dataclasses.replace(
        page, tables=dataclasses.replace(page.tables, estimated=("2016-04",))
    )
    month_row = next(r for r in pack_table(estimated, "2016-12").rows if r.label == "Month")
    assert month_row.cells[:2] == ["1,383 (est.)", "1,639"]  # the seed's April and May
