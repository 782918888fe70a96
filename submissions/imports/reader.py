"""Bulk imports of month values, populations and supplied benchmarks (CSV or XLSX).

Every import is all or nothing: the whole file is parsed and checked first, and one bad row means
nothing is stored; the report lists every bad row with its line number (the header is line 1)
and the reason. A good file is stored in one transaction with an audit entry naming the file, and
the recompute of exactly what changed is queued on commit. Commands, pages and the API call
these functions.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, NamedTuple

import openpyxl
import tablib
from django.db import models, transaction
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from csp import permissions
from csp.models import Area, ComparatorGroup, Population, PopulationSeries
from indicators.models import Indicator, IndicatorCategory, MonthValue, SuppliedBenchmark
from indicators.services import recompute_request
from submissions.cycle.validation import TEXT_LIMITS
from submissions.models import ReportingRound, RoundStatus
from submissions.spreadsheet import neutralise, unneutralise

MAX_FIGURE = 10**12
MAX_RATE = Decimal(10**9)
LINE = "__line__"
STATUSES = {"", "reported", "not_collected", "not_available", "suppressed"}


@dataclass(frozen=True)
class RowError:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass
class ImportReport:
    filename: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    stored: bool = False
    outcomes: list[tuple[int, str, str]] = field(default_factory=list)  # line, outcome, what

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        if self.errors:
            return (
                f"{self.filename}: refused, nothing stored. {len(self.errors)} bad row(s) "
                f"of {self.rows}."
            )
        verb = "stored" if self.stored else "checked (nothing stored yet)"
        return (
            f"{self.filename}: {self.rows} row(s) {verb}: {self.created} new, "
            f"{self.updated} changed, {self.unchanged} unchanged."
        )


class ImportRefused(Exception):
    def __init__(self, report: ImportReport) -> None:
        super().__init__(report.summary())
        self.report = report


# --- limits, checked before a file is read -----------------------------------------------------

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_UNPACKED_BYTES = 100 * 1024 * 1024  # an XLSX is a zip: what it unpacks to, all members
MAX_ROWS = 500_000  # after the header, blank lines included
MAX_COLUMNS = 50  # an XLSX's cells to the right of this are not read
_CHUNK = 1 << 20
_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s>/]")
_ROW_NUMBER = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?row\s[^>]*?\br="([0-9]{1,9})"')
_WORKSHEET = re.compile(r"xl/worksheets/[^/]+\.xml", re.IGNORECASE)

Progress = Callable[[int, str], None]


class FileRefused(ValueError):
    """A file refused before any of its cells is read: too large, a zip bomb, too many rows."""


class _BadTable(ValueError):
    """A file read to the end that is no table: empty, or a row wider than its header."""


def _mb(size: int) -> str:
    return f"{size / 2**20:,.0f} MB"


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
            f"The file has {size.rows:,} rows after the header: the limit is {MAX_ROWS:,}. "
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
            raise FileRefused(f"the file has more than {MAX_ROWS:,} rows: split it")
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
    if not hasattr(sheet, "iter_rows"):
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


def _open(
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
        progress(20, f"Read {len(rows):,} rows: checking each one")
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
                problem = f"{column} is too long: at most {limit:,} characters ({len(text):,})"
            else:
                continue
            errors.append(RowError(int(row[LINE]), problem))
            break
    return errors


def _rows_checked(progress: Progress | None, done: int, total: int) -> None:
    """Progress through the rows (20% to 80%), every 10,000 rows."""
    if progress and done and done % 10_000 == 0:
        progress(20 + 60 * done // max(total, 1), f"Checked {done:,} of {total:,} rows")


def _text(row: dict[str, str], column: str, model: type[models.Model], name: str) -> str:
    """A text cell, refused when longer than the database column holds."""
    text = row.get(column, "")
    limit = model._meta.get_field(name).max_length
    if limit is not None and len(text) > limit:
        raise ValueError(f"{column} is {len(text):,} characters long: the limit is {limit}")
    return text


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


def _whole(text: str, what: str) -> int:
    cleaned = text.replace(",", "")
    if cleaned.endswith(".0"):
        cleaned = cleaned[:-2]
    if not re.fullmatch(r"-?[0-9]+", cleaned):
        raise ValueError(f"{what} {text!r} is not a whole number")
    value = int(cleaned)
    if value < 0:
        raise ValueError(f"{what} {value} is negative")
    if value > MAX_FIGURE:
        raise ValueError(f"{what} {value} is too large to be a real figure")
    return value


def _flag(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in {"", "0", "false", "no", "n"}:
        return False
    if lowered in {"1", "true", "yes", "y"}:
        return True
    raise ValueError(f"estimated {text!r} is not yes or no")


def _month(text: str) -> dt.date:
    for fmt in ("%Y-%m", "%Y-%m-%d", "%Y-%m-%d %H:%M:%S"):
        try:
            month = dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        if fmt != "%Y-%m" and month.day != 1:
            break
        return month.replace(day=1)
    raise ValueError(f"month {text!r} is not YYYY-MM")


class _Areas:
    """Areas by ONS code or exact name (one query)."""

    def __init__(self) -> None:
        self.by_key: dict[str, Area] = {}
        for area in Area.objects.all():
            self.by_key[area.code.upper()] = area
            self.by_key[area.name.lower()] = area

    def get(self, text: str) -> Area:
        area = self.by_key.get(text.upper()) or self.by_key.get(text.lower())
        if area is None:
            raise ValueError(f"unknown area {text!r} (give an ONS code or the exact name)")
        return area


# --- month values -----------------------------------------------------------------------------

MONTH_VALUE_REQUIRED = {"area", "indicator", "month"}
MONTH_VALUE_ALLOWED = MONTH_VALUE_REQUIRED | {
    "value",
    "numerator",
    "denominator",
    "category",
    "status",
    "reason",
    "reference_period",
    "estimated",
}


@dataclass(frozen=True)
class _ParsedValue:
    line: int
    indicator: Indicator
    area: Area
    month: dt.date
    category: IndicatorCategory | None
    fields: dict[str, Any]


def _parse_month_value(
    row: dict[str, str],
    line: int,
    areas: _Areas,
    indicators: dict[str, Indicator],
    categories: dict[tuple[int, str], IndicatorCategory],
) -> _ParsedValue:
    area = areas.get(row["area"])
    indicator = indicators.get(row["indicator"])
    if indicator is None:
        raise ValueError(f"unknown indicator {row['indicator']!r}")
    month = _month(row["month"])
    category = None
    if row.get("category"):
        category = categories.get((indicator.id, row["category"]))
        if category is None:
            raise ValueError(f"{indicator.code} has no category {row['category']!r}")
    status = row.get("status", "").lower() or "reported"
    if status not in STATUSES:
        raise ValueError(
            f"status {row['status']!r} is not one of not_collected, not_available, suppressed"
        )
    fields: dict[str, Any] = {
        "status": status,
        "value": None,
        "numerator": None,
        "denominator": None,
        "decimal_value": None,
        "reason": row.get("reason", ""),
        "reference_period": _text(row, "reference_period", MonthValue, "reference_period"),
        "is_estimated": _flag(row.get("estimated", "")),
    }
    has_figure = any(row.get(c) for c in ("value", "numerator", "denominator"))
    if status != "reported":
        if has_figure:
            raise ValueError(f"a {status} row cannot also carry a figure")
        if status == "not_available" and not fields["reason"]:
            raise ValueError("not_available needs a reason")
        return _ParsedValue(line, indicator, area, month, category, fields)
    if row.get("numerator") or row.get("denominator"):
        num = _whole(row.get("numerator", ""), "numerator")
        # A source may publish the numerator alone (MARAC's monthly totals are not published).
        den = _whole(row["denominator"], "denominator") if row.get("denominator") else None
        if den is not None and num > den:
            raise ValueError(f"numerator {num} is more than denominator {den}")
        fields.update(numerator=num, denominator=den)
    elif row.get("value"):
        text = row["value"].replace(",", "")
        if indicator.kind == "rolling" and "." in text:  # a published rate, e.g. 43.0
            try:
                decimal = Decimal(text)
            except InvalidOperation:
                raise ValueError(f"value {row['value']!r} is not a number") from None
            if not decimal.is_finite() or decimal < 0 or decimal >= MAX_RATE:
                raise ValueError(f"value {row['value']!r} is not a usable rate")
            fields["decimal_value"] = decimal.quantize(Decimal("0.0001"))
        else:
            fields["value"] = _whole(row["value"], "value")
    else:
        raise ValueError("no figure: give value, or numerator and denominator, or a status")
    _check_shape(indicator, category, fields)
    return _ParsedValue(line, indicator, area, month, category, fields)


def _check_shape(
    indicator: Indicator, category: IndicatorCategory | None, fields: dict[str, Any]
) -> None:
    """The figure must be the kind the indicator measures (the engine reads it that way)."""
    ratio = fields["numerator"] is not None
    kind = indicator.kind
    if kind == "ratio" and not ratio:
        raise ValueError(f"{indicator.code} is a ratio: give numerator and denominator")
    if kind in {"count", "ceiling", "snapshot"} and (ratio or fields["value"] is None):
        raise ValueError(f"{indicator.code} takes a whole-number value")
    if kind == "breakdown" and category is None:
        raise ValueError(f"{indicator.code} is a breakdown: give the category")
    if kind == "rolling" and ratio and category is None:
        raise ValueError(f"{indicator.code} takes a value (or n/N per category)")


def month_values_import(
    *,
    content: bytes,
    filename: str,
    user: Any | None,
    now: dt.datetime,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Check (and unless ``dry_run``, store) a month-values file. Raises ImportRefused.

    A dry run only reads the database, so it can run anywhere (a task reporting progress) and
    holds no locks.
    """
    report, rows = _open(
        content, filename, MONTH_VALUE_REQUIRED, MONTH_VALUE_ALLOWED, progress=progress
    )
    areas = _Areas()
    indicators = {i.code: i for i in Indicator.objects.all()}
    categories = {(c.indicator_id, c.code): c for c in IndicatorCategory.objects.all()}
    parsed: list[_ParsedValue] = []
    seen: dict[tuple[int, int, dt.date, int | None], int] = {}
    for done, row in enumerate(rows, start=1):
        _rows_checked(progress, done, len(rows))
        line = int(row[LINE])
        try:
            value = _parse_month_value(row, line, areas, indicators, categories)
        except ValueError as exc:
            report.errors.append(RowError(line, str(exc)))
            continue
        key = (
            value.indicator.id,
            value.area.id,
            value.month,
            value.category.id if value.category else None,
        )
        if key in seen:
            report.errors.append(RowError(line, f"duplicate of line {seen[key]}"))
            continue
        seen[key] = line
        parsed.append(value)
    rows.clear()  # a large file's cells are no longer needed
    if report.errors:
        raise ImportRefused(report)
    if progress:
        progress(85, "Comparing with the stored figures")
    if dry_run:
        _store_month_values(
            parsed, report, user=user, now=now, filename=filename, own=_OwnAreas.load(), write=False
        )
        if report.errors:
            raise ImportRefused(report)
        return report
    with transaction.atomic():
        _store_month_values(
            parsed, report, user=user, now=now, filename=filename, own=_OwnAreas.load(), write=True
        )
        if report.errors:
            transaction.set_rollback(True)
            raise ImportRefused(report)
        report.stored = True
    return report


@dataclass(frozen=True)
class _OwnAreas:
    """The partnerships' own areas: their figures go through the monthly cycle.

    An import may add a partnership's figures only for months after its last published pack
    that have no round (history, or a month not yet opened); a round's month is entered and
    approved as submissions. Only that partnership's coordinator (or a command) may do it.
    """

    partnership_of: dict[int, int]
    round_months: set[tuple[int, dt.date]]
    last_published: dict[int, dt.date]

    @classmethod
    def load(cls) -> _OwnAreas:
        from csp.models import Partnership

        partnership_of = {area: p for p, area in Partnership.objects.values_list("id", "area_id")}
        rounds = list(ReportingRound.objects.values_list("partnership__area_id", "month", "status"))
        last: dict[int, dt.date] = {}
        for area, month, status in rounds:
            if status == RoundStatus.PUBLISHED and month > last.get(area, dt.date.min):
                last[area] = month
        return cls(partnership_of, {(a, m) for a, m, _ in rounds}, last)

    def foreign(self, area: Area, user: Any | None) -> str | None:
        """Another partnership's own area, for a user who is not its coordinator."""
        partnership = self.partnership_of.get(area.id)
        if partnership is None or user is None or permissions.is_coordinator(user, partnership):
            return None
        return f"only {area.name}'s partnership coordinator can import its figures"

    def refusal(self, area: Area, month: dt.date, user: Any | None) -> str | None:
        partnership = self.partnership_of.get(area.id)
        if partnership is None:
            return None
        if user is not None and not permissions.is_coordinator(user, partnership):
            return f"only {area.name}'s partnership coordinator can import its figures"
        if (area.id, month) in self.round_months or month <= self.last_published.get(
            area.id, dt.date.min
        ):
            return (
                f"{area.name}'s figures for {month:%B %Y} go through the monthly cycle (a round "
                "or a published pack covers that month): enter them as a submission"
            )
        return None


def _store_month_values(
    parsed: list[_ParsedValue],
    report: ImportReport,
    *,
    user: Any,
    now: dt.datetime,
    filename: str,
    own: _OwnAreas,
    write: bool,
) -> None:
    """Sort the rows into new, changed and unchanged (refusing those the cycle owns) and, if
    ``write``, store them (under row locks) and queue their recompute."""
    if not parsed:
        return
    indicator_ids = {p.indicator.id for p in parsed}
    area_ids = {p.area.id for p in parsed}
    months = [p.month for p in parsed]
    stored = MonthValue.objects.filter(
        indicator_id__in=indicator_ids,
        area_id__in=area_ids,
        month__gte=min(months),
        month__lte=max(months),
    )
    if write:
        stored = stored.select_for_update(of=("self",))
    # Compact tuples, not model instances: a large file may meet hundreds of thousands of rows.
    names = [*parsed[0].fields]
    existing = {
        (i, a, m, c): (pk, tuple(rest))
        for pk, i, a, m, c, *rest in stored.values_list(
            "pk", "indicator_id", "area_id", "month", "category_id", *names
        )
    }
    creates: list[MonthValue] = []
    updates: dict[int, dict[str, Any]] = {}
    touched: set[tuple[int, int]] = set()
    lines = report.outcomes
    first_month: dict[tuple[int, int], dt.date] = {}
    last_month: dict[tuple[int, int], dt.date] = {}
    reason = f"imported from {filename}"
    history = {"default_user": user, "default_change_reason": reason, "default_date": now}

    def flush(least: int) -> None:
        """Write what is waiting, in chunks, so a large file's rows are not all held at once
        (a refusal later in the file still rolls the whole transaction back)."""
        if not write or report.errors:
            return
        if len(creates) >= least:
            bulk_create_with_history(creates, MonthValue, batch_size=2000, **history)
            report.created += len(creates)
            creates.clear()
        if len(updates) >= least:
            rows = MonthValue.objects.in_bulk(list(updates))
            for pk, fields in updates.items():
                for k, v in fields.items():
                    setattr(rows[pk], k, v)
            bulk_update_with_history(
                list(rows.values()), MonthValue, names, batch_size=2000, **history
            )
            report.updated += len(updates)
            updates.clear()

    for p in parsed:
        key = (p.indicator.id, p.area.id, p.month, p.category.id if p.category else None)
        row = existing.get(key)
        what = f"{p.area.name}, {p.indicator.code}, {p.month:%Y-%m}" + (
            f", {p.category.code}" if p.category else ""
        )
        changes = row is None or tuple(p.fields.values()) != row[1]
        refusal = own.refusal(p.area, p.month, user) if changes else None
        if refusal:
            report.errors.append(RowError(p.line, refusal))
            continue
        if row is None:
            if write:
                creates.append(
                    MonthValue(
                        indicator=p.indicator,
                        area=p.area,
                        month=p.month,
                        category=p.category,
                        **p.fields,
                    )
                )
            else:
                report.created += 1
            lines.append((p.line, "new", what))
        elif changes:
            if write:
                updates[row[0]] = p.fields
            else:
                report.updated += 1
            lines.append((p.line, "changed", what))
        else:
            report.unchanged += 1
            lines.append((p.line, "unchanged", what))
            continue
        series = (p.indicator.id, p.area.id)
        touched.add(series)
        first_month[series] = min(first_month.get(series, p.month), p.month)
        last_month[series] = max(last_month.get(series, p.month), p.month)
        flush(10_000)
    if report.errors or not write:
        return  # a refusal rolls back what was written
    flush(1)
    # The incremental path re-ranks the 12 months from one change; wider changes re-rank all.
    span_ok = {
        k: (last_month[k].year - v.year) * 12 + last_month[k].month - v.month < 12
        for k, v in first_month.items()
    }
    _queue_recompute(
        touched, {k: v for k, v in first_month.items() if span_ok[k]}, now=now, reason=reason
    )


def _queue_recompute(
    touched: set[tuple[int, int]],
    first_month: dict[tuple[int, int], dt.date],
    *,
    now: dt.datetime,
    reason: str,
) -> None:
    """Exactly what changed: each series from its first changed month; one full recompute when
    a file touches very many series."""
    if len(touched) > 200:
        recompute_request(now=now, reason=reason)
        return
    for indicator_id, area_id in sorted(touched):
        recompute_request(
            now=now,
            reason=reason,
            indicator_id=indicator_id,
            area_id=area_id,
            month=first_month.get((indicator_id, area_id)),
        )


# --- populations ------------------------------------------------------------------------------

POPULATION_REQUIRED = {"area", "kind", "value", "in_force_from"}
POPULATION_ALLOWED = POPULATION_REQUIRED | {"source", "series"}


def populations_import(
    *,
    content: bytes,
    filename: str,
    user: Any | None,
    now: dt.datetime,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Check (and unless ``dry_run``, store) a populations file. Raises ImportRefused."""
    report, rows = _open(
        content, filename, POPULATION_REQUIRED, POPULATION_ALLOWED, progress=progress
    )
    areas = _Areas()
    own = _OwnAreas.load()
    series_by_code = {s.code: s for s in PopulationSeries.objects.all()}
    by_kind: dict[str, list[PopulationSeries]] = defaultdict(list)
    for s in series_by_code.values():
        by_kind[s.kind].append(s)
    parsed = []
    seen: dict[tuple[int, int, dt.date], int] = {}
    for done, row in enumerate(rows, start=1):
        _rows_checked(progress, done, len(rows))
        line = int(row[LINE])
        try:
            area = areas.get(row["area"])
            if refusal := own.foreign(area, user):
                raise ValueError(refusal)
            kind = row["kind"]
            if kind not in by_kind and not row.get("series"):
                raise ValueError(f"kind {kind!r} has no population series")
            if row.get("series"):
                series = series_by_code.get(row["series"])
                if series is None or series.kind != kind:
                    raise ValueError(f"no {kind} series {row['series']!r}")
            elif len(by_kind[kind]) == 1:
                series = by_kind[kind][0]
            else:
                raise ValueError(f"several {kind} series exist: name one in a 'series' column")
            value = _whole(row["value"], "value")
            if value == 0:
                raise ValueError("a population cannot be 0")
            if value > MAX_POPULATION:
                raise ValueError(f"value {value} is more than a population can be")
            try:
                start = dt.date.fromisoformat(row["in_force_from"][:10])
            except ValueError:
                raise ValueError(
                    f"in_force_from {row['in_force_from']!r} is not YYYY-MM-DD"
                ) from None
            source = _text(row, "source", Population, "source")
        except ValueError as exc:
            report.errors.append(RowError(line, str(exc)))
            continue
        key = (area.id, series.id, start)
        if key in seen:
            report.errors.append(RowError(line, f"duplicate of line {seen[key]}"))
            continue
        seen[key] = line
        parsed.append((area, series, start, value, source))
    rows.clear()  # a large file's cells are no longer needed
    if report.errors:
        raise ImportRefused(report)
    if progress:
        progress(85, "Comparing with the stored populations")
    with transaction.atomic():
        stored = Population.objects.filter(
            area_id__in={p[0].id for p in parsed}, series_id__in={p[1].id for p in parsed}
        )
        if not dry_run:
            stored = stored.select_for_update()
        existing = {(p.area_id, p.series_id, p.in_force_from): p for p in stored}
        touched_areas = set()
        for area, series, start, value, source in parsed:
            obj = existing.get((area.id, series.id, start))
            if obj is None:
                obj = Population(
                    area=area, series=series, in_force_from=start, value=value, source=source
                )
                report.created += 1
            elif (obj.value, obj.source) == (value, source):
                report.unchanged += 1
                continue
            else:
                obj.value, obj.source = value, source
                report.updated += 1
            if dry_run:
                continue
            obj._history_user = user  # type: ignore[attr-defined]
            obj._change_reason = f"imported from {filename}"  # type: ignore[attr-defined]
            obj.save()
            touched_areas.add(area.id)
        for area_id in sorted(touched_areas):
            recompute_request(now=now, reason=f"imported from {filename}", area_id=area_id)
        report.stored = not dry_run
    return report


# --- supplied benchmarks ----------------------------------------------------------------------

BENCHMARK_REQUIRED = {"area", "indicator", "month", "group", "position", "size"}
BENCHMARK_ALLOWED = BENCHMARK_REQUIRED | {"average", "source"}
MAX_POPULATION = 2_147_483_647  # the database column's limit
MAX_GROUP_SIZE = 32_767  # the database column's limit


def benchmarks_import(
    *,
    content: bytes,
    filename: str,
    user: Any | None,
    now: dt.datetime,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Check (and unless ``dry_run``, store) a supplied-benchmarks file. Raises ImportRefused."""
    report, rows = _open(
        content, filename, BENCHMARK_REQUIRED, BENCHMARK_ALLOWED, progress=progress
    )
    areas = _Areas()
    own = _OwnAreas.load()
    indicators = {i.code: i for i in Indicator.objects.all()}
    groups = {g.code: g for g in ComparatorGroup.objects.all()}
    source_limit = SuppliedBenchmark._meta.get_field("source").max_length or 200
    parsed: list[SuppliedBenchmark] = []
    seen: dict[tuple[int, int, dt.date, int], int] = {}
    for done, row in enumerate(rows, start=1):
        _rows_checked(progress, done, len(rows))
        line = int(row[LINE])
        try:
            area = areas.get(row["area"])
            if refusal := own.foreign(area, user):
                raise ValueError(refusal)
            indicator = indicators.get(row["indicator"])
            if indicator is None:
                raise ValueError(f"unknown indicator {row['indicator']!r}")
            group = groups.get(row["group"])
            if group is None:
                raise ValueError(f"unknown group {row['group']!r}")
            month = _month(row["month"])
            position = _whole(row["position"], "position")
            size = _whole(row["size"], "size")
            if not 1 <= position <= size:
                raise ValueError(f"position {position} is not between 1 and the size {size}")
            if size > MAX_GROUP_SIZE:
                raise ValueError(f"size {size} is more than a comparator group can hold")
            average = None
            if row.get("average"):
                try:
                    average = Decimal(row["average"].replace(",", ""))
                    if not average.is_finite() or abs(average) >= MAX_RATE:
                        raise InvalidOperation
                    average = average.quantize(Decimal("0.0001"))
                except InvalidOperation:
                    raise ValueError(f"average {row['average']!r} is not a number") from None
            source = _text(row, "source", SuppliedBenchmark, "source")
        except ValueError as exc:
            report.errors.append(RowError(line, str(exc)))
            continue
        key = (indicator.id, area.id, month, group.id)
        if key in seen:
            report.errors.append(RowError(line, f"duplicate of line {seen[key]}"))
            continue
        seen[key] = line
        parsed.append(
            SuppliedBenchmark(
                indicator=indicator,
                area=area,
                month=month,
                group=group,
                position=position,
                size=size,
                average=average,
                source=source or filename[:source_limit],
            )
        )
    rows.clear()  # a large file's cells are no longer needed
    if report.errors:
        raise ImportRefused(report)
    if progress:
        progress(85, "Comparing with the stored benchmarks")
    with transaction.atomic():
        _store_benchmarks(parsed, report, user=user, now=now, filename=filename, write=not dry_run)
    return report


BENCHMARK_FIELDS = ["position", "size", "average", "source"]


def _store_benchmarks(
    parsed: list[SuppliedBenchmark],
    report: ImportReport,
    *,
    user: Any,
    now: dt.datetime,
    filename: str,
    write: bool,
) -> None:
    """Sort into new, changed and unchanged and, if ``write``, store in bulk with history."""
    if not parsed:
        report.stored = write
        return
    months = [b.month for b in parsed]
    stored = SuppliedBenchmark.objects.filter(
        indicator_id__in={b.indicator_id for b in parsed},
        area_id__in={b.area_id for b in parsed},
        month__gte=min(months),
        month__lte=max(months),
    )
    if write:
        stored = stored.select_for_update()
    existing = {(b.indicator_id, b.area_id, b.month, b.group_id): b for b in stored}
    creates, updates = [], []
    touched: set[tuple[int, int]] = set()
    for new in parsed:
        old = existing.get((new.indicator_id, new.area_id, new.month, new.group_id))
        if old is None:
            creates.append(new)
        elif any(getattr(old, f) != getattr(new, f) for f in BENCHMARK_FIELDS):
            for f in BENCHMARK_FIELDS:
                setattr(old, f, getattr(new, f))
            updates.append(old)
        else:
            report.unchanged += 1
            continue
        touched.add((new.indicator_id, new.area_id))
    report.created, report.updated = len(creates), len(updates)
    if not write:
        return
    reason = f"imported from {filename}"
    history = {"default_user": user, "default_change_reason": reason, "default_date": now}
    if creates:
        bulk_create_with_history(creates, SuppliedBenchmark, batch_size=2000, **history)
    if updates:
        bulk_update_with_history(
            updates, SuppliedBenchmark, BENCHMARK_FIELDS, batch_size=2000, **history
        )
    _queue_recompute(touched, {}, now=now, reason=reason)
    report.stored = True


# --- export in the import's layout --------------------------------------------------------------

EXPORT_COLUMNS = [
    "area",
    "indicator",
    "month",
    "category",
    "value",
    "numerator",
    "denominator",
    "status",
    "reason",
    "reference_period",
    "estimated",
]


def _decimal_text(value: Decimal) -> str:
    """43.0000 -> "43.0": keeps the point, so it re-imports as a rate, not a count."""
    text = format(value.normalize(), "f")
    return text if "." in text else text + ".0"


def month_values_export(
    *,
    area_codes: list[str] | None = None,
    indicator_codes: list[str] | None = None,
    fmt: str = "csv",
) -> bytes:
    """Month values in the import's column layout, so an export re-imports unchanged.

    Text a spreadsheet would run as a formula is neutralised; the import reads it back as it was.
    """
    values = MonthValue.objects.select_related("area", "indicator", "category").order_by(
        "indicator__pack_order", "area__code", "month", "category__order"
    )
    if area_codes:
        values = values.filter(area__code__in=area_codes)
    if indicator_codes:
        values = values.filter(indicator__code__in=indicator_codes)
    dataset = tablib.Dataset(headers=EXPORT_COLUMNS)
    for mv in values.iterator(chunk_size=5000):
        figure = (
            mv.value
            if mv.value is not None
            else (_decimal_text(mv.decimal_value) if mv.decimal_value is not None else "")
        )
        dataset.append(
            [
                neutralise(cell)
                for cell in (
                    mv.area.code,
                    mv.indicator.code,
                    mv.month.strftime("%Y-%m"),
                    mv.category.code if mv.category_id else "",
                    figure,
                    "" if mv.numerator is None else mv.numerator,
                    "" if mv.denominator is None else mv.denominator,
                    "" if mv.status == "reported" else mv.status,
                    mv.reason,
                    mv.reference_period,
                    "yes" if mv.is_estimated else "",
                )
            ]
        )
    if fmt == "xlsx":
        return dataset.export("xlsx")
    return dataset.export("csv").encode("utf-8")
