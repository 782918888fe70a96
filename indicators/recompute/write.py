"""Write: replace the scope's derived rows (bulk upsert, then drop those no longer produced)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from indicators.bulk import bulk_insert, bulk_upsert
from indicators.models import (
    DerivedMetric,
)
from indicators.recompute.compute import METRIC_COLUMNS
from indicators.recompute.load import Catalogue


def metrics_write(
    rows: list[tuple[object, ...]],
    *,
    now: dt.datetime,
    scope: tuple[Catalogue, Sequence[int] | None, dt.date | None],
    everything: bool,
) -> int:
    """Replace the scope's rows with ``rows``: upsert, then drop rows no longer produced."""
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
        stale = stale.filter(month__gte=from_month)
    stale.delete()
    return len(rows)
