"""Entry points of the processes a parallel full recompute spawns.

Kept apart from ``indicators.services`` so a spawned child can import them before Django is set
up (``init_child`` sets it up); everything else is imported inside the functions.
"""

from __future__ import annotations

import datetime as dt
import os


def init_child(settings_module: str, db: dict[str, object]) -> None:
    """Set up Django in a spawned child, on the parent's database (e.g. a test database)."""
    os.environ["DJANGO_SETTINGS_MODULE"] = settings_module
    import django
    from django.conf import settings
    from django.db import connections

    django.setup()
    settings.DATABASES["default"].update(db)
    connections["default"].settings_dict.update(db)


def recompute_chunk(
    indicator_ids: list[int], now: dt.datetime, stage_metrics: str, stage_ranks: str
) -> tuple[int, int, int]:
    """In a child process: compute a share of the indicators into the staging tables."""
    from django.db import connections, transaction

    from indicators.services import (
        METRIC_COLUMNS,
        RANK_COLUMNS,
        RecomputeReport,
        _catalogue,
        _compute_rows,
        _group_members,
        _rank_inputs,
        _rank_rows,
        bulk_insert,
    )

    try:
        report = RecomputeReport()
        catalogue = _catalogue(indicator_ids)
        rows, rates = _compute_rows(catalogue, None, None, now, report)
        with transaction.atomic():
            bulk_insert(stage_metrics, METRIC_COLUMNS, rows)
            count = len(rows)
            del rows
            members, _areas = _group_members(None)
            supplied_by, per_n = _rank_inputs(indicator_ids, None)
            ranks = _rank_rows(rates, members, supplied_by, per_n)
            bulk_insert(stage_ranks, RANK_COLUMNS, ranks)
        return report.series, count, len(ranks)
    finally:
        connections.close_all()
