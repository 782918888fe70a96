"""The parallel full recompute (PostgreSQL) writes exactly what the one-process path writes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings

from csp.models import Area
from indicators.models import DerivedMetric, DerivedRank, Indicator, MonthValue
from indicators.services import METRIC_FIELDS, metrics_recompute, rates_release
from submissions.demo import demo_load
from tests.integration.test_ranks_release import BARNET, BD, BEXLEY, DEC, trio_build

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


def test_the_processes_rank_partnerships_by_their_released_rates_as_the_one_process_does() -> None:
    """The three-borough group of ``test_ranks_release``: Barnet released December at 2,500
    (78.95 per 1,000) and now holds a corrected 8,000 (93.42), not yet published."""
    demo_load(password="parallel-test")
    group = trio_build()
    barnet = Area.objects.get(code=BARNET)
    tno = Indicator.objects.get(code="tno")
    MonthValue.objects.create(indicator=tno, area=barnet, month=DEC, value=2500)
    metrics_recompute(now=NOW, workers=1)
    rates_release(area_id=barnet.id, through=DEC, now=NOW)
    MonthValue.objects.filter(indicator=tno, area=barnet, month=DEC).update(value=8000)
    metrics_recompute(now=NOW, workers=1)
    serial = _snapshot()
    ranks = {
        area: (position, size)
        for ind, area, month, g, position, size, _average, _source in serial[1]
        if g == group.id and month == DEC and ind == tno.id
    }
    # B&D sees Barnet's released 78.95: 3 of 3; Barnet its own 93.42: 3 of 3; Bexley 1 of 3.
    assert ranks == {Area.objects.get(code=c).id: (p, 3) for c, p in ((BD, 3), (BARNET, 3),
                                                                      (BEXLEY, 1))}  # fmt: skip
    report = metrics_recompute(now=NOW, workers=2)
    assert any(phase.startswith("compute on 2 processes") for phase in report.phases)
    assert _snapshot() == serial
