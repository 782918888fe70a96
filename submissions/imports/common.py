"""What every import shares: the report and its row errors, the cell parsers, the areas an
import may write, and the recompute it queues on commit."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TypeVar

from django.db import models

from csp import permissions
from csp.models import Area
from csp.users import User
from indicators.engine.formatting import month_label, number
from indicators.models import ValueStatus
from indicators.services import recompute_request
from submissions.cycle.validation import MAX_FIGURE
from submissions.models import ReportingRound, RoundStatus

MAX_RATE = Decimal(10**9)


LINE = "__line__"


T = TypeVar("T")


STATUSES = {"", *ValueStatus}


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
    skipped: int = 0  # rows with nothing to store (a pack CSV's months without a figure)
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
        skipped = f", {self.skipped} skipped (nothing to store)" if self.skipped else ""
        return (
            f"{self.filename}: {self.rows} row(s) {verb}: {self.created} new, "
            f"{self.updated} changed, {self.unchanged} unchanged{skipped}."
        )


class ImportRefused(Exception):
    def __init__(self, report: ImportReport) -> None:
        super().__init__(report.summary())
        self.report = report


Progress = Callable[[int, str], None]


def rows_checked(progress: Progress | None, done: int, total: int) -> None:
    """Progress through the rows (20% to 80%), every 10,000 rows."""
    if progress and done and done % 10_000 == 0:
        progress(20 + 60 * done // max(total, 1), f"Checked {number(done)} of {number(total)} rows")


def rows_parse(
    rows: list[dict[str, str]],
    report: ImportReport,
    parse: Callable[[dict[str, str]], tuple[Hashable, T]],
    *,
    progress: Progress | None,
) -> list[T]:
    """Each row through ``parse`` (which returns the row's key and its parsed value, or raises
    ValueError); a bad row or a second row with a key already seen is a row error, and any row
    error refuses the whole file."""
    parsed: list[T] = []
    seen: dict[Hashable, int] = {}
    for done, row in enumerate(rows, start=1):
        rows_checked(progress, done, len(rows))
        line = int(row[LINE])
        try:
            key, value = parse(row)
        except ValueError as exc:
            report.errors.append(RowError(line, str(exc)))
            continue
        if key in seen:
            report.errors.append(RowError(line, f"duplicate of line {seen[key]}"))
            continue
        seen[key] = line
        parsed.append(value)
    rows.clear()  # a large file's cells are no longer needed
    if report.errors:
        raise ImportRefused(report)
    return parsed


def cell_text(row: dict[str, str], column: str, model: type[models.Model], name: str) -> str:
    """A text cell, refused when longer than the database column holds."""
    text = row.get(column, "")
    field = model._meta.get_field(name)
    limit = field.max_length if isinstance(field, models.Field) else None
    if limit is not None and len(text) > limit:
        raise ValueError(
            f"{column} is {number(len(text))} characters long: the limit is {limit}"
        )
    return text


def whole_number(text: str, what: str) -> int:
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


def flag(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in {"", "0", "false", "no", "n"}:
        return False
    if lowered in {"1", "true", "yes", "y"}:
        return True
    raise ValueError(f"estimated {text!r} is not yes or no")


def month_of(text: str) -> dt.date:
    for fmt in ("%Y-%m", "%Y-%m-%d", "%Y-%m-%d %H:%M:%S"):
        try:
            month = dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        if fmt != "%Y-%m" and month.day != 1:
            break
        return month.replace(day=1)
    raise ValueError(f"month {text!r} is not YYYY-MM")


class Areas:
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


MAX_POPULATION = 2_147_483_647  # the database column's limit


@dataclass(frozen=True)
class OwnAreas:
    """The partnerships' own areas: their figures go through the monthly cycle.

    An import may add a partnership's figures only for months after its last published pack
    that have no round (history, or a month not yet opened); a round's month is entered and
    approved as submissions. Only that partnership's coordinator (or a command) may do it.
    """

    partnership_of: dict[int, int]
    round_months: set[tuple[int, dt.date]]
    last_published: dict[int, dt.date]

    @classmethod
    def load(cls) -> OwnAreas:
        from csp.models import Partnership

        partnership_of = {area: p for p, area in Partnership.objects.values_list("id", "area_id")}
        rounds = list(ReportingRound.objects.values_list("partnership__area_id", "month", "status"))
        last: dict[int, dt.date] = {}
        for area, month, status in rounds:
            published = status in {RoundStatus.PUBLISHED, RoundStatus.REOPENED}
            if published and month > last.get(area, dt.date.min):
                last[area] = month
        return cls(partnership_of, {(a, m) for a, m, _ in rounds}, last)

    def foreign(self, area: Area, user: User | None) -> str | None:
        """Another partnership's own area, for a user who is not its coordinator."""
        partnership = self.partnership_of.get(area.id)
        if partnership is None or user is None or permissions.is_coordinator(user, partnership):
            return None
        return f"only {area.name}'s partnership coordinator can import its figures"

    def area(self, row: dict[str, str], areas: Areas, user: User | None) -> Area:
        """The row's area, refused (ValueError) when it is another partnership's own."""
        area = areas.get(row["area"])
        if refusal := self.foreign(area, user):
            raise ValueError(refusal)
        return area

    def refusal(self, area: Area, month: dt.date, user: User | None) -> str | None:
        partnership = self.partnership_of.get(area.id)
        if partnership is None:
            return None
        if user is not None and not permissions.is_coordinator(user, partnership):
            return f"only {area.name}'s partnership coordinator can import its figures"
        if (area.id, month) in self.round_months or month <= self.last_published.get(
            area.id, dt.date.min
        ):
            return (
                f"{area.name}'s figures for {month_label(month)} go through the monthly cycle "
                "(a round or a published pack covers that month): enter them as a submission"
            )
        return None


def recompute_queue(
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
