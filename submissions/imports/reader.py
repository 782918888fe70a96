"""Reading an uploaded table (CSV or XLSX): its size checked before it is parsed, then its rows.

Every import is all or nothing: the whole file is parsed and checked first, and one bad row means
nothing is stored; the report lists every bad row with its line number (the header is line 1)
and the reason. ``table_open`` is where each import (``month_values``, ``populations``,
``benchmarks``) starts.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
import zlib
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

import openpyxl
from django.conf import settings

from indicators.engine.formatting import number
from submissions.cycle.validation import TEXT_LIMITS
from submissions.imports.common import (
    LINE,
    ImportRefused,
    ImportReport,
    Progress,
    RowError,
)
from submissions.spreadsheet import unneutralise

# --- limits, checked before a file is read -----------------------------------------------------

MAX_UPLOAD_BYTES = settings.FILE_UPLOAD_LIMIT_BYTES
MAX_UNPACKED_BYTES = 100 * 1024 * 1024  # an XLSX is a zip: what it unpacks to, all members
MAX_ROWS = 500_000  # after the header, blank lines included
MAX_COLUMNS = 50  # an XLSX's cells to the right of this are not read
_CHUNK = 1 << 20
_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s>/]")
_ROW_NUMBER = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?row\s[^>]*?\br="([0-9]{1,9})"')
_WORKSHEET = re.compile(r"xl/worksheets/[^/]+\.xml", re.IGNORECASE)


class FileRefused(ValueError):
    """A file refused before any of its cells is read: too large, a zip bomb, too many rows."""


class _BadTable(ValueError):
    """A file read to the end that is no table: empty, or a row wider than its header."""


def _mb(size: int) -> str:
    return f"{number(size / 2**20)} MB"


class TableSize(NamedTuple):
    rows: int  # after the header, at most (blank lines count)
    unpacked: int  # bytes to parse: a CSV's own size, what an XLSX unpacks to


def table_check(content: bytes, filename: str) -> TableSize:
    """The file's size, checked against the limits without reading a cell. Raises
    FileRefused with the reason.

    Cheap enough for a web request: a CSV's lines are counted (and its records only when the
    count is over the limit); an XLSX's zip directory gives what it unpacks to, and its sheets
    are scanned for row elements, so neither a lying ``<dimension>`` nor sparse row numbers
    (which openpyxl fills with empty rows) get past.
    """
    if len(content) > MAX_UPLOAD_BYTES:
        raise FileRefused(f"The file is larger than {_mb(MAX_UPLOAD_BYTES)}: split it.")
    name = filename.lower()
    if name.endswith(".csv"):
        size = TableSize(_csv_rows(content), len(content))
    elif name.endswith(".xlsx"):
        size = _xlsx_size(content)
    else:
        raise FileRefused("Use a .csv or .xlsx file.")
    if size.rows > MAX_ROWS:
        raise FileRefused(
            f"The file has {number(size.rows)} rows after the header: the limit is "
            f"{number(MAX_ROWS)}. "
            "Split it."
        )
    return size


def _csv_rows(content: bytes) -> int:
    lines = content.count(b"\n") + (0 if content.endswith(b"\n") else 1)
    if lines - 1 <= MAX_ROWS:
        return max(lines - 1, 0)
    # A quoted cell may span lines: count records before refusing.
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileRefused("The CSV is not UTF-8 text.") from None
    try:
        return max(sum(1 for _ in csv.reader(io.StringIO(text, newline=""))) - 1, 0)
    except csv.Error as exc:
        raise FileRefused(f"The CSV could not be read: {exc}") from None


def _xlsx_size(content: bytes) -> TableSize:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, ValueError):
        raise FileRefused("The file could not be read as XLSX (it is not a zip archive).") from None
    with archive:
        members = archive.infolist()
        # zipfile never unpacks more than a member's declared size, so the declared sizes bound
        # what openpyxl could unpack.
        unpacked = sum(m.file_size for m in members)
        if unpacked > MAX_UNPACKED_BYTES:
            raise FileRefused(
                f"The XLSX unpacks to {_mb(unpacked)}: the limit is {_mb(MAX_UNPACKED_BYTES)}. "
                "Save it as CSV or split it."
            )
        sheets = [m for m in members if _WORKSHEET.fullmatch(m.filename)]
        if not sheets:
            raise FileRefused("The XLSX has no worksheet.")
        try:
            rows = max(_sheet_rows(archive, m) for m in sheets)
            return TableSize(max(rows - 1, 0), unpacked)
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
            raise FileRefused(f"The file could not be read as XLSX: {exc}") from None


def _sheet_rows(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> int:
    """Rows openpyxl would yield: row elements, or the highest row number if that is more."""
    count, highest, carry = 0, 0, b""
    with archive.open(member) as stream:
        while chunk := stream.read(_CHUNK):
            buffer = carry + chunk
            cut = buffer.rfind(b"<")  # a tag may straddle two chunks
            done, carry = (buffer[:cut], buffer[cut:]) if cut > 0 else (buffer, b"")
            count += len(_ROW_TAG.findall(done))
            numbers = _ROW_NUMBER.findall(done)
            if numbers:
                highest = max(highest, *map(int, numbers))
    count += len(_ROW_TAG.findall(carry + b" "))
    numbers = _ROW_NUMBER.findall(carry)
    return max(count, highest, *map(int, numbers)) if numbers else max(count, highest)


# --- reading -----------------------------------------------------------------------------------


def read_table(content: bytes, filename: str) -> tuple[list[str], list[dict[str, str]]]:
    """Header and rows of a CSV or XLSX file, every cell as stripped text.

    Applies the limits first (``table_check``) and again while reading, one record at a time
    (only the rows' cells are kept). A cell an export neutralised (``submissions.spreadsheet``)
    reads back as it was. Raises ValueError (with the line number where it helps) for a file
    that cannot be read.
    """
    table_check(content, filename)
    if filename.lower().endswith(".csv"):
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValueError("the CSV is not UTF-8 text") from None
        try:
            return _table(csv.reader(io.StringIO(text, newline="")))
        except csv.Error as exc:
            raise ValueError(f"the CSV could not be read: {exc}") from None
    return _xlsx_table(content)


def _table(records: Iterable[Sequence[Any]]) -> tuple[list[str], list[dict[str, str]]]:
    headers: list[str] | None = None
    rows = []
    for line, raw in enumerate(records, start=1):
        if line > MAX_ROWS + 1:  # however the rows were counted before
            raise FileRefused(f"the file has more than {number(MAX_ROWS)} rows: split it")
        if not any(str(c or "").strip() for c in raw):
            continue
        if headers is None:
            headers = [str(h or "").strip().lower() for h in raw]
            continue
        if len(raw) > len(headers) and any(str(c or "").strip() for c in raw[len(headers) :]):
            raise _BadTable(
                f"line {line} has {len(raw)} cells but the header has {len(headers)} "
                '(quote a number with a thousands comma, e.g. "2,345")'
            )
        cells = {
            h: ("" if v is None else unneutralise(str(v).strip()))
            for h, v in zip(headers, list(raw) + [""] * len(headers), strict=False)
        }
        cells[LINE] = str(line)  # the row's line in the file, blank lines included
        rows.append(cells)
    if headers is None:
        raise _BadTable("the file is empty")
    return headers, rows


def _xlsx_table(content: bytes) -> tuple[list[str], list[dict[str, str]]]:
    """The active sheet's rows (what tablib read before, without its limits)."""
    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheet = book.active
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ValueError(f"the file could not be read as XLSX: {exc}") from None
    if sheet is None or not hasattr(sheet, "iter_rows"):
        raise ValueError("the XLSX's first sheet holds no cells")
    # A <dimension> can be wrong: without this, openpyxl stops reading at the row it names.
    sheet.reset_dimensions()
    try:
        return _table(
            _trimmed(row) for row in sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS)
        )
    except (FileRefused, _BadTable):
        raise
    except Exception as exc:  # a damaged sheet shows only as its rows are read
        raise ValueError(f"the file could not be read as XLSX: {exc}") from None
    finally:
        book.close()


def _trimmed(row: tuple[Any, ...]) -> tuple[Any, ...]:
    end = len(row)
    while end and (row[end - 1] is None or row[end - 1] == ""):
        end -= 1
    return row[:end]


def table_open(
    content: bytes,
    filename: str,
    required: set[str],
    allowed: set[str],
    progress: Progress | None = None,
) -> tuple[ImportReport, list[dict[str, str]]]:
    """Read the file and check its columns; refuse it (line 1) if either fails."""
    report = ImportReport(filename=filename)
    try:
        headers, rows = read_table(content, filename)
    except ValueError as exc:
        report.errors.append(RowError(1, str(exc)))
        raise ImportRefused(report) from None
    report.rows = len(rows)
    problem = _columns(headers, required, allowed)
    if problem:
        report.errors.append(RowError(1, problem))
        raise ImportRefused(report)
    report.errors.extend(_cell_problems(rows))
    if report.errors:
        raise ImportRefused(report)
    if progress:
        progress(20, f"Read {number(len(rows))} rows: checking each one")
    return report, rows


# The stored text columns and the most each takes (README "Limits"; sources: the smaller
# database column). Other cells are codes, dates and numbers, refused when they match nothing.
CELL_LIMITS = {
    "reference_period": TEXT_LIMITS["reference_period"],
    "reason": TEXT_LIMITS["reason"],
    "source": 200,
}


def _cell_problems(rows: list[dict[str, str]]) -> list[RowError]:
    """Text no column can store: a NUL in any cell (PostgreSQL refuses it), or a text cell over
    its limit (a database error, or a figure's note longer than the page's own limit)."""
    errors = []
    for row in rows:
        for column, text in row.items():
            if column == LINE:
                continue
            limit = CELL_LIMITS.get(column)
            if "\x00" in text:
                problem = f"{column} contains a null character"
            elif limit is not None and len(text) > limit:
                problem = (
                    f"{column} is too long: at most {number(limit)} characters "
                    f"({number(len(text))})"
                )
            else:
                continue
            errors.append(RowError(int(row[LINE]), problem))
            break
    return errors


def _columns(headers: list[str], required: set[str], allowed: set[str]) -> str | None:
    missing = sorted(required - set(headers))
    unknown = sorted(set(headers) - allowed - {""})
    problems = []
    if missing:
        problems.append("missing column(s): " + ", ".join(missing))
    if unknown:
        problems.append("unknown column(s): " + ", ".join(unknown))
    if len(set(headers)) != len(headers):
        problems.append("a column appears twice")
    return "; ".join(problems) or None


# --- month values -----------------------------------------------------------------------------


# --- populations ------------------------------------------------------------------------------


# --- supplied benchmarks ----------------------------------------------------------------------


# --- export in the import's layout --------------------------------------------------------------


