"""The typed pack snapshot reads every shape ever stored, and refuses what it cannot read.

``tests/fixtures/pack-2016-12-schema-1.json`` is the December 2016 demo pack exactly as version 1
stored it (produced once, from commit 6386b5e, before schema versions existed; never
regenerated). The figures checked against it are the seed's (board-pack-2016-12.txt).
"""

from __future__ import annotations

import copy
import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

from submissions.packs.charts import available_charts, chart_data
from submissions.packs.pages import pack_table, summary_rows
from submissions.packs.records import RecordError
from submissions.packs.schema import (
    SCHEMA_VERSION,
    Metrics,
    PackSnapshot,
    SnapshotError,
    as_page,
    snapshot_read,
)

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "pack-2016-12-schema-1.json"


@pytest.fixture(scope="module")
def stored() -> dict[str, Any]:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


def test_version_1_is_the_shape_without_a_version_key(stored: dict[str, Any]) -> None:
    assert "schema_version" not in stored
    assert snapshot_read(stored).schema_version == SCHEMA_VERSION == 3


def test_the_stored_version_1_figures_read_as_the_seed_prints_them(stored: dict[str, Any]) -> None:
    pack = snapshot_read(stored, 1)
    assert (pack.area.code, pack.month, len(pack.indicators)) == ("E09000002", "2016-12", 34)
    tno = pack.page("tno")
    assert tno is not None
    december = tno.months[8]
    assert (december.label, december.value, december.ytd, december.r12) == (
        "Dec-16",
        1386,
        13207,
        17587,
    )
    assert round(december.rate or 0, 2) == 87.07
    assert [(r.group, r.position, r.size) for r in tno.metrics.ranks] == [
        ("MET", 21, 32),
        ("MSG", 10, 15),
    ]
    burglary = pack.page("burglary")
    assert burglary is not None and (burglary.months[8].value, burglary.metrics.ytd) == (118, 900)


def test_the_types_describe_every_key_of_version_1(stored: dict[str, Any]) -> None:
    # Nothing stored is dropped: written back, version 1 is itself plus its version number and
    # the keys version 3 added, with their defaults: no rule recorded (""), an empty action log,
    # and ``tables`` read as empty (no monthly rank rows, computed history or marked estimates);
    # each page's period is December 2016's own (version 1's figures are the pack month's).
    december = {
        "period_start": "2016-12-01",
        "period_end": "2016-12-31",
        "period_label": "December 2016",
        "period_age_months": 0,
        "period_age": "Up to date",
        "figure_month": None,
    }
    written = snapshot_read(stored, 1).to_dict()
    tables = [page.pop("tables") for page in written["indicators"]]
    pages = [
        {**p, "rag_rule": "", "action_log": [], "metrics": {**p["metrics"], **december}}
        for p in stored["indicators"]
    ]
    assert written == {**stored, "indicators": pages, "schema_version": 3}
    assert set(map(str, tables)) == {
        str(
            {
                "ranks": [],
                "history": [],
                "estimated": [],
                "volume_to_date": None,
                "volume_achieved": None,
            }
        )
    }


def test_version_2_reads_as_version_3_without_a_rule_or_tables(stored: dict[str, Any]) -> None:
    v2 = {**stored, "schema_version": 2}
    pack = snapshot_read(v2, 2)
    assert pack.schema_version == 3
    assert {p.rag_rule for p in pack.indicators} == {""}
    assert {len(p.tables.ranks) for p in pack.indicators} == {0}
    assert "rag_rule" not in v2["indicators"][0]  # what is stored is left as it is


def test_version_2_reads_with_an_empty_action_log_and_its_free_text_kept(
    stored: dict[str, Any],
) -> None:
    v2 = {**stored, "schema_version": 2}
    pack = snapshot_read(v2, 2)
    tno = pack.page("tno")
    assert tno is not None and tno.action_log == ()
    # The board saw the free text then; it is still there to show.
    assert tno.commentary.actions.startswith("Total Notifiable Offences is up 7%")


def test_reading_never_changes_what_is_stored(stored: dict[str, Any]) -> None:
    before = copy.deepcopy(stored)
    snapshot_read(stored, 1)
    assert stored == before


def test_the_snapshot_is_frozen(stored: dict[str, Any]) -> None:
    pack = snapshot_read(stored, 1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        pack.indicators[0].title = "Changed"


def _earliest(stored: dict[str, Any]) -> dict[str, Any]:
    """Version 1 as the first builds wrote it: no chart (f2cee0d), no frequency, threshold or
    four month figures (before d6a00dd), no rate population (before 127e890)."""
    old = copy.deepcopy(stored)
    for page in old["indicators"]:
        for key in ("chart", "frequency", "suppression_threshold", "rate_unit"):
            del page[key]
        for row in page["months"]:
            for key in ("pct_satisfied", "value_change_pct", "ytd_numerator", "ytd_denominator"):
                del row[key]
    return old


def test_the_earliest_version_1_snapshots_still_render(stored: dict[str, Any]) -> None:
    pack = snapshot_read(_earliest(stored), 1)
    tno = pack.page("tno")
    assert tno is not None and tno.chart is None and tno.rate_unit == ""
    table = {r.label: r.cells for r in pack_table(tno, pack.month).rows}
    assert table["Year to date"][8] == "13,207"
    assert "Rate per 1,000 (rolling 12 months)" in table
    assert available_charts(tno) == ["year"]
    assert chart_data(tno, "year", pack.month)["labels"] == []
    hate = pack.page("hate-crime")
    assert hate is not None
    hate_table = {r.label: r.cells for r in pack_table(hate, pack.month).rows}
    assert hate_table["Disability hate crime"][1] == "<10"  # no threshold stored: the default
    assert summary_rows(pack)[0].ytd == "13,207"


def test_a_page_of_stored_json_reads_as_a_typed_page(stored: dict[str, Any]) -> None:
    page = as_page(_earliest(stored)["indicators"][0])
    assert (page.code, page.months[8].ytd, page.chart) == ("tno", 13207, None)


@pytest.mark.parametrize("version", [0, 4, "2", None])
def test_a_version_this_release_does_not_know_is_refused(
    stored: dict[str, Any], version: object
) -> None:
    data = {**stored, "schema_version": version}
    with pytest.raises(SnapshotError, match="schema version"):
        snapshot_read(data)


def test_a_row_and_a_snapshot_that_disagree_on_the_version_are_refused(
    stored: dict[str, Any],
) -> None:
    with pytest.raises(SnapshotError, match="says schema version 2 but its row says 1"):
        snapshot_read({**stored, "schema_version": 2}, 1)


def test_a_damaged_snapshot_is_refused_naming_the_place(stored: dict[str, Any]) -> None:
    missing = copy.deepcopy(stored)
    del missing["indicators"][0]["months"][8]["status"]
    with pytest.raises(SnapshotError, match=r"indicators\[0\]\.months\[8\]: missing 'status'"):
        snapshot_read(missing, 1)
    wrong = copy.deepcopy(stored)
    wrong["indicators"][0]["months"][8]["ytd"] = "13,207"
    with pytest.raises(SnapshotError, match=r"months\[8\]\.ytd: expected int or float or null"):
        snapshot_read(wrong, 1)
    flag = copy.deepcopy(stored)
    flag["indicators"][0]["categories"] = [{"code": "x", "label": "X", "is_total": 1}]
    with pytest.raises(SnapshotError, match=r"categories\[0\]\.is_total: expected bool"):
        snapshot_read(flag, 1)
    with pytest.raises(SnapshotError, match="JSON object"):
        snapshot_read([stored], 1)


def test_a_new_key_is_refused_on_its_way_into_a_snapshot_and_ignored_in_a_stored_one(
    stored: dict[str, Any],
) -> None:
    metrics = {**snapshot_read(stored, 1).indicators[0].metrics.to_dict(), "new_measure": 1}
    with pytest.raises(RecordError, match=r"keys \['new_measure'\] are not in Metrics"):
        Metrics.from_dict(metrics, strict=True)
    assert Metrics.from_dict(metrics).ytd == 13207


def test_kind_specific_metrics_are_written_only_for_their_kind(stored: dict[str, Any]) -> None:
    pack = snapshot_read(stored, 1)
    written = {p.kind: set(p.metrics.to_dict()) for p in pack.indicators}
    assert "ytd_pct" in written["ratio"] and "ytd_pct" not in written["count"]
    assert "value_change_pct" in written["snapshot"] and "pct_satisfied" in written["breakdown"]
    assert isinstance(pack, PackSnapshot)


def test_version_2_reads_as_version_3_with_the_pack_month_as_its_period(
    stored: dict[str, Any],
) -> None:
    # A version-2 snapshot's metrics are the pack month's own: December 2016, up to date.
    version_2 = {**copy.deepcopy(stored), "schema_version": 2}
    pack = snapshot_read(version_2, 2)
    tno = pack.indicators[0].metrics
    assert (tno.period_start, tno.period_end) == ("2016-12-01", "2016-12-31")
    assert (tno.period_label, tno.period_age_months, tno.figure_month) == (
        "December 2016",
        0,
        None,
    )
    assert version_2["indicators"][0]["metrics"].get("period_label") is None  # not rewritten
    page = as_page(version_2["indicators"][0])  # one page alone: its table's last month
    assert page.metrics.period_label == "December 2016"
