"""The full recompute as a chord (PostgreSQL) writes exactly what the one-transaction path writes.

Without a broker (or with no worker answering) the chord's chunks run here, eagerly."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.db import connection

from csp.models import Area
from indicators.models import DerivedMetric, DerivedRank, Indicator, MonthValue, RecomputeRun
from indicators.services import METRIC_FIELDS, metrics_recompute, rates_release
from submissions.demo import demo_load
from tests.integration.test_ranks_release import BARNET, BD, BEXLEY, DEC, trio_build

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"].split(".")[-1] != "postgresql",
        reason="the chord and its staging tables are for PostgreSQL",
    ),
]

NOW = dt.datetime(2017, 2, 1, 9, 0, tzinfo=dt.UTC)


def _snapshot() -> tuple[list[tuple], list[tuple]]:
    metrics = list(
        DerivedMetric.objects.order_by("indicator_id", "area_id", "month").values_list(
            "indicator_id", "area_id", "month", *METRIC_FIELDS
        )
    )
    ranks = list(
        DerivedRank.objects.order_by("indicator_id", "area_id", "month", "group_id").values_list(
            "indicator_id", "area_id", "month", "group_id", "position", "size", "average", "source"
        )
    )
    return metrics, ranks


def _schema(table: str) -> tuple[list[tuple], list[tuple], str | None]:
    """The table's index names and definitions, constraint names and kinds, id sequence."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s ORDER BY 1", [table]
        )
        indexes = cursor.fetchall()
        cursor.execute(
            "SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass ORDER BY 1",
            [table],
        )
        constraints = cursor.fetchall()
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
        sequence = cursor.fetchone()[0]
    return indexes, constraints, sequence


def _tables_like(pattern: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE tablename LIKE %s", [pattern])
        return [row[0] for row in cursor.fetchall()]


def test_the_chord_writes_the_same_store_as_one_transaction_and_keeps_the_schema() -> None:
    demo_load(password="parallel-test")
    metrics_recompute(now=NOW, fan_out=False)
    serial = _snapshot()
    tables = [DerivedMetric._meta.db_table, DerivedRank._meta.db_table]
    schema = {t: _schema(t) for t in tables}
    report = metrics_recompute(now=NOW, fan_out=True)
    run = RecomputeRun.objects.latest("id")
    assert run.state == RecomputeRun.SWAPPED and run.chunks > 1
    assert len(run.chunks_done) == run.chunks
    assert "swap" in report.phases
    assert _snapshot() == serial
    assert report.rows == len(serial[0]) and report.ranks == len(serial[1])
    # The swapped-in tables carry the live names of every index, constraint and sequence (a
    # later migration finds what it names), and nothing is left behind.
    assert {t: _schema(t) for t in tables} == schema
    assert _tables_like("stage\\_%") == [] and _tables_like("retired\\_%") == []
    # A second run swaps again; new rows get ids from the swapped-in table's own sequence.
    metrics_recompute(now=NOW, fan_out=True)
    assert _snapshot() == serial
    assert {t: _schema(t) for t in tables} == schema


def test_the_chunks_rank_partnerships_by_their_released_rates_as_the_one_transaction_does() -> None:
    """The three-borough group of ``test_ranks_release``: Barnet released December at 2,500
    (78.95 per 1,000) and now holds a corrected 8,000 (93.42), not yet published."""
    demo_load(password="parallel-test")
    group = trio_build()
    barnet = Area.objects.get(code=BARNET)
    tno = Indicator.objects.get(code="tno")
    MonthValue.objects.create(indicator=tno, area=barnet, month=DEC, value=2500)
    metrics_recompute(now=NOW, fan_out=False)
    rates_release(area_id=barnet.id, through=DEC, now=NOW)
    MonthValue.objects.filter(indicator=tno, area=barnet, month=DEC).update(value=8000)
    metrics_recompute(now=NOW, fan_out=False)
    serial = _snapshot()
    ranks = {
        area: (position, size)
        for ind, area, month, g, position, size, _average, _source in serial[1]
        if g == group.id and month == DEC and ind == tno.id
    }
    # B&D sees Barnet's released 78.95: 3 of 3; Barnet its own 93.42: 3 of 3; Bexley 1 of 3.
    assert ranks == {Area.objects.get(code=c).id: (p, 3) for c, p in ((BD, 3), (BARNET, 3),
                                                                      (BEXLEY, 1))}  # fmt: skip
    metrics_recompute(now=NOW, fan_out=True)
    assert RecomputeRun.objects.latest("id").state == RecomputeRun.SWAPPED
    assert _snapshot() == serial
