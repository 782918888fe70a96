"""Write: replace the scope's derived rows (bulk upsert, then drop those no longer produced)."""

from __future__ import annotations

import datetime as dt
import functools
import operator
from collections.abc import Sequence

from django.db.models import Q

from indicators.bulk import bulk_insert, bulk_upsert
from indicators.models import (
    DerivedMetric,
)
from indicators.recompute.compute import METRIC_COLUMNS, EarlyStart
from indicators.recompute.load import Catalogue

# Series per delete statement when dropping rows before the --from month (a bound on the SQL).
_EARLY_BATCH = 300


def metrics_write(
    rows: list[tuple[object, ...]],
    *,
    now: dt.datetime,
    scope: tuple[Catalogue, Sequence[int] | None, dt.date | None],
    everything: bool,
    early: Sequence[EarlyStart] = (),
) -> int:
    """Replace the scope's rows with ``rows``: upsert, then drop rows no longer produced.

    With a ``from_month`` in the scope, the rows dropped are those from that month on, and those
    of each ``early`` series from its own earlier start.
    """
    catalogue, area_ids, from_month = scope
    table = DerivedMetric._meta.db_table
    if everything:
        DerivedMetric.objects.all().delete()
        bulk_insert(table, METRIC_COLUMNS, rows)
        return len(rows)
    bulk_upsert(table, METRIC_COLUMNS, ["indicator_id", "area_id", "month"], rows)
    stale = DerivedMetric.objects.filter(indicator_id__in=list(catalogue.indicators)).exclude(
        computed_at=now
    )
    if area_ids is not None:
        stale = stale.filter(area_id__in=area_ids)
    if from_month is not None:
        for i in range(0, len(early), _EARLY_BATCH):
            series = [
                Q(indicator_id=s.indicator_id, area_id=s.area_id, month__gte=s.month)
                for s in early[i : i + _EARLY_BATCH]
            ]
            stale.filter(functools.reduce(operator.or_, series), month__lt=from_month).delete()
        stale = stale.filter(month__gte=from_month)
    stale.delete()
    return len(rows)
