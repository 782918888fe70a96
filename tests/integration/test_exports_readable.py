"""Spreadsheets people can read, and a CSV machines can re-read (issue 16, item 4): the XLSX's
numbers are numbers with their formats, its header row frozen, its columns sized, its notes on a
second sheet; the CSV's header is the documented machine header and re-imports unchanged."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

import openpyxl
import pytest
import yaml

from submissions.imports.month_values import month_values_import
from submissions.models import PackVersion
from submissions.packs.exports import COMPUTED, CSV_HEADERS, pack_export
from submissions.spreadsheet import PACK_CSV_COMPUTED

pytestmark = pytest.mark.django_db
README = Path(__file__).resolve().parents[2] / "README.md"
DATA = Path(__file__).resolve().parents[2] / "submissions/demo/data/indicators"
NOW = dt.datetime(2017, 2, 1, 9, 0, tzinfo=dt.UTC)


def _december() -> dict:
    return PackVersion.objects.get(round__month="2016-12-01", number=1).snapshot


def _sheet_rows(sheet) -> dict[tuple[str, str], dict[str, openpyxl.cell.Cell]]:
    header = [c.value for c in sheet[1]]
    return {
        (row[header.index("Indicator code")].value, row[header.index("Month")].value): dict(
            zip(header, row, strict=True)
        )
        for row in sheet.iter_rows(min_row=2)
    }


def test_the_xlsx_figures_are_numbers_with_their_formats() -> None:
    book = openpyxl.load_workbook(io.BytesIO(pack_export(_december(), "xlsx")))
    assert book.sheetnames == ["Barking and Dagenham Dec 2016", "Notes"]
    sheet = book["Barking and Dagenham Dec 2016"]
    assert sheet.freeze_panes == "A2"
    rows = _sheet_rows(sheet)
    assert len({code for code, _ in rows}) == 34
    # The seed, TNO December 2016: year to date 13,207, 87.07 per 1,000 residents.
    tno = rows[("tno", "2016-12")]
    assert (tno["Year to date"].value, tno["Year to date"].number_format) == (13207, "#,##0")
    assert (tno["Figure"].value, tno["Figure"].number_format) == (1386, "#,##0")
    rate = tno["Rate (rolling 12 months)"]
    assert (rate.value, rate.number_format) == (87.07, "0.00")
    # ATR December 2016: 2 successful of 3 terminations in the month (seed) = 66.7%, stored as
    # the fraction 0.667; June: 4 of 9 year to date = 44.4% (the seed prints "44.4%").
    atr = rows[("atr-completions", "2016-12")]["% in the month"]
    assert (atr.value, atr.number_format) == (0.667, "0.0%")
    june = rows[("atr-completions", "2016-06")]["% year to date"]
    assert (june.value, june.number_format) == (0.444, "0.0%")
    assert isinstance(rows[("tno", "2016-12")]["% change on last year (YTD)"].value, float)
    # Text stays text, with no number format; the columns are sized to their contents.
    assert tno["Indicator"].number_format == "General"
    header = [c.value for c in sheet[1]]
    width = sheet.column_dimensions[openpyxl.utils.get_column_letter(header.index("Indicator") + 1)]
    assert width.width >= 40  # "Total Notifiable Offences (TNO's)" and longer titles
    assert all(c.font.bold for c in sheet[1])


def test_the_xlsx_notes_sheet_carries_statuses_estimates_periods_and_overrides() -> None:
    notes = openpyxl.load_workbook(io.BytesIO(pack_export(_december(), "xlsx")))["Notes"]
    assert notes.freeze_panes == "A2"
    rows = list(notes.iter_rows(values_only=True))
    assert rows[0] == ("Indicator code", "Indicator", "Month", "Note")
    by = {(code, month): [] for code, _, month, _ in rows[1:]}
    for code, _, month, note in rows[1:]:
        by[(code, month)].append(note)
    # The seed: IDAP's December figure is "TBC", no figure received from Probation.
    assert any(
        n.startswith("Not available yet: TBC") for n in by[("idap-on-programme", "December 2016")]
    )
    # TNO's January to March 2016 are estimates (an even split of a known sum: README).
    assert by[("tno", "January 2016")] == ["The figure is an estimate."]
    # First-time entrants are published with a lag: 12 months to June 2016 in December's pack.
    assert any(
        "Latest available period: 12 months to June 2016" in n
        for n in by[("first-time-entrants", "December 2016")]
    )
    # The coordinator's override of MARAC's rating (Amber), with the judgement beside it.
    marac = by[("marac-repeat-referrals", "December 2016")]
    assert any(n.startswith("Rating overridden by the coordinator to Amber: ") for n in marac)


def _readme_csv_columns() -> list[str]:
    """The first column of README's table of the pack CSV's columns."""
    text = README.read_text()
    table = text.split("<!-- pack-csv-columns -->")[1]
    return re.findall(r"^\| `([a-z0-9_]+)` \|", table, flags=re.MULTILINE)


def test_the_csv_header_is_the_documented_machine_header() -> None:
    content = pack_export(_december(), "csv").decode("utf-8-sig")
    header = next(csv.reader(io.StringIO(content)))
    assert header == _readme_csv_columns() == CSV_HEADERS
    # The import ignores exactly the computed columns.
    assert set(COMPUTED) == set(PACK_CSV_COMPUTED)
    imported = {"area", "indicator", "month", "value", "numerator", "denominator", "status"}
    assert set(header) - set(PACK_CSV_COMPUTED) == imported | {
        "reason",
        "reference_period",
        "estimated",
    }


def test_the_csv_re_imports_unchanged() -> None:
    content = pack_export(_december(), "csv")
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    assert len(rows) == 34 * 9  # April to December 2016
    # Months without a figure, and the months of the indicators counted by category (the ASB
    # survey, PHOF 2.15, hate crime: the seed's pages with categories), whose figures are in
    # the categories the CSV does not carry.
    by_category = {
        page["code"]
        for page in map(yaml.safe_load, map(Path.read_text, sorted(DATA.glob("*.yaml"))))
        if page.get("categories")
    }
    assert by_category == {"asb-satisfaction", "phof-2-15", "hate-crime"}
    nothing = [
        r
        for r in rows
        if r["status"] == "not_submitted"
        or (r["indicator"] in by_category and r["status"] == "reported" and not r["value"])
    ]
    report = month_values_import(
        content=content, filename="pack.csv", user=None, now=NOW, dry_run=True
    )
    assert report.errors == []
    assert (report.created, report.updated) == (0, 0)
    assert report.skipped == len(nothing)
    assert report.unchanged == len(rows) - len(nothing)
    assert "skipped (nothing to store)" in report.summary()
