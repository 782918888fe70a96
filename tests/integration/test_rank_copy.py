"""The rank rows a full recompute writes as one binary COPY built on arrays
(``ranks.ranks_write``, ``rank_grid.rank_copy_payload``) are the rows ``rank_rows`` gives, as
stored through the ordinary per-row COPY: on the property test's random groups (ties, members
without a rate or a denominator, averages of none, supplied figures), on PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings

from indicators.bulk import bulk_insert
from indicators.models import DerivedRank
from indicators.recompute.ranks import (
    RANK_COLUMNS,
    Released,
    rank_blocks,
    rank_rows,
    ranks_write,
)
from tests.unit.test_rank_grid import scenarios

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="binary COPY is PostgreSQL's"),
]

COLUMNS = ", ".join(RANK_COLUMNS)


def stored(table: str) -> list[tuple[object, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {COLUMNS} FROM {table} ORDER BY {COLUMNS}")  # noqa: S608
        return cursor.fetchall()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_rank_rows_copied_from_arrays_are_the_rows_rank_rows_gives(scenario) -> None:
    live = DerivedRank._meta.db_table
    with transaction.atomic():
        with connection.cursor() as cursor:
            for table in ("arrays_copy", "rows_copy"):
                cursor.execute(f"CREATE TEMP TABLE {table} (LIKE {live} INCLUDING ALL)")
        blocks, supplied = rank_blocks(*scenario)
        count = ranks_write("arrays_copy", blocks, supplied)
        rows = rank_rows(*scenario)
        bulk_insert("rows_copy", RANK_COLUMNS, rows)
        assert count == len(rows)
        assert stored("arrays_copy") == stored("rows_copy")
        transaction.set_rollback(True)


def test_a_table_of_other_types_takes_the_rows_one_by_one() -> None:
    """If the table's types are not those the payload is built for, the rows go the ordinary
    way (and arrive just the same)."""
    # Two members with rates 2.0 and 3.5 (lower first): positions 1 and 2 of a field of 2.
    rates = {(1, dt.date(2016, 4, 1)): {1: (2.0, 0.7, 1000), 2: (3.5, 1.0, 3)}}
    scenario = (rates, {9: [1, 2]}, {}, {1: 1000}, Released(frozenset(), {}))
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE TEMP TABLE other_types (indicator_id int, area_id int, month date, "
                "group_id int, position int, size int, average float8, source text)"
            )
        blocks, supplied = rank_blocks(*scenario)
        assert ranks_write("other_types", blocks, supplied) == 2
        got = stored("other_types")
        assert [(r[1], r[4], r[5]) for r in got] == [(1, 1, 2), (2, 2, 2)]
        transaction.set_rollback(True)
