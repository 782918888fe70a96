"""The parallel full recompute (PostgreSQL) writes exactly what the one-process path writes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings

from indicators.models import DerivedMetric, DerivedRank
from indicators.services import METRIC_FIELDS, metrics_recompute
from submissions.demo import demo_load

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"].split(".")[-1] != "postgresql",
        reason="the parallel path is for PostgreSQL",
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


def test_two_processes_write_the_same_store_as_one() -> None:
    demo_load(password="parallel-test")
    metrics_recompute(now=NOW, workers=1)
    serial = _snapshot()
    report = metrics_recompute(now=NOW, workers=2)
    assert any(phase.startswith("compute on 2 processes") for phase in report.phases)
    assert _snapshot() == serial
    assert report.rows == len(serial[0]) and report.ranks == len(serial[1])
