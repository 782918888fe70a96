"""The full recompute on several processes, swapped into the store in one transaction.

Each spawned process (``child``) computes a share of the indicators into unlogged staging
tables; the live tables' constraints and indexes are dropped while the staged rows are copied in
and built again afterwards, all inside one transaction that readers wait for."""

from __future__ import annotations

import datetime as dt
import logging
import multiprocessing
import os
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager

from django.db import DatabaseError, connection, transaction

from indicators.models import (
    DerivedMetric,
    DerivedRank,
    MonthValue,
)
from indicators.recompute import child
from indicators.recompute.compute import METRIC_COLUMNS, RecomputeReport
from indicators.recompute.load import Catalogue
from indicators.recompute.ranks import RANK_COLUMNS

logger = logging.getLogger(__name__)

PARALLEL_MIN_VALUES = 200_000


# PostgreSQL advisory lock key held by a parallel full recompute for its whole run, staging
# tables included. A killed run's session ends, and its lock with it.
FULL_RECOMPUTE_LOCK = 0x6373_7001


_STAGE_TABLES_SQL = (
    "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
    "AND (tablename LIKE 'stage\\_metrics\\_%' OR tablename LIKE 'stage\\_ranks\\_%')"
)


@contextmanager
def _advisory_lock(key: int) -> Iterator[None]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [key])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [key])


def stage_tables_drop_stale(*, locked: bool = False) -> list[str]:
    """Drop the staging tables a killed full recompute left behind; returns their names.

    Only while holding the full-recompute lock (``locked``: the caller holds it), since a
    running full recompute holds it: when it cannot be had at once, nothing is dropped. A table
    a dying child still writes to is left for the next run rather than waited for.
    """
    if connection.vendor != "postgresql":
        return []
    dropped: list[str] = []
    with connection.cursor() as cursor:
        if not locked:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [FULL_RECOMPUTE_LOCK])
            if not cursor.fetchone()[0]:
                return []
        try:
            cursor.execute(_STAGE_TABLES_SQL)
            stale = [row[0] for row in cursor.fetchall()]
            for table in stale:
                try:
                    # A savepoint when the caller has a transaction: a failure here must not
                    # abort the caller's work.
                    with transaction.atomic():
                        cursor.execute(f'LOCK TABLE "{table}" IN ACCESS EXCLUSIVE MODE NOWAIT')
                        cursor.execute(f'DROP TABLE "{table}"')
                except DatabaseError as exc:
                    logger.warning("Staging table %s not dropped yet: %s", table, exc)
                else:
                    dropped.append(table)
        finally:
            if not locked:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [FULL_RECOMPUTE_LOCK])
    if dropped:
        logger.warning("Dropped staging tables left by a killed recompute: %s", ", ".join(dropped))
    return dropped


def auto_workers(everything: bool) -> int:
    """Processes for a full recompute: one per core for a large PostgreSQL store, else one."""
    if not everything or connection.vendor != "postgresql" or connection.in_atomic_block:
        return 1
    if multiprocessing.current_process().daemon:  # e.g. inside a prefork Celery child
        return 1
    if MonthValue.objects.count() < PARALLEL_MIN_VALUES:
        return 1
    return max(1, min(os.cpu_count() or 1, 4))


def full_recompute_parallel(
    catalogue: Catalogue, *, now: dt.datetime, workers: int, report: RecomputeReport
) -> None:
    """Each process computes a share of the indicators (all areas, so ranks are complete) into
    unlogged staging tables; the store is then replaced from them in one transaction."""
    if connection.in_atomic_block:
        raise RuntimeError("a parallel recompute cannot run inside a transaction")
    # One full recompute at a time: a second one waits here, so it never takes a running one's
    # staging tables for a killed one's.
    with _advisory_lock(FULL_RECOMPUTE_LOCK):
        stage_tables_drop_stale(locked=True)
        _full_recompute_staged(catalogue, now=now, workers=workers, report=report)


def _full_recompute_staged(
    catalogue: Catalogue, *, now: dt.datetime, workers: int, report: RecomputeReport
) -> None:
    suffix = f"{os.getpid()}_{int(time.time() * 1000)}"
    stages = {
        DerivedMetric._meta.db_table: (f"stage_metrics_{suffix}", METRIC_COLUMNS),
        DerivedRank._meta.db_table: (f"stage_ranks_{suffix}", RANK_COLUMNS),
    }
    with connection.cursor() as cursor:
        for table, (stage, columns) in stages.items():
            cursor.execute(
                f"CREATE UNLOGGED TABLE {stage} AS SELECT {', '.join(columns)} FROM {table} "
                "WITH NO DATA"
            )
    ids = sorted(catalogue.indicators)
    chunks = [ids[i::workers] for i in range(workers) if ids[i::workers]]
    try:
        phase_started = time.perf_counter()
        # Spawned (not forked) children: a forked child would share the parent's database
        # socket. Each opens its own connection to the same database.
        context = multiprocessing.get_context("spawn")
        db = {k: connection.settings_dict[k] for k in ("NAME", "USER", "PASSWORD", "HOST", "PORT")}
        pool = ProcessPoolExecutor(
            max_workers=len(chunks),
            mp_context=context,
            initializer=child.init_child,
            initargs=(os.environ.get("DJANGO_SETTINGS_MODULE", "csp.settings"), db, os.getpid()),
        )
        finished = False
        try:
            done = list(
                pool.map(
                    child.recompute_chunk,
                    chunks,
                    [now] * len(chunks),
                    [stages[DerivedMetric._meta.db_table][0]] * len(chunks),
                    [stages[DerivedRank._meta.db_table][0]] * len(chunks),
                )
            )
            finished = True
        finally:
            if not finished:
                # A failed share or an interrupt: stop the others now instead of waiting for
                # them to finish work that will be thrown away.
                for process in list((pool._processes or {}).values()):
                    process.terminate()
            pool.shutdown(wait=True, cancel_futures=True)
        report.phases = {f"compute on {len(chunks)} processes": time.perf_counter() - phase_started}
        for series, rows, ranks in done:
            report.series += series
            report.rows += rows
            report.ranks += ranks
        phase_started = time.perf_counter()
        models_by_table = {m._meta.db_table: m for m in (DerivedMetric, DerivedRank)}
        # Readers wait for this short transaction (TRUNCATE locks the tables); they never see a
        # half-written store. Loading without the unique indexes and building them afterwards is
        # far cheaper than maintaining them row by row.
        with (
            transaction.atomic(),
            connection.cursor() as cursor,
            connection.schema_editor(atomic=False) as editor,
        ):
            cursor.execute(f"TRUNCATE {', '.join(stages)}")
            for table, (stage, columns) in stages.items():
                model = models_by_table[table]
                for constraint in model._meta.constraints:
                    editor.remove_constraint(model, constraint)
                for index in model._meta.indexes:
                    editor.remove_index(model, index)
                cols = ", ".join(columns)
                cursor.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM {stage}")
                for constraint in model._meta.constraints:
                    editor.add_constraint(model, constraint)
                for index in model._meta.indexes:
                    editor.add_index(model, index)
        report.phases["swap in"] = time.perf_counter() - phase_started
    finally:
        with connection.cursor() as cursor:
            for stage, _columns in stages.values():
                cursor.execute(f"DROP TABLE IF EXISTS {stage}")
