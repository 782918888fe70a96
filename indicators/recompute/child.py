"""Entry points of the processes a parallel full recompute spawns.

Kept apart from the rest of ``indicators.recompute`` so a spawned child can import them before
Django is set up (``init_child`` sets it up); everything else is imported inside the functions.
"""

from __future__ import annotations

import ctypes
import datetime as dt
import os
import signal
import sys

# prctl(2) option: the signal the kernel sends this process when its parent dies.
PR_SET_PDEATHSIG = 1


def die_with_parent(parent_pid: int) -> None:
    """Have Linux kill this process when its parent dies.

    A parent killed with SIGKILL runs no clean-up, and its children would go on computing (and
    holding their database sessions and the staging tables) for as long as their share takes.
    Elsewhere than Linux this does nothing: the parent's try/finally is all there is.
    """
    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"prctl(PR_SET_PDEATHSIG): {os.strerror(errno)}")
    if os.getppid() != parent_pid:
        # The parent died before the request took effect: nobody is left to signal us.
        os._exit(1)


def init_child(settings_module: str, db: dict[str, object], parent_pid: int) -> None:
    """Set up Django in a spawned child, on the parent's database (e.g. a test database)."""
    die_with_parent(parent_pid)
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

    from indicators.bulk import bulk_insert
    from indicators.recompute.compute import METRIC_COLUMNS, RecomputeReport, compute_rows
    from indicators.recompute.load import catalogue_load
    from indicators.recompute.ranks import (
        RANK_COLUMNS,
        group_members,
        rank_inputs,
        rank_rows,
        released_load,
    )

    try:
        report = RecomputeReport()
        catalogue = catalogue_load(indicator_ids)
        rows, rates, _early = compute_rows(catalogue, None, None, now, report)
        with transaction.atomic():
            bulk_insert(stage_metrics, METRIC_COLUMNS, rows)
            count = len(rows)
            del rows
            members, _areas, partners = group_members(None)
            supplied_by, per_n = rank_inputs(indicator_ids, None)
            released = released_load(indicator_ids, partners)
            ranks = rank_rows(rates, members, supplied_by, per_n, released)
            bulk_insert(stage_ranks, RANK_COLUMNS, ranks)
        return report.series, count, len(ranks)
    finally:
        connections.close_all()
