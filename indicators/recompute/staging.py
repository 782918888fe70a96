"""Staging tables for a full recompute, and the swap by rename (PostgreSQL; ADR 0028).

A run's staging tables are copies of the live tables' definitions (``LIKE … INCLUDING ALL
EXCLUDING INDEXES``: columns, defaults, identity, NOT NULL and CHECK constraints). The chunks
fill them without indexes (a COPY into a table with a four-column unique index costs about twice
the COPY alone); before the swap, ``stages_finish`` gives them the live tables' primary key,
unique constraints and indexes (a unique violation fails the run there), then their foreign
keys under the same names, each checked against the rows in one scan. The swap renames the live
tables, their indexes and their identity sequences out of the way and the staging ones into
their names, in one short transaction. The old tables are dropped afterwards. No constraint is
dropped on a live table: the tables that become live have all of theirs before the swap.
"""

from __future__ import annotations

import logging
import re
from concurrent.futures import ThreadPoolExecutor

from django.db import DatabaseError, connection, connections, transaction

from indicators.models import DerivedMetric, DerivedRank, RecomputeRun

logger = logging.getLogger(__name__)

# Short names for the two derived tables, used in the staging and retired tables' names.
SHORT = {"metrics": DerivedMetric, "ranks": DerivedRank}

_LEFTOVERS_SQL = (
    "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
    "AND (tablename LIKE 'stage\\_metrics\\_%%' OR tablename LIKE 'stage\\_ranks\\_%%' "
    "OR tablename LIKE 'retired\\_metrics\\_%%' OR tablename LIKE 'retired\\_ranks\\_%%')"
)


def live_table(short: str) -> str:
    return SHORT[short]._meta.db_table


def stage_table(short: str, run_id: int) -> str:
    return f"stage_{short}_{run_id}"


def retired_table(short: str, run_id: int) -> str:
    return f"retired_{short}_{run_id}"


def stages_create(run_id: int) -> None:
    """Create the run's empty staging tables with the live tables' indexes and constraints."""
    with transaction.atomic(), connection.cursor() as cursor:
        for short in SHORT:
            live, stage = live_table(short), stage_table(short, run_id)
            cursor.execute(f'DROP TABLE IF EXISTS "{stage}"')
            cursor.execute(
                f'CREATE TABLE "{stage}" (LIKE "{live}" INCLUDING ALL EXCLUDING INDEXES)'
            )


def stages_finish(run_id: int) -> None:
    """Give the loaded staging tables the live tables' primary key, unique constraints and
    indexes (built from the rows, each in one sort), then their foreign keys under the same
    names (a foreign key's name is unique per table, not per schema), checked against the rows
    in one scan each, and analyse them. Idempotent: a retried swap skips what is there.

    The two tables are finished at once, each in a session (and transaction) of its own, so
    PostgreSQL builds the ranks' indexes on one core while it builds the metrics' on another.
    Inside a caller's transaction (which other sessions could not see into) one after another.
    (The derived tables have no foreign keys today, ``db_constraint=False``: the copy is there
    so that one added later is kept, not lost by the swap.)
    """
    if connection.in_atomic_block or not connection.get_autocommit():
        for short in SHORT:
            _stage_finish(run_id, short)
        return
    with ThreadPoolExecutor(max_workers=len(SHORT), thread_name_prefix="stage-finish") as pool:
        futures = [pool.submit(_stage_finish_own_session, run_id, short) for short in SHORT]
    # Both have ended here (leaving the pool waits for them): the first failure is raised, and
    # a second one is logged rather than lost.
    failures = [exc for exc in (future.exception() for future in futures) if exc is not None]
    for exc in failures[1:]:
        logger.error("Finishing run %s's staging tables also failed: %s", run_id, exc)
    if failures:
        raise failures[0]


def _stage_finish_own_session(run_id: int, short: str) -> None:
    try:
        _stage_finish(run_id, short)
    finally:
        connections.close_all()  # this thread's own connections only


def _stage_finish(run_id: int, short: str) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        live, stage = live_table(short), stage_table(short, run_id)
        indexes_copy(cursor, live, stage)
        have = _foreign_keys(cursor, stage)
        for name, definition in _foreign_keys(cursor, live).items():
            if name not in have:
                cursor.execute(f'ALTER TABLE "{stage}" ADD CONSTRAINT "{name}" {definition}')
        cursor.execute(f'ANALYZE "{stage}"')


def indexes_copy(cursor, live: str, stage: str) -> None:
    """The live table's index-backed constraints (as constraints) and other indexes on the
    staging table, under names of its own (the swap gives them the live names)."""
    have = set(_indexes(cursor, stage).values())
    cursor.execute(
        "SELECT conindid::regclass::text, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype IN ('p', 'u') ORDER BY conname",
        [live],
    )
    constraints = dict(cursor.fetchall())
    for i, (name, definition) in enumerate(sorted(_indexes(cursor, live).items())):
        if definition in have:
            continue
        if name in constraints:
            cursor.execute(
                f'ALTER TABLE "{stage}" ADD CONSTRAINT "{stage}_k{i}" {constraints[name]}'
            )
        else:
            cursor.execute(definition.replace("INDEX ON", f'INDEX "{stage}_i{i}" ON "{stage}"', 1))


def _foreign_keys(cursor, table: str) -> dict[str, str]:
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype = 'f'",
        [table],
    )
    return dict(cursor.fetchall())


def _indexes(cursor, table: str) -> dict[str, str]:
    """Index name -> its definition without its own name and table (so two tables' match)."""
    cursor.execute(
        "SELECT indexname, indexdef FROM pg_indexes "
        "WHERE schemaname = current_schema() AND tablename = %s",
        [table],
    )
    found = {}
    for name, definition in cursor.fetchall():
        found[name] = re.sub(r"INDEX \S+ ON \S+", "INDEX ON", definition)
    return found


def _identity_sequence(cursor, table: str) -> str | None:
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
    row = cursor.fetchone()
    return row[0] if row and row[0] else None


def swap_by_rename(run_id: int) -> None:
    """Inside the caller's transaction: put the staging tables in the live tables' place, with
    the live names for their indexes (and so their unique and primary-key constraints) and
    identity sequences. The live tables go to ``retired_*`` under throw-away index names."""
    with connection.cursor() as cursor:
        for short in SHORT:
            live, stage = live_table(short), stage_table(short, run_id)
            retired = retired_table(short, run_id)
            live_indexes = _indexes(cursor, live)
            by_definition = {d: n for n, d in _indexes(cursor, stage).items()}
            live_sequence = _identity_sequence(cursor, live)
            stage_sequence = _identity_sequence(cursor, stage)
            cursor.execute(f'LOCK TABLE "{live}" IN ACCESS EXCLUSIVE MODE')
            cursor.execute(f'ALTER TABLE "{live}" RENAME TO "{retired}"')
            cursor.execute(f'ALTER TABLE "{stage}" RENAME TO "{live}"')
            for i, (name, definition) in enumerate(sorted(live_indexes.items())):
                cursor.execute(f'ALTER INDEX "{name}" RENAME TO "{retired}_{i}"')
                cursor.execute(f'ALTER INDEX "{by_definition[definition]}" RENAME TO "{name}"')
            if live_sequence and stage_sequence:
                bare = live_sequence.rsplit(".", 1)[-1].strip('"')
                cursor.execute(f'ALTER SEQUENCE {live_sequence} RENAME TO "{retired}_id_seq"')
                cursor.execute(f'ALTER SEQUENCE {stage_sequence} RENAME TO "{bare}"')


def leftovers_drop() -> list[str]:
    """Drop the staging tables of runs that are not running (finished, failed, or gone) and the
    tables a swap retired; returns their names. A running run's staging tables are never
    dropped, whoever calls this (an old run's error callback while a newer run computes). A table
    another session still holds (a dying chunk's) is left for next time rather than waited for.
    """
    if connection.vendor != "postgresql":
        return []
    dropped: list[str] = []
    with connection.cursor() as cursor:
        cursor.execute(_LEFTOVERS_SQL)
        tables = [row[0] for row in cursor.fetchall()]
        # Read after the tables: a run whose staging tables were listed committed its row
        # before creating them, so it is seen here if it is still running.
        running = set(
            RecomputeRun.objects.filter(state=RecomputeRun.RUNNING).values_list("id", flat=True)
        )
        for table in tables:
            if table.startswith("stage_") and _run_of(table) in running:
                continue
            try:
                with transaction.atomic():
                    cursor.execute(f'LOCK TABLE "{table}" IN ACCESS EXCLUSIVE MODE NOWAIT')
                    cursor.execute(f'DROP TABLE "{table}"')
            except DatabaseError as exc:
                logger.warning("Table %s not dropped yet: %s", table, exc)
            else:
                dropped.append(table)
    return dropped


def _run_of(table: str) -> int | None:
    """The run id a staging table is named by (``stage_metrics_12`` -> 12)."""
    tail = table.rsplit("_", 1)[-1]
    return int(tail) if tail.isdigit() else None
