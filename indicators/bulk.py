"""Bulk writes for the derived store: COPY on PostgreSQL, batched executemany on SQLite.

Table and column names come from the models, never from input, so building the SQL text from
them is safe (hence the S608 exemptions); values always travel as parameters or COPY data.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from django.db import connection
from psycopg.adapt import Dumper
from psycopg.pq import Format

_JSONB_OID = 3802


def bulk_insert(table: str, columns: Sequence[str], rows: Sequence[tuple[object, ...]]) -> None:
    """Insert many rows: COPY on PostgreSQL, batched executemany elsewhere."""
    if not rows:
        return
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            _copy(cursor.cursor, table, columns, rows)
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
            _copy(cursor.cursor, f"tmp_{table}", columns, rows)
            cursor.execute(
                f"INSERT INTO {table} ({cols}) SELECT {cols} FROM tmp_{table} {conflict}"
            )
        return
    placeholders = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {table} ({cols}) VALUES ({placeholders}) {conflict}"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 5000):
            cursor.executemany(sql, [_sqlite_row(r) for r in rows[start : start + 5000]])


def _copy(
    cursor: Any, table: str, columns: Sequence[str], rows: Sequence[tuple[object, ...]]
) -> None:
    """COPY the rows in the binary format, each value dumped by its column's type.

    Several times faster than the text format (no figure is printed and parsed again). The
    values are those the text format takes: ints into integer and float columns, floats, dates,
    datetimes, strings, and JSON as its text (a jsonb column's value is already JSON).
    """
    cursor.execute(
        "SELECT attname, atttypid FROM pg_attribute "
        "WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped",
        [table],
    )
    oids = dict(cursor.fetchall())
    # This cursor only: a jsonb column's dumper takes the JSON text as it is.
    cursor.adapters.register_dumper(_JsonText, _JsonTextBinaryDumper)
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN (FORMAT BINARY)") as copy:
        copy.set_types([oids[c] for c in columns])
        for row in rows:
            copy.write_row(row)


def copy_types_match(table: str, columns: Sequence[str], types: Sequence[str]) -> bool:
    """Whether ``table``'s ``columns`` have the given types (as ``format_type`` names them):
    what a payload built for them (``copy_payload``) assumes. PostgreSQL only."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute "
            "WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped",
            [table],
        )
        found = dict(cursor.fetchall())
    return [found.get(c) for c in columns] == list(types)


def copy_payload(table: str, columns: Sequence[str], payload: bytes) -> None:
    """COPY rows already in PostgreSQL's binary format (signature to trailer) into ``table``."""
    with connection.cursor() as cursor:
        sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN (FORMAT BINARY)"
        with cursor.cursor.copy(sql) as copy:
            copy.write(payload)


class _JsonText(str):
    """Never made: the key ``_JsonTextBinaryDumper`` is registered under (dumpers are looked
    up by the column's type when copying)."""


class _JsonTextBinaryDumper(Dumper):
    """A jsonb value from its JSON text (the binary jsonb format: version 1, then the text)."""

    format = Format.BINARY
    oid = _JSONB_OID

    def dump(self, obj: Any) -> bytes:
        text = obj if isinstance(obj, str) else json.dumps(obj)
        return b"\x01" + text.encode()


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
