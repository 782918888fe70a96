"""A real Celery worker, Redis and PostgreSQL: a committed change is recomputed by the worker.

Runs where CI runs it (DATABASE_URL on PostgreSQL and CELERY_BROKER_URL on Redis); skipped on
the embedded SQLite/eager set-up, where there is no worker to talk to.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction

from csp.celery import app
from csp.models import Area
from indicators.models import DerivedMetric, Indicator, MonthValue, RecomputeRequest
from indicators.services import metrics_recompute, recompute_request
from submissions.demo import demo_load

ROOT = Path(__file__).resolve().parents[2]
DEC = dt.date(2016, 12, 1)
NOW = dt.datetime(2017, 2, 1, 9, 0, tzinfo=dt.UTC)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not settings.CELERY_BROKER_URL
        or settings.DATABASES["default"]["ENGINE"].split(".")[-1] != "postgresql",
        reason="needs PostgreSQL and a broker (CI sets DATABASE_URL and CELERY_BROKER_URL)",
    ),
]


@pytest.fixture
def worker(tmp_path):  # type: ignore[no-untyped-def]
    db = connection.settings_dict
    env = dict(os.environ)
    env["DATABASE_URL"] = (
        f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )
    env["DEBUG"] = "true"
    app.control.purge()
    log = open(tmp_path / "celery-worker.log", "w")  # noqa: SIM115
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "csp",
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    yield process
    process.terminate()
    process.wait(timeout=30)
    log.close()


def test_a_real_worker_recomputes_a_committed_change(worker) -> None:  # type: ignore[no-untyped-def]
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
