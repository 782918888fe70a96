"""The pack's XLSX for people (issue 16): the figures' sheet, numbers with their formats, the
header row frozen and the columns sized, and the "Notes" sheet with what the figures carry."""

from __future__ import annotations

import datetime as dt
import io
from types import SimpleNamespace
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from indicators.engine.formatting import month_label, number
from indicators.engine.vocabulary import NOT_SUBMITTED, ValueStatus
from submissions.packs.schema import PackSnapshot
from submissions.spreadsheet import neutralise

FORMATS = {"count": "#,##0", "pct": "0.0%", "rate": "0.00", "months": "0"}
FRACTIONAL_COUNT = "#,##0.00"  # a count column's figure that is not whole (a published rate)
WIDEST = 60  # characters: a longer text wraps in its cell
NOTES_HEADERS = ["Indicator code", "Indicator", "Month", "Note"]
RATINGS = {"R": "Red", "A": "Amber", "G": "Green", "None": "Not rated"}


def _cell(value: Any, fmt: str) -> tuple[Any, str | None]:
    """The value as the sheet stores it and its number format."""
    if value is None or value == "" or fmt == "text":
        return neutralise(value), None
    if fmt == "pct":  # 3.1 (per cent) is 0.031, shown as 3.1%
        return round(value / 100, 6), FORMATS["pct"]
    if fmt == "count" and not float(value).is_integer():
        return value, FRACTIONAL_COUNT
    return value, FORMATS[fmt]


def _size(sheet: Worksheet, widths: list[int]) -> None:
    """Each column as wide as its longest cell (within ``WIDEST``), the header row bold and
    frozen, and a filter on it."""
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = min(WIDEST, max(8, width + 2))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions


def _write(sheet: Worksheet, headers: list[str], rows: list[list[tuple[Any, str | None]]]) -> None:
    sheet.append(headers)
    widths = [len(h) for h in headers]
    for row in rows:
        sheet.append([value for value, _ in row])
        for i, (value, fmt) in enumerate(row):
            cell = sheet.cell(row=sheet.max_row, column=i + 1)
            if fmt:
                cell.number_format = fmt
                shown = len(number(value * 100 if fmt == FORMATS["pct"] else value, 2)) + 1
            else:
                shown = len(str(value)) if value is not None else 0
                if shown > WIDEST:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
            widths[i] = max(widths[i], shown)
    _size(sheet, widths)


def _month(code: str) -> str:
    """'2016-12' -> 'December 2016'; '' (the whole indicator) stays ''."""
    return month_label(dt.date(int(code[:4]), int(code[5:7]), 1)) if code else ""


def pack_notes(pack: PackSnapshot) -> list[tuple[str, str, str, str]]:
    """What the figures carry, one row each (indicator code, indicator, month, note): each month
    without a figure and why, a suppression threshold, a figure's reference period, each
    estimated month (of this or last financial year), a lagged figure's period and a rating the
    coordinator overrode."""
    notes = []
    statuses = {s.value: s.label for s in ValueStatus}
    statuses[NOT_SUBMITTED] = "No figure submitted"
    for page in pack.indicators:

        def note(month: str, text: str, page: Any = page) -> None:
            notes.append((page.code, page.title, _month(month), text))

        if page.suppression_threshold:
            note("", f"Counts below {page.suppression_threshold} are suppressed (not shown).")
        for m in page.months:
            if m.status != ValueStatus.REPORTED:
                reason = f": {m.reason}" if m.reason else ""
                note(m.month, f"{statuses.get(m.status, m.status)}{reason}.")
            if m.reference_period:
                note(m.month, f"The figure is for {m.reference_period}.")
        # Last year's months too: the changes on last year are made from them.
        for month in sorted(page.tables.estimated):
            note(month, "The figure is an estimate.")
        last = page.months[-1].month if page.months else pack.month
        metrics = page.metrics
        if metrics.figure_month and metrics.figure_month != last and metrics.period_label:
            age = f" ({metrics.period_age})" if metrics.period_age else ""
            note(last, f"Latest available period: {metrics.period_label}{age}.")
        if page.rag_override is not None:
            rating = RATINGS.get(page.rag_override, page.rag_override)
            judgement = page.rag_override_justification or "no reason given"
            note(last, f"Rating overridden by the coordinator to {rating}: {judgement}")
    return notes


def workbook(
    pack: PackSnapshot,
    rows: list[SimpleNamespace],
    columns: list[tuple[str, str, str]],
    title: str,
) -> bytes:
    """The XLSX: the figures' sheet (named ``title``) and the "Notes" sheet."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook has its sheet
    sheet.title = title
    _write(
        sheet,
        [header for _, header, _ in columns],
        [[_cell(getattr(r, name), fmt) for name, _, fmt in columns] for r in rows],
    )
    notes = book.create_sheet("Notes")
    _write(
        notes,
        NOTES_HEADERS,
        [[(neutralise(text), None) for text in row] for row in pack_notes(pack)],
    )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
