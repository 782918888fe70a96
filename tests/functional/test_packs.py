"""The published pack: summary, indicator pages, chart JSON, exports and the PDF."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import yaml
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from csp.celery import app

pytestmark = pytest.mark.django_db
DEC = "/packs/E09000002/2016-12/"
CODES = [
    yaml.safe_load(p.read_text())["code"]
    for p in sorted(
        (Path(__file__).resolve().parents[2] / "submissions/demo/data/indicators").glob("*.yaml")
    )
]


@pytest.fixture
def board() -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username="board"))
    return client


def test_summary_lists_34_indicators_with_the_seeds_ratings(board: Client) -> None:
    page = board.get(DEC)
    assert page.status_code == 200
    rows = {r.code: r for r in page.context["rows"]}
    assert len(rows) == 34
    assert (rows["tno"].rag, rows["tno"].ytd, rows["tno"].rate) == (
        "R",
        "13,207",
        "87.07 per 1,000",
    )
    assert rows["burglary"].rag == "G" and rows["violence-with-injury"].rag == "A"
    assert [r["text"] for r in rows["tno"].ranks] == ["21 of 32", "10 of 15"]
    assert {r["source"] for r in rows["tno"].ranks} == {"supplied"}
    assert page.context["counts"]["R"] >= 5


def test_summary_filters_by_portfolio_and_rating(board: Client) -> None:
    reds = board.get(DEC + "?rag=R").context["rows"]
    assert reds and all(r.rag == "R" for r in reds)
    lscb = board.get(DEC + "?portfolio=Local Children's Safeguarding Board").context["rows"]
    assert [r.code for r in lscb] == ["gun-crime", "knife-crime"]


@pytest.mark.parametrize("code", CODES)
def test_every_indicator_page_opens(board: Client, code: str) -> None:
    assert board.get(f"{DEC}{code}/").status_code == 200


def test_the_tno_page_shows_the_seed_table(board: Client) -> None:
    page = board.get(f"{DEC}tno/")
    table = {row.label: row.cells for row in page.context["table"].rows}
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
    assert table["Month"][9:] == ["", "", ""]  # January to March not yet reported


def test_statuses_print_as_such_never_as_zero(board: Client) -> None:
    idap = {r.label: r.cells for r in board.get(f"{DEC}idap-on-programme/").context["table"].rows}
    assert idap["Month"][:3] == ["Data collected quarterly", "Data collected quarterly", "TBC"]
    hate = {r.label: r.cells for r in board.get(f"{DEC}hate-crime/").context["table"].rows}
    assert hate["Disability hate crime"][:3] == ["10", "<10", "<10"]
    assert hate["Hate Crime"][6] == "TBC"
    atr = board.get(f"{DEC}atr-completions/").content.decode()
    # In words, never "2016-07 available" (the template once cut "not_" out of the status).
    assert "Incomplete:</strong> July 2016 not available (Seed printed 9" in atr
    assert "2016-07" not in atr


def test_chart_json_is_labels_and_datasets_with_numbers(board: Client) -> None:
    data = json.loads(board.get(f"{DEC}tno/chart/year.json").content)
    assert set(data) == {"labels", "datasets", "yTitle"}
    assert data["yTitle"] == "Offences in the month"
    assert data["labels"][0] == "Apr"
    assert data["datasets"][0]["data"][:2] == [1383, 1639]
    assert data["datasets"][1]["data"][0] == 1342  # April 2015, back-derived
    xmr = json.loads(board.get(f"{DEC}tno/chart/xmr.json").content)
    assert [d["label"] for d in xmr["datasets"]][:2] == [
        "Value (triangles: January 2016, February 2016, March 2016 estimated)",
        "Mean",
    ]
    fires = json.loads(board.get(f"{DEC}outdoor-rubbish-fires/chart/cumulative.json").content)
    assert fires["datasets"][1]["data"][:9] == [21, 43, 64, 86, 107, 129, 150, 171, 193]
    assert board.get(f"{DEC}tno/chart/cumulative.json").status_code == 404


def test_exports_have_one_row_per_indicator_and_month(board: Client) -> None:
    response = board.get(DEC + "export.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len({r["indicator"] for r in rows}) == 34
    tno_dec = next(r for r in rows if r["indicator"] == "tno" and r["month"] == "2016-12")
    assert (tno_dec["ytd"], tno_dec["r12"], tno_dec["rag"]) == (
        "13207",
        "17587",
        "R",
    )
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(board.get(DEC + "export.xlsx").content))
    sheet = book.active
    header = [c.value for c in sheet[1]]
    codes = {
        row[header.index("Indicator code")] for row in sheet.iter_rows(min_row=2, values_only=True)
    }
    assert len(codes) == 34


def test_exports_are_named_headed_and_rounded_for_a_reader(board: Client) -> None:
    import openpyxl

    # ATR, June 2016: 4 successful of 9 terminations year to date (seed: "44.4%"), so
    # 4 / 9 × 100 = 44.444…%: in the CSV 44.4 (and kept whole in its raw column), in the
    # XLSX the fraction 0.444 shown as a percentage.
    rows = list(
        csv.DictReader(io.StringIO(board.get(DEC + "export.csv").content.decode("utf-8-sig")))
    )
    june = next(
        r for r in rows if r["indicator"] == "atr-completions" and r["month"] == "2016-06"
    )
    assert june["ytd_pct"] == "44.4"
    assert june["raw_ytd_pct"].startswith("44.4444")
    assert list(rows[0])[:4] == ["area", "month", "indicator", "title"]  # for machines
    book = openpyxl.load_workbook(io.BytesIO(board.get(DEC + "export.xlsx").content))
    assert book.sheetnames == ["Barking and Dagenham Dec 2016", "Notes"]
    header = [c.value for c in book.active[1]]
    assert "raw_ytd_pct" not in header and "% year to date" in header
    june_row = next(
        r
        for r in book.active.iter_rows(min_row=2, values_only=True)
        if r[header.index("Indicator code")] == "atr-completions"
        and r[header.index("Month")] == "2016-06"
    )
    assert june_row[header.index("% year to date")] == 0.444


def test_a_sheet_title_keeps_within_excels_rules() -> None:
    from submissions.packs.exports import sheet_title

    assert sheet_title("Barking and Dagenham", "2016-12") == "Barking and Dagenham Dec 2016"
    long = sheet_title("Kensington and Chelsea: [North]/South*?", "2017-01")
    assert len(long) <= 31 and long.endswith(" Jan 2017")
    assert not set(long) & set("[]:*?/\\")
    assert sheet_title("A" * 40, "2016-12", short_name="Short") == "Short Dec 2016"


def test_text_that_a_spreadsheet_would_run_is_neutralised() -> None:
    from submissions.packs.exports import neutralise

    assert neutralise('=HYPERLINK("x")') == '\'=HYPERLINK("x")'
    assert neutralise("-5 offences") == "'-5 offences"
    assert neutralise("@SUM(A1)") == "'@SUM(A1)"
    assert neutralise(-5) == -5 and neutralise("Fine") == "Fine"


def test_the_pdf_is_produced_once_and_stored(board: Client, django_capture_on_commit_callbacks):
    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        with django_capture_on_commit_callbacks(execute=True) as queued:
            first = board.get(DEC + "pdf")
    finally:
        app.conf.task_always_eager = saved
    assert len(queued) == 1
    assert b"refreshes itself" in first.content  # the progress page while the task runs
    response = board.get(DEC + "pdf")  # the stored PDF, with no second task

    assert response["Content-Type"] == "application/pdf"
    assert response.content[:5] == b"%PDF-"
    from submissions.models import PackPdf

    record = PackPdf.objects.get(version__round__month="2016-12-01")
    assert record.pages >= 35


def test_the_pdf_progress_page_reads_no_snapshot_and_the_download_reads_the_pdf_once(
    board: Client, django_capture_on_commit_callbacks
):
    """The progress page refreshes itself every 2 s: it reads neither the pack's snapshot nor
    the PDF's bytes; the download reads the bytes once."""

    def columns_read(url: str) -> tuple[list[str], bytes]:
        with CaptureQueriesContext(connection) as captured:
            response = board.get(url)
        return [q["sql"] for q in captured if q["sql"].startswith("SELECT")], response.content

    with django_capture_on_commit_callbacks(execute=False) as queued:
        queries, page = columns_read(DEC + "pdf")  # the task is queued, not run
    assert b"refreshes itself" in page and b"The December 2016 pack as a PDF" in page
    assert b'href="/packs/E09000002/2016-12/"' in page  # back to the call over
    read = [q for q in queries if '"snapshot"' in q or '"content"' in q]
    assert not read, read
    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        for callback in queued:
            callback()
    finally:
        app.conf.task_always_eager = saved
    queries, pdf = columns_read(DEC + "pdf")
    assert pdf[:5] == b"%PDF-"
    assert sum('"content"' in q for q in queries) == 1, queries
    assert not any('"snapshot"' in q for q in queries), queries


@pytest.mark.parametrize("url", [DEC, f"{DEC}tno/"])
def test_pack_pages_cost_a_constant_number_of_queries(board: Client, url: str) -> None:
    board.get(url)  # warm the session
    with CaptureQueriesContext(connection) as queries:
        assert board.get(url).status_code == 200
    assert len(queries) <= 10, [q["sql"][:100] for q in queries]
