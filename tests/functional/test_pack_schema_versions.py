"""A pack stored as schema version 1 still renders, exports and prints; what the pages cache is
plain data; what publishing stores now is version 3.

The version-1 pack is ``tests/fixtures/pack-2016-12-schema-1.json`` (the December 2016 demo pack
as stored before schema versions existed), inserted as version 2 of the December round with
``schema_version=1``. Expected figures are the seed's (board-pack-2016-12.txt): TNO 1,386 in
December and 13,207 year to date, 17,587 over twelve months, 87.07 per 1,000, ranked 21 of 32
and 10 of 15; burglary 118 and 900; IDAP collected quarterly.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
import pickle
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.test import Client
from pypdf import PdfReader

from submissions.cycle import services
from submissions.models import PackPdf, PackVersion, ReportingRound
from submissions.packs import publish
from submissions.packs.pdf import pack_pdf_render, pack_pdf_request
from submissions.packs.schema import SCHEMA_VERSION
from submissions.packs.schema_actions import LoggedAction
from submissions.packs.selectors import code_version, versions_cache_key

pytestmark = pytest.mark.django_db
DEC = dt.date(2016, 12, 1)
PACK = "/packs/E09000002/2016-12/"
V1 = "?version=2"  # the fixture is the round's second version
FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "pack-2016-12-schema-1.json"
NOW = dt.datetime(2017, 1, 20, 9, 0, tzinfo=dt.UTC)


def _store(snapshot: dict[str, Any], schema_version: int) -> PackVersion:
    return PackVersion.objects.create(
        round=ReportingRound.objects.get(month=DEC),
        number=2,
        published_at=NOW,
        change_note="Stored before schema versions",
        schema_version=schema_version,
        snapshot=snapshot,
    )


@pytest.fixture
def version_1() -> PackVersion:
    return _store(json.loads(FIXTURE.read_text(encoding="utf-8")), 1)


@pytest.fixture
def board() -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username="board"))
    return client


def test_the_version_1_pack_page_renders_the_seed_figures(version_1, board: Client) -> None:
    page = board.get(PACK + V1)
    assert page.status_code == 200
    rows = {r.code: r for r in page.context["rows"]}
    tno = rows["tno"]
    assert (tno.latest, tno.ytd, tno.rate, tno.change, tno.rag) == (
        "1,386",
        "13,207",
        "87.07 per 1,000",
        "+1%",
        "R",
    )
    assert [r["text"] for r in tno.ranks] == ["21 of 32", "10 of 15"]
    assert (rows["burglary"].latest, rows["burglary"].ytd) == ("118", "900")
    html = page.content.decode()
    assert "Version 2, published 20 January 2017" in html and "13,207" in html


def test_the_version_1_indicator_pages_and_charts_render(version_1, board: Client) -> None:
    page = board.get(f"{PACK}tno/{V1}")
    table = {row.label: row.cells for row in page.context["table"].rows}
    assert table["Month"][8] == "1,386"
    assert table["Year to date"][:9] == [
        "1,383",
        "3,022",
        "4,554",
        "6,168",
        "7,606",
        "9,031",
        "10,434",
        "11,821",
        "13,207",
    ]
    assert table["Rolling 12 months"][8] == "17,587"
    idap = board.get(f"{PACK}idap-on-programme/{V1}").context["table"].rows
    assert idap[0].cells[:3] == ["Data collected quarterly", "Data collected quarterly", "TBC"]
    year = json.loads(board.get(f"{PACK}tno/chart/year.json{V1}").content)
    assert year["labels"][0] == "Apr" and year["datasets"][0]["data"][:2] == [1383, 1639]
    xmr = json.loads(board.get(f"{PACK}tno/chart/xmr.json{V1}").content)
    assert [d["label"] for d in xmr["datasets"]][:2] == ["Value", "Mean"]


def test_the_version_1_pack_exports(version_1, board: Client) -> None:
    response = board.get(f"{PACK}export.csv{V1}")
    assert response["Content-Disposition"].endswith('-v2.csv"')
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    tno = next(r for r in rows if r["indicator"] == "tno" and r["month"] == "2016-12")
    assert (tno["value"], tno["ytd"], tno["r12"], tno["rag"]) == (
        "1386",
        "13207",
        "17587",
        "R",
    )
    assert tno["rate_unit"] == "per 1,000 residents"
    sheet = openpyxl.load_workbook(io.BytesIO(board.get(f"{PACK}export.xlsx{V1}").content)).active
    header = [c.value for c in sheet[1]]
    december = {
        row[header.index("Indicator code")]: row
        for row in sheet.iter_rows(min_row=2, values_only=True)
        if row[header.index("Month")] == "2016-12"
    }
    assert len(december) == 34
    assert december["tno"][header.index("Year to date")] == 13207


def test_the_version_1_pack_prints(version_1, board: Client) -> None:
    record, created = pack_pdf_request(version_id=version_1.pk, now=NOW)
    assert created
    assert pack_pdf_render(pdf_id=record.pk, now=NOW).startswith(f"PDF {record.pk}: ")
    response = board.get(f"{PACK}pdf{V1}")
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == PackPdf.objects.get(pk=record.pk).pages >= 35
    # The front pages: the cover names the version, the call over holds TNO's year to date.
    front = " ".join(page.extract_text() for page in reader.pages[:4])
    assert "Version 2" in front and "13,207" in front
    pages = [p.extract_text() for p in reader.pages[1:]]
    tno = next(t for t in pages if "Notifiable" in t and "Call over" not in t)
    assert "1,386" in tno and "17,587" in tno


def test_what_the_pack_pages_cache_is_plain_data(version_1, board: Client) -> None:
    backend = caches["default"]
    if not isinstance(backend, LocMemCache):
        pytest.skip("reads the local memory cache's own store")
    assert board.get(PACK + V1).status_code == 200
    versions = cache.get(versions_cache_key("E09000002", DEC))
    # Plain JSON, nothing pickled from a model: a new release can read it, or never looks.
    assert json.loads(json.dumps(versions)) == versions
    assert [(v["number"], v["schema_version"]) for v in versions] == [(1, SCHEMA_VERSION), (2, 1)]
    # The publisher's name (the demo's partnership.yaml), not a user object.
    assert versions[0]["published_by"] == "Casey Coordinator"
    # Everything the pack pages put in the cache (LocMemCache keeps it pickled, as Redis would).
    stored = {key: pickle.loads(value) for key, value in backend._cache.items() if ":pack:" in key}
    assert json.loads(json.dumps(stored)) == stored
    summaries = [value for key, value in stored.items() if ":summary:" in key]
    assert len(summaries) == 1 and "13,207" in summaries[0]
    # The keys name the snapshot schema and the code that wrote them.
    assert f":s{SCHEMA_VERSION}:{code_version()}:" in versions_cache_key("E09000002", DEC)


def test_publishing_stores_version_3_with_its_number_on_the_row_and_in_the_json() -> None:
    stored = PackVersion.objects.get(round__month=DEC, number=1)
    assert stored.schema_version == stored.snapshot["schema_version"] == SCHEMA_VERSION == 3

    def keys(value: Any, path: str = "") -> set[str]:
        if isinstance(value, dict):
            return {p for k, v in value.items() for p in {f"{path}.{k}", *keys(v, f"{path}.{k}")}}
        if isinstance(value, list):
            return {p for v in value for p in keys(v, f"{path}[]")}
        return set()

    fixture = json.loads(FIXTURE.read_text(encoding="utf-8"))
    # Version 3 also added the period of each page's figures, and PHOF 2.15's categories (stored as
    # proportions with their baselines and ratings: version 1 had none for the month).
    period = {
        f".indicators[].metrics.{k}"
        for k in (
            "period_start",
            "period_end",
            "period_label",
            "period_age_months",
            "period_age",
            "figure_month",
        )
    }
    phof = {
        k
        for k in keys(stored.snapshot)
        if k.startswith(
            (
                ".indicators[].metrics.categories.opiate",
                ".indicators[].metrics.categories.non-opiate",
            )
        )
    }
    assert phof, "PHOF 2.15's categories are in the snapshot"
    # Version 3 added each page's rule in words, its tables and its action log (the demo's
    # December actions fill every key of the log).
    tables = {k for k in keys(stored.snapshot) if k.startswith(".indicators[].tables")}
    logged = {
        ".indicators[].action_log",
        *(f".indicators[].action_log[].{f.name}" for f in dataclasses.fields(LoggedAction)),
    }
    added = {".schema_version", ".indicators[].rag_rule"}
    assert keys(stored.snapshot) == keys(fixture) | added | tables | logged | period | phof
    assert {".indicators[].tables.ranks[].source", ".indicators[].tables.history[].total"} <= tables


def test_a_republish_over_a_version_1_pack_with_nothing_changed_is_refused() -> None:
    v1 = PackVersion.objects.get(round__month=DEC, number=1)
    _store({k: v for k, v in v1.snapshot.items() if k != "schema_version"}, 1)
    coordinator = get_user_model().objects.get(username="coordinator")
    round_ = services.round_reopen(
        round_id=v1.round_id, user=coordinator, reason="Check the figures", now=NOW
    )
    with pytest.raises(services.RoundConflict, match="Nothing has changed since version 2"):
        publish.round_publish(round_id=round_.pk, user=coordinator, change_note="Checked", now=NOW)


def test_a_snapshot_stored_with_the_wrong_version_is_refused() -> None:
    fixture = json.loads(FIXTURE.read_text(encoding="utf-8"))
    with pytest.raises(ValueError, match="schema version 1, not 2"):
        _store(fixture, 2)
    assert _store(fixture, None).schema_version == 1


def test_the_regional_comparison_reads_a_version_1_pack(version_1) -> None:
    """The comparison reads only the indicator's page of the stored snapshot (``packs.parts``):
    a version-1 page is upgraded as a whole snapshot is. The seed's TNO figures."""
    client = Client()
    client.force_login(get_user_model().objects.get(username="mopac"))
    response = client.get("/packs/region/london/tno/2016-12/export.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    bd = next(r for r in rows if r[1] == "E09000002")
    assert bd[2:5] == ["2", "1,386", "13,207"]  # the latest version: the version-1 one
    html = client.get("/packs/region/london/tno/2016-12/").content.decode()
    assert "Other indicators, December 2016" in html and "MOPAC 7: Robbery Overall" in html
