"""Issue 10's acceptance check: after five years of a comparator borough's figures are imported,
``recompute --from 2016-12`` leaves every derived row as a full recompute writes it.

The borough is Barnet (E09000003, in the demo's MET group). The seed prints no monthly figures
for comparator boroughs, only ranks, so its series are made up but realistic: for each monthly
count the demo holds for Barking and Dagenham, Barking and Dagenham's mean month scaled to
Barnet's population, with a seasonal swing, a step up from April 2014 (a recording change: SPC
signals fire), a slow trend and noise; one month is "not available". Barnet's residents go in
through the populations import, so its rates are derived and compared too.

Used by tests/integration/test_recompute_incremental.py and by bench/compare_recompute.py (the
same check on a fresh database, printed for a closing note). Needs Django set up and the demo
loaded.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import random
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass

from django.core.management import call_command

from csp.celery import app
from csp.models import Area, Population
from indicators.engine.periods import add_months
from indicators.models import DerivedMetric, DerivedRank, Indicator, MonthValue
from indicators.services import METRIC_FIELDS, RANK_COLUMNS
from submissions.imports.month_values import month_values_import
from submissions.imports.populations import populations_import
from tests.integration.import_helpers import csv_bytes

BOROUGH = "E09000003"  # Barnet
BOROUGH_RESIDENTS = [("2011-06-01", 357_500), ("2013-06-01", 369_100), ("2015-06-01", 379_700)]
FIRST = dt.date(2012, 1, 1)
MONTHS = 60  # January 2012 to December 2016
NOT_AVAILABLE = ("theft-from-person", "2013-11")

Rows = list[tuple[object, ...]]


def borough_month_values(seed: int = 57) -> tuple[bytes, list[list[object]]]:
    """The month-values file (CSV in the import's layout) and its rows."""
    own = Area.objects.get(code="E09000002")
    own_residents = (
        Population.objects.filter(area=own, series__code="residents-mye")
        .order_by("-in_force_from")
        .values_list("value", flat=True)
        .first()
    )
    scale = BOROUGH_RESIDENTS[-1][1] / (own_residents or 1)
    rng = random.Random(seed)
    rows: list[list[object]] = []
    counts = Indicator.objects.filter(kind__in=["count", "ceiling"], frequency="monthly")
    for indicator in counts.filter(adoptions__partnership__area=own).order_by(
        "adoptions__pack_order"
    ):
        figures = MonthValue.objects.filter(
            indicator=indicator, area=own, category__isnull=True, value__isnull=False
        ).values_list("value", flat=True)
        if not figures:
            continue
        level = sum(figures) / len(figures) * scale
        for i in range(MONTHS):
            month = add_months(FIRST, i)
            label = month.strftime("%Y-%m")
            if (indicator.code, label) == NOT_AVAILABLE:
                rows.append([BOROUGH, indicator.code, label, "", "not_available", "not published"])
                continue
            seasonal = 1 + 0.08 * math.sin(2 * math.pi * (month.month - 4) / 12)
            step = 1.12 if month >= dt.date(2014, 4, 1) else 1.0
            mean = level * seasonal * step * (1 + 0.002 * (i - 30))
            value = max(0, round(rng.gauss(mean, 1.5 * math.sqrt(mean))))
            rows.append([BOROUGH, indicator.code, label, str(value), "", ""])
    header = ["area", "indicator", "month", "value", "status", "reason"]
    return csv_bytes(header, rows), rows


def borough_populations() -> bytes:
    header = ["area", "kind", "series", "value", "in_force_from", "source"]
    rows = [
        [
            BOROUGH,
            "residents",
            "residents-mye",
            str(value),
            start,
            "ONS mid-year estimate (rounded)",
        ]
        for start, value in BOROUGH_RESIDENTS
    ]
    return csv_bytes(header, rows)


def derived_store() -> tuple[Rows, Rows]:
    """Every derived row (all columns but the id and the time it was computed), and every rank."""

    keys = ["indicator_id", "area_id", "month"]
    metrics = DerivedMetric.objects.order_by(*keys).values_list(*keys, *METRIC_FIELDS)
    ranks = DerivedRank.objects.order_by(*keys, "group_id").values_list(*RANK_COLUMNS)
    return list(metrics), list(ranks)


@dataclass(frozen=True)
class Comparison:
    """Two dumps of one table, row by row on its key (the first ``key`` columns)."""

    rows: int  # rows in the reference dump
    differences: int  # rows missing from either side, or with any column different
    first: str  # the first difference, named, or ""

    @classmethod
    def of(cls, dump: Rows, reference: Rows, columns: list[str], key: int = 3) -> Comparison:
        mine = {row[:key]: row for row in dump}
        theirs = {row[:key]: row for row in reference}
        differences, first = 0, ""
        for k in sorted(mine.keys() | theirs.keys(), key=str):
            a, b = mine.get(k), theirs.get(k)
            if a == b:
                continue
            differences += 1
            if not first:
                first = _difference(k, a, b, columns)
        return cls(rows=len(reference), differences=differences, first=first)


def _difference(
    key: tuple[object, ...],
    a: tuple[object, ...] | None,
    b: tuple[object, ...] | None,
    columns: list[str],
) -> str:
    if a is None:
        return f"{key} only in the full recompute"
    if b is None:
        return f"{key} only in the run compared"
    name, x, y = next((n, x, y) for n, x, y in zip(columns, a, b, strict=True) if x != y)
    return f"{key} {name}: {x!r} against the full recompute's {y!r}"


@dataclass(frozen=True)
class Outcome:
    imported: str  # the import's summary
    from_summary: str  # what recompute --from said
    after_import: tuple[Comparison, Comparison]  # derived rows and ranks against the full run
    after_from: tuple[Comparison, Comparison]
    spc_rows: int  # the borough's rows carrying SPC limits
    signals: int  # ... and of those, rows flagged as special cause

    def lines(self) -> list[str]:
        out = [self.imported, f"recompute --from: {self.from_summary}"]
        for name, (metrics, ranks) in [
            ("after the import (its own queued recomputes)", self.after_import),
            ("after recompute --from 2016-12", self.after_from),
        ]:
            out.append(
                f"{name} against a full recompute: {metrics.rows:,} derived rows compared, "
                f"{metrics.differences} differ; {ranks.rows:,} ranks compared, "
                f"{ranks.differences} differ"
            )
            out += [f"  first difference: {c.first}" for c in (metrics, ranks) if c.first]
        out.append(
            f"Barnet's rows with SPC limits: {self.spc_rows:,}, of which {self.signals} flag "
            "special cause"
        )
        return out


def recompute_from_against_full(
    *,
    now: dt.datetime,
    from_month: str = "2016-12",
    committing: Callable[[], AbstractContextManager[object]] = nullcontext,
) -> Outcome:
    """Import the borough's five years (the queued recomputes run as a worker would run them),
    dump the store, run ``recompute --from``, dump it, run a full ``recompute``, dump it, and
    compare. ``committing`` wraps each import so that its on-commit callbacks run (a test's
    capture of them; nothing where the import commits for real)."""
    content, _rows = borough_month_values()
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True  # the queued recomputes run here, as the worker would
    try:
        with committing():
            populations_import(
                content=borough_populations(), filename="barnet-residents.csv", user=None, now=now
            )
        with committing():
            report = month_values_import(
                content=content, filename="barnet-2012-2016.csv", user=None, now=now
            )
    finally:
        app.conf.task_always_eager = eager
    after_import = derived_store()
    said = io.StringIO()
    call_command("recompute", "--from", from_month, stdout=said)
    after_from = derived_store()
    call_command("recompute", stdout=io.StringIO())
    full = derived_store()
    metric_columns = ["indicator", "area", "month", *METRIC_FIELDS]

    def compare(dump: tuple[Rows, Rows]) -> tuple[Comparison, Comparison]:
        return (
            Comparison.of(dump[0], full[0], metric_columns),
            Comparison.of(dump[1], full[1], RANK_COLUMNS, key=4),
        )

    borough = DerivedMetric.objects.filter(area__code=BOROUGH, spc_mean__isnull=False)
    return Outcome(
        imported=report.summary(),
        from_summary=said.getvalue().strip(),
        after_import=compare(after_import),
        after_from=compare(after_from),
        spc_rows=borough.count(),
        signals=borough.exclude(spc_signal="").count(),
    )
