"""Import of month values: figures outside the monthly cycle (history, other boroughs).

Figures of the partnership's own area for months the cycle holds must go through the cycle; a good
file is stored in one transaction and the recompute of exactly what changed is queued on commit."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from csp.models import Area
from csp.users import User
from indicators.engine.formatting import figure as figure_text
from indicators.engine.formatting import number
from indicators.engine.vocabulary import COUNT_KINDS, NOT_SUBMITTED
from indicators.models import (
    Adoption,
    Indicator,
    IndicatorCategory,
    IndicatorKind,
    MonthValue,
    ValueStatus,
)
from submissions.imports.common import (
    LINE,
    MAX_RATE,
    STATUSES,
    Areas,
    ImportRefused,
    ImportReport,
    OwnAreas,
    Progress,
    RowError,
    cell_text,
    flag,
    month_of,
    recompute_queue,
    rows_parse,
    whole_number,
)
from submissions.imports.reader import table_open
from submissions.spreadsheet import PACK_CSV_COMPUTED

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
# A pack's CSV (``packs.exports``) re-imports: its computed columns are read and ignored.
MONTH_VALUE_READ = MONTH_VALUE_ALLOWED | set(PACK_CSV_COMPUTED)


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
    areas: Areas,
    indicators: dict[str, Indicator],
    categories: dict[tuple[int, str], IndicatorCategory],
) -> _ParsedValue:
    area = areas.get(row["area"])
    indicator = indicators.get(row["indicator"])
    if indicator is None:
        raise ValueError(f"unknown indicator {row['indicator']!r}")
    month = month_of(row["month"])
    category = None
    if row.get("category"):
        category = categories.get((indicator.id, row["category"]))
        if category is None:
            raise ValueError(f"{indicator.code} has no category {row['category']!r}")
    status = row.get("status", "").lower() or ValueStatus.REPORTED
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
        "reference_period": cell_text(row, "reference_period", MonthValue, "reference_period"),
        "is_estimated": flag(row.get("estimated", "")),
    }
    has_figure = any(row.get(c) for c in ("value", "numerator", "denominator"))
    if status != ValueStatus.REPORTED:
        if has_figure:
            raise ValueError(f"a {status} row cannot also carry a figure")
        if status == ValueStatus.NOT_AVAILABLE and not fields["reason"]:
            raise ValueError("not_available needs a reason")
        return _ParsedValue(line, indicator, area, month, category, fields)
    if row.get("numerator") or row.get("denominator"):
        num = whole_number(row.get("numerator", ""), "numerator")
        # A source may publish the numerator alone (MARAC's monthly totals are not published).
        den = whole_number(row["denominator"], "denominator") if row.get("denominator") else None
        if den is not None and num > den:
            raise ValueError(f"numerator {num} is more than denominator {den}")
        fields.update(numerator=num, denominator=den)
    elif row.get("value"):
        text = row["value"].replace(",", "")
        if indicator.kind == IndicatorKind.ROLLING and "." in text:  # a published rate, e.g. 43.0
            try:
                decimal = Decimal(text)
            except InvalidOperation:
                raise ValueError(f"value {row['value']!r} is not a number") from None
            if not decimal.is_finite() or decimal < 0 or decimal >= MAX_RATE:
                raise ValueError(f"value {row['value']!r} is not a usable rate")
            fields["decimal_value"] = decimal.quantize(Decimal("0.0001"))
        else:
            fields["value"] = whole_number(row["value"], "value")
    else:
        raise ValueError("no figure: give value, or numerator and denominator, or a status")
    _check_shape(indicator, category, fields)
    return _ParsedValue(line, indicator, area, month, category, fields)


def _pack_rows_skip(
    rows: list[dict[str, str]],
    report: ImportReport,
    indicators: dict[str, Indicator],
    with_categories: set[int],
) -> None:
    """Drop the rows of a pack's CSV (it has the computed ``kind`` column) that hold nothing to
    store, each listed as skipped: a month without a figure (``not_submitted``, the pack's word,
    never stored) and a month of an indicator counted by category, whose figures are in its
    categories, which the pack's CSV does not carry."""
    if not rows or "kind" not in rows[0]:
        return
    kept = []
    for row in rows:
        indicator = indicators.get(row.get("indicator", ""))
        by_category = indicator is not None and indicator.id in with_categories
        figure = any(row.get(c) for c in ("value", "numerator", "denominator"))
        status = row.get("status", "").lower()
        if status == NOT_SUBMITTED or (
            by_category and not row.get("category") and not figure and status == "reported"
        ):
            report.skipped += 1
            what = f"{row.get('area', '')}, {row.get('indicator', '')}, {row.get('month', '')}"
            report.outcomes.append((int(row[LINE]), "skipped", what))
            continue
        kept.append(row)
    rows[:] = kept


def _check_shape(
    indicator: Indicator, category: IndicatorCategory | None, fields: dict[str, Any]
) -> None:
    """The figure must be the kind the indicator measures (the engine reads it that way)."""
    ratio = fields["numerator"] is not None
    kind = indicator.kind
    if kind == IndicatorKind.RATIO and not ratio:
        raise ValueError(f"{indicator.code} is a ratio: give numerator and denominator")
    if kind in {*COUNT_KINDS, IndicatorKind.SNAPSHOT} and (ratio or fields["value"] is None):
        raise ValueError(f"{indicator.code} takes a whole-number value")
    if kind == IndicatorKind.BREAKDOWN and category is None:
        raise ValueError(f"{indicator.code} is a breakdown: give the category")
    if kind == IndicatorKind.ROLLING and ratio and category is None:
        raise ValueError(f"{indicator.code} takes a value (or n/N per category)")


def month_values_import(
    *,
    content: bytes,
    filename: str,
    user: User | None,
    now: dt.datetime,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Check (and unless ``dry_run``, store) a month-values file. Raises ImportRefused.

    A dry run only reads the database, so it can run anywhere (a task reporting progress) and
    holds no locks.
    """
    report, rows = table_open(
        content, filename, MONTH_VALUE_REQUIRED, MONTH_VALUE_READ, progress=progress
    )
    areas = Areas()
    indicators = {i.code: i for i in Indicator.objects.all()}
    categories = {(c.indicator_id, c.code): c for c in IndicatorCategory.objects.all()}
    _pack_rows_skip(rows, report, indicators, {i for i, _ in categories})

    def parse(row: dict[str, str]) -> tuple[tuple[int, int, dt.date, int | None], _ParsedValue]:
        value = _parse_month_value(row, int(row[LINE]), areas, indicators, categories)
        category = value.category.id if value.category else None
        return (value.indicator.id, value.area.id, value.month, category), value

    parsed = rows_parse(rows, report, parse, progress=progress)
    if progress:
        progress(85, "Comparing with the stored figures")
    if dry_run:
        _store_month_values(
            parsed, report, user=user, now=now, filename=filename, own=OwnAreas.load(), write=False
        )
        if report.errors:
            raise ImportRefused(report)
        return report
    with transaction.atomic():
        _store_month_values(
            parsed, report, user=user, now=now, filename=filename, own=OwnAreas.load(), write=True
        )
        if report.errors:
            transaction.set_rollback(True)
            raise ImportRefused(report)
        report.stored = True
    return report


def _store_month_values(
    parsed: list[_ParsedValue],
    report: ImportReport,
    *,
    user: User | None,
    now: dt.datetime,
    filename: str,
    own: OwnAreas,
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
    limits = _figure_limits(indicator_ids, area_ids)
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
        refusal = None
        if changes:
            refusal = own.refusal(p.area, p.month, user) or _over_limit(
                p, limits.get((p.indicator.id, p.area.id))
            )
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
    recompute_queue(
        touched, {k: v for k, v in first_month.items() if span_ok[k]}, now=now, reason=reason
    )


def _figure_limits(indicator_ids: set[int], area_ids: set[int]) -> dict[tuple[int, int], int]:
    """(indicator, area) -> the largest figure the area's partnership allows for it, where its
    adoption sets one (the entry form's plausibility limit; the default, derived from the
    stored history, is the entry form's alone: an import may be that history)."""
    adoptions = Adoption.objects.filter(
        indicator_id__in=indicator_ids,
        partnership__area_id__in=area_ids,
        figure_limit__isnull=False,
        retired_on__isnull=True,
    ).order_by()
    return {
        (indicator, area): limit
        for indicator, area, limit in adoptions.values_list(
            "indicator_id", "partnership__area_id", "figure_limit"
        )
        if limit is not None
    }


def _over_limit(p: _ParsedValue, limit: int | None) -> str | None:
    """Why a row's figure cannot be, if one is above the partnership's maximum (as the entry
    form refuses it: a figure with a few extra digits would otherwise reach the board)."""
    if limit is None:
        return None
    f = p.fields
    for name, figure in (
        ("value", f["value"]),
        ("numerator", f["numerator"]),
        ("denominator", f["denominator"]),
        ("value", f["decimal_value"]),
    ):
        if figure is not None and figure > limit:
            return (
                f"{name} {figure_text(figure)} is more than {p.indicator.code} can be for "
                f"{p.area.name}: at most {number(limit)}, the maximum its partnership set. Check "
                "the figure; if it is right, the coordinator can set a higher maximum in the "
                "indicator's settings"
            )
    return None
