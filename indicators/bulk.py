"""Bulk writes for the derived store: COPY on PostgreSQL, batched executemany on SQLite.

Table and column names come from the models, never from input, so building the SQL text from
them is safe (hence the S608 exemptions); values always travel as parameters or COPY data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import connection


def bulk_insert(table: str, columns: Sequence[str], rows: Sequence[tuple[object, ...]]) -> None:
    """Insert many rows: COPY on PostgreSQL, batched executemany elsewhere."""
    if not rows:
        return
    if connection.vendor == "postgresql":
        copy_sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        with connection.cursor() as cursor, cursor.cursor.copy(copy_sql) as copy:
            for row in rows:
                copy.write_row(row)
        return
    placeholders = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 5000):
            cursor.executemany(sql, [_sqlite_row(r) for r in rows[start : start + 5000]])


def bulk_upsert(
    table: str, columns: Sequence[str], keys: Sequence[str], rows: Sequence[tuple[object, ...]]
) -> None:
    """Insert or update many rows by their natural key, in one statement per batch."""
    if not rows:
        return
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in columns if c not in keys)
    conflict = f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {updates}"
    cols = ", ".join(columns)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE TEMP TABLE IF NOT EXISTS tmp_{table} ON COMMIT DROP AS "
                f"SELECT {cols} FROM {table} WITH NO DATA"
            )
            cursor.execute(f"TRUNCATE tmp_{table}")
            with cursor.cursor.copy(f"COPY tmp_{table} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cursor.execute(
                f"INSERT INTO {table} ({cols}) SELECT {cols} FROM tmp_{table} {conflict}"
            )
        return
    placeholders = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {table} ({cols}) VALUES ({placeholders}) {conflict}"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 5000):
            cursor.executemany(sql, [_sqlite_row(r) for r in rows[start : start + 5000]])


def _sqlite_row(row: tuple[object, ...]) -> tuple[Any, ...]:
    """Dates and datetimes as Django itself stores them on SQLite (the driver adapts the rest)."""
    ops = connection.ops
    return tuple(
        ops.adapt_datetimefield_value(v)
        if isinstance(v, dt.datetime)
        else ops.adapt_datefield_value(v)
        if isinstance(v, dt.date)
        else v
        for v in row
    )
