"""A real Celery worker, Redis and PostgreSQL: a large upload is checked and stored by the
worker, and jobs asked for while the broker was down are finished once the sweep has run.

Runs where CI runs it (DATABASE_URL on PostgreSQL and CELERY_BROKER_URL on Redis); skipped on
the embedded SQLite/eager set-up, where there is no worker to talk to.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerDown

from indicators.models import MonthValue
from submissions import tasks
from submissions.demo import demo_load
from submissions.models import ImportJob, PackPdf
from submissions.tasks import lost_jobs_sweep
from tests.functional.test_import_uploads import borough_rows
from tests.integration.real_worker import NEEDS_A_REAL_WORKER, worker_running

pytestmark = NEEDS_A_REAL_WORKER


@pytest.fixture
def worker(tmp_path):
    with worker_running(tmp_path) as process:
        yield process


def wait_for(
    condition: Callable[[], bool], worker: subprocess.Popen[bytes], seconds: int = 180
) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        assert worker.poll() is None, "the worker exited; see its log in the test's tmp_path"
        time.sleep(0.5)
    raise AssertionError("the worker did not finish in time; see its log in the test's tmp_path")


def _client(username: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def test_a_real_worker_checks_then_stores_a_large_upload(worker) -> None:
    demo_load(password="worker-test")
    coordinator = _client("coordinator")
    response = coordinator.post(
        "/imports/",
        {
            "kind": "month_values",
            "action": "preview",
            "file": SimpleUploadedFile("big.csv", borough_rows(6_000)),
        },
    )
    job = ImportJob.objects.get()
    assert response["Location"] == f"/imports/{job.pk}/"
    wait_for(lambda: ImportJob.objects.get(pk=job.pk).status == "checked", worker)
    assert b"Check before storing" in coordinator.get(f"/imports/{job.pk}/").content
    assert not MonthValue.objects.filter(indicator__code="tno", month__year=2000).exists()

    coordinator.post("/imports/", {"action": "confirm", "job": job.pk})
    wait_for(lambda: ImportJob.objects.get(pk=job.pk).status == "done", worker)
    job.refresh_from_db()
    assert not job.file
    assert (
        MonthValue.objects.filter(indicator__code="tno").exclude(area__code="E09000002").count()
        == 6_000
    )


def test_jobs_asked_for_while_the_broker_was_down_finish_after_the_sweep(
    worker, monkeypatch
) -> None:
    demo_load(password="worker-test")

    def refuse(*args, **kwargs):
        raise BrokerDown("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    with monkeypatch.context() as outage:
        outage.setattr(tasks.run_import_job, "delay", refuse)
        outage.setattr(tasks.render_pack_pdf, "delay", refuse)
        coordinator = _client("coordinator")
        coordinator.post(
            "/imports/",
            {
                "kind": "month_values",
                "action": "preview",
                "file": SimpleUploadedFile("big.csv", borough_rows(6_000)),
            },
        )
        page = _client("board").get("/packs/E09000002/2016-12/pdf")
        assert page.status_code == 200
    job = ImportJob.objects.get()
    pdf = PackPdf.objects.get()
    assert (job.status, job.queued_at, pdf.status, pdf.queued_at) == (
        "uploaded",
        None,
        "pending",
        None,
    )

    came_back = time.monotonic()
    lost_jobs_sweep(now=timezone.now())  # the beat's next run, the broker being back
    wait_for(lambda: ImportJob.objects.get(pk=job.pk).status == "checked", worker)
    wait_for(lambda: PackPdf.objects.get(pk=pdf.pk).status == "done", worker)
    assert time.monotonic() - came_back < 10 * 60
