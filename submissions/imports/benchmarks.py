"""Import of supplied benchmarks (a comparator group's position and size for a month).

All or nothing, as every import (``submissions.imports.common``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import transaction
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from csp.models import ComparatorGroup
from csp.users import User
from indicators.models import Indicator, SuppliedBenchmark
from submissions.imports.common import (
    MAX_RATE,
    Areas,
    ImportReport,
    OwnAreas,
    Progress,
    cell_text,
    month_of,
    recompute_queue,
    rows_parse,
    whole_number,
)
from submissions.imports.reader import table_open

BENCHMARK_REQUIRED = {"area", "indicator", "month", "group", "position", "size"}


BENCHMARK_ALLOWED = BENCHMARK_REQUIRED | {"average", "source"}


MAX_GROUP_SIZE = 32_767  # the database column's limit


def benchmarks_import(
    *,
    content: bytes,
    filename: str,
    user: User | None,
    now: dt.datetime,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Check (and unless ``dry_run``, store) a supplied-benchmarks file. Raises ImportRefused."""
    report, rows = table_open(
        content, filename, BENCHMARK_REQUIRED, BENCHMARK_ALLOWED, progress=progress
    )
    areas = Areas()
    own = OwnAreas.load()
    indicators = {i.code: i for i in Indicator.objects.all()}
    groups = {g.code: g for g in ComparatorGroup.objects.all()}
    source_limit = SuppliedBenchmark._meta.get_field("source").max_length or 200

    def parse(row: dict[str, str]) -> tuple[tuple[int, int, dt.date, int], SuppliedBenchmark]:
        area = own.area(row, areas, user)
        indicator = indicators.get(row["indicator"])
        if indicator is None:
            raise ValueError(f"unknown indicator {row['indicator']!r}")
        group = groups.get(row["group"])
        if group is None:
            raise ValueError(f"unknown group {row['group']!r}")
        month = month_of(row["month"])
        position = whole_number(row["position"], "position")
        size = whole_number(row["size"], "size")
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
        source = cell_text(row, "source", SuppliedBenchmark, "source")
        benchmark = SuppliedBenchmark(
            indicator=indicator,
            area=area,
            month=month,
            group=group,
            position=position,
            size=size,
            average=average,
            source=source or filename[:source_limit],
        )
        return (indicator.id, area.id, month, group.id), benchmark

    parsed = rows_parse(rows, report, parse, progress=progress)
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
    user: User | None,
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
    recompute_queue(touched, {}, now=now, reason=reason)
    report.stored = True
