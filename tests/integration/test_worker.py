"""A real Celery worker, Redis and PostgreSQL: a committed change is recomputed by the worker.

Runs where CI runs it (DATABASE_URL on PostgreSQL and CELERY_BROKER_URL on Redis); skipped on
the embedded SQLite/eager set-up, where there is no worker to talk to.
"""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.db import transaction

from csp.models import Area
from indicators.models import DerivedMetric, Indicator, MonthValue, RecomputeRequest
from indicators.services import metrics_recompute, recompute_request
from submissions.demo import demo_load
from tests.integration.real_worker import NEEDS_A_REAL_WORKER, worker_running

DEC = dt.date(2016, 12, 1)
NOW = dt.datetime(2017, 2, 1, 9, 0, tzinfo=dt.UTC)

pytestmark = NEEDS_A_REAL_WORKER


@pytest.fixture
def worker(tmp_path):
    with worker_running(tmp_path) as process:
        yield process


def test_a_real_worker_recomputes_a_committed_change(worker) -> None:
    demo_load(password="worker-test")
    metrics_recompute(now=NOW)
    tno = Indicator.objects.get(code="tno")
    bd = Area.objects.get(code="E09000002")
    assert DerivedMetric.objects.get(indicator=tno, area=bd, month=DEC).ytd == 13207

    with transaction.atomic():
        MonthValue.objects.filter(indicator=tno, area=bd, month=DEC).update(value=1436)
        recompute_request(
            now=NOW, reason="worker test", indicator_id=tno.id, area_id=bd.id, month=DEC
        )

    deadline = time.monotonic() + 90
    ytd = None
    while time.monotonic() < deadline:
        ytd = DerivedMetric.objects.get(indicator=tno, area=bd, month=DEC).ytd
        if ytd == 13257 and not RecomputeRequest.objects.exists():
            break
        assert worker.poll() is None, "the worker exited; see its log in the test's tmp_path"
        time.sleep(0.5)
    assert ytd == 13207 + 50
    assert not RecomputeRequest.objects.exists()
