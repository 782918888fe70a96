"""Import jobs lose nothing to a broker outage or a dead worker, retry only what can succeed
on a second try, and leave no uploaded file behind."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import OperationalError

from csp.celery import app
from indicators.models import MonthValue
from submissions import tasks
from submissions.imports import jobs as import_jobs
from submissions.imports.jobs import import_confirm, import_job_run, import_upload
from submissions.models import ImportJob
from submissions.tasks import lost_jobs_sweep
from tests.functional.test_import_uploads import borough_rows
from tests.integration.conftest import T0

pytestmark = pytest.mark.django_db


SMALL = b"area,indicator,month,value\nBarnet,tno,2017-01,2345\n"


@pytest.fixture
def coordinator():
    return get_user_model().objects.get(username="coordinator")


def clock_at(moment: dt.datetime):
    return lambda: moment


def test_the_sweep_runs_often_enough_to_finish_lost_jobs_within_10_minutes() -> None:
    entries = [e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == tasks.SWEEP]
    assert len(entries) == 1
    interval = entries[0]["schedule"]
    # A job lost just before the broker came back waits at most the grace period, then at most
    # one interval for the next sweep.
    assert interval + import_jobs.QUEUE_GRACE.total_seconds() <= 8 * 60


def test_an_import_uploaded_and_confirmed_while_the_broker_is_down_is_stored_by_the_sweep(
    eager, broker_down, coordinator, django_capture_on_commit_callbacks
) -> None:
    with broker_down, django_capture_on_commit_callbacks(execute=True):
        upload = import_upload(
            kind="month_values",
            filename="big.csv",
            content=borough_rows(6_000),
            user=coordinator,
            now=T0,
        )
    job = ImportJob.objects.get(pk=upload.job.pk)
    assert job.status == "uploaded" and job.queued_at is None
    assert "waiting for the task queue" in job.step.lower()

    # The broker is back: the next sweep queues the preview at once.
    with django_capture_on_commit_callbacks(execute=True):
        lost_jobs_sweep(now=T0 + timedelta(minutes=2))
    job.refresh_from_db()
    assert job.status == "checked" and job.rows == 6000

    with broker_down, django_capture_on_commit_callbacks(execute=True):
        import_confirm(job_id=job.pk, user=coordinator, now=T0 + timedelta(minutes=3))
    job.refresh_from_db()
    assert (job.status, job.step) == ("pending", "Waiting for the task queue")

    with django_capture_on_commit_callbacks(execute=True):
        lost_jobs_sweep(now=T0 + timedelta(minutes=4))
    job.refresh_from_db()
    assert job.status == "done" and not job.file
    assert (
        MonthValue.objects.filter(indicator__code="tno").exclude(area__code="E09000002").count()
        == 6_000
    )


def test_a_queued_task_that_never_started_is_queued_again_after_five_minutes(
    eager, monkeypatch, coordinator, django_capture_on_commit_callbacks
) -> None:
    lost: list[dict[str, int]] = []
    monkeypatch.setattr(tasks.run_import_job, "delay", lambda **kw: lost.append(kw))
    with django_capture_on_commit_callbacks(execute=True):
        upload = import_upload(
            kind="month_values",
            filename="big.csv",
            content=borough_rows(6_000),
            user=coordinator,
            now=T0,
        )
    assert lost == [{"job_id": upload.job.pk}]
    job = ImportJob.objects.get(pk=upload.job.pk)
    assert job.status == "uploaded" and job.queued_at == T0  # handed over, then lost
    lost.clear()

    with django_capture_on_commit_callbacks(execute=True):
        lost_jobs_sweep(now=T0 + timedelta(minutes=4))
    assert lost == []  # it may still be in the queue
    with django_capture_on_commit_callbacks(execute=True):
        lost_jobs_sweep(now=T0 + timedelta(minutes=6))
    assert lost == [{"job_id": job.pk}]
    job.refresh_from_db()
    assert job.queued_at == T0 + timedelta(minutes=6)


def test_a_job_whose_worker_died_is_run_again_after_it_stalls(
    eager, coordinator, django_capture_on_commit_callbacks
) -> None:
    upload = import_upload(
        kind="month_values", filename="b.csv", content=borough_rows(6_000), user=coordinator, now=T0
    )
    ImportJob.objects.filter(pk=upload.job.pk).update(
        status="checking", claim="dead-worker", updated_at=T0 + timedelta(minutes=1), attempts=1
    )
    with django_capture_on_commit_callbacks(execute=True):
        lost_jobs_sweep(now=T0 + timedelta(minutes=10))
    assert ImportJob.objects.get(pk=upload.job.pk).status == "checking"  # still within 15 min
    with django_capture_on_commit_callbacks(execute=True):
        lost_jobs_sweep(now=T0 + timedelta(minutes=17))
    job = ImportJob.objects.get(pk=upload.job.pk)
    assert (job.status, job.attempts) == ("checked", 2)
    assert job.claim not in {"", "dead-worker"}  # the dead run can no longer write


def test_a_database_outage_leaves_the_job_to_be_retried_and_the_retry_stores_it(
    monkeypatch, coordinator
) -> None:
    job = _confirmed_big_job(coordinator, monkeypatch)
    real = import_jobs.KINDS["month_values"]
    calls: list[int] = []

    def flaky(**kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return real.importer(**kwargs)

    monkeypatch.setitem(
        import_jobs.KINDS, "month_values", dataclasses.replace(real, importer=flaky)
    )
    with pytest.raises(OperationalError):  # Celery retries the task on this
        import_job_run(job_id=job.pk, now=T0, clock=clock_at(T0))
    job.refresh_from_db()
    assert (job.status, job.attempts) == ("pending", 1)
    assert "tried again" in job.step and job.file

    import_job_run(job_id=job.pk, now=T0, clock=clock_at(T0))  # the retry
    job.refresh_from_db()
    assert (job.status, job.attempts) == ("done", 2)
    assert (
        MonthValue.objects.filter(indicator__code="tno").exclude(area__code="E09000002").count()
        == 6_000
    )


def test_an_error_that_a_retry_cannot_fix_fails_the_job_for_good_without_raising(
    monkeypatch, coordinator
) -> None:
    job = _confirmed_big_job(coordinator, monkeypatch)
    name = job.file.name

    def broken(**kwargs):
        raise KeyError("unexpected")

    real = import_jobs.KINDS["month_values"]
    monkeypatch.setitem(
        import_jobs.KINDS, "month_values", dataclasses.replace(real, importer=broken)
    )
    message = import_job_run(job_id=job.pk, now=T0, clock=clock_at(T0))
    assert "failed" in message.lower()
    job.refresh_from_db()
    assert job.status == "failed" and "nothing was stored" in job.step.lower()
    assert not job.file and not default_storage.exists(name)
    assert import_job_run(job_id=job.pk, now=T0, clock=clock_at(T0)).endswith("nothing to do.")


def test_a_job_that_keeps_failing_is_given_up_after_five_attempts(monkeypatch, coordinator) -> None:
    job = _confirmed_big_job(coordinator, monkeypatch)
    ImportJob.objects.filter(pk=job.pk).update(attempts=import_jobs.MAX_ATTEMPTS, queued_at=None)
    lost_jobs_sweep(now=T0 + timedelta(minutes=1))
    job.refresh_from_db()
    assert job.status == "failed" and "5 attempts" in job.summary
    assert not job.file


def test_an_unconfirmed_upload_expires_after_a_day_and_its_file_is_deleted(coordinator) -> None:
    upload = import_upload(
        kind="month_values", filename="b.csv", content=SMALL, user=coordinator, now=T0
    )
    name = upload.job.file.name
    lost_jobs_sweep(now=T0 + timedelta(hours=23))
    assert default_storage.exists(name)
    lost_jobs_sweep(now=T0 + timedelta(hours=25))
    job = ImportJob.objects.get(pk=upload.job.pk)
    assert job.status == "expired" and not job.file and not default_storage.exists(name)
    with pytest.raises(import_jobs.ImportJobGone, match="expired"):
        import_confirm(job_id=job.pk, user=coordinator, now=T0 + timedelta(hours=26))


def test_a_file_no_job_refers_to_is_deleted_once_it_is_old() -> None:
    old = default_storage.save("imports/orphan-old.csv", ContentFile(b"x"))
    new = default_storage.save("imports/orphan-new.csv", ContentFile(b"x"))
    day_ago = time.time() - 25 * 3600
    os.utime(default_storage.path(old), (day_ago, day_ago))
    lost_jobs_sweep(now=dt.datetime.now(tz=dt.UTC))
    assert not default_storage.exists(old)
    assert default_storage.exists(new)  # may belong to an upload still being committed
    default_storage.delete(new)


def _confirmed_big_job(user, monkeypatch) -> ImportJob:
    """A 6,000-row upload, previewed and confirmed, whose store task has not run yet."""
    monkeypatch.setattr(tasks.run_import_job, "delay", lambda **kw: None)
    upload = import_upload(
        kind="month_values", filename="big.csv", content=borough_rows(6_000), user=user, now=T0
    )
    import_job_run(job_id=upload.job.pk, now=T0, clock=clock_at(T0))  # the preview
    import_confirm(job_id=upload.job.pk, user=user, now=T0)
    job = ImportJob.objects.get(pk=upload.job.pk)
    assert job.status == "pending"
    return job


def _fails_once_then_stores(monkeypatch) -> list[int]:
    """The month values import loses the database on its first run only; returns its runs."""
    real = import_jobs.KINDS["month_values"]
    calls: list[int] = []

    def flaky(**kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return real.importer(**kwargs)

    monkeypatch.setitem(
        import_jobs.KINDS, "month_values", dataclasses.replace(real, importer=flaky)
    )
    return calls


@pytest.fixture
def retried_in_turn(monkeypatch):
    """``task.apply()`` runs a task and each retry it asks for, one after the other, as a worker
    would (an error Celery propagated here would stop it at the first retry instead)."""
    monkeypatch.setitem(app.conf, "task_eager_propagates", False)


def test_celerys_retry_of_a_database_outage_runs_the_store_again_and_finishes_it(
    monkeypatch, coordinator, retried_in_turn
) -> None:
    """Through the task itself: the interrupted run leaves the job waiting, so the retry Celery
    schedules (``autoretry_for``) claims it and stores it; it does not find a failed job."""
    job = _confirmed_big_job(coordinator, monkeypatch)
    calls = _fails_once_then_stores(monkeypatch)
    result = tasks.run_import_job.apply(kwargs={"job_id": job.pk})  # and its retries
    assert result.state == "SUCCESS"
    assert len(calls) == 2
    job.refresh_from_db()
    assert (job.status, job.attempts) == ("done", 2)
    assert not job.file


def test_celery_does_not_retry_an_error_a_second_try_cannot_fix(
    monkeypatch, coordinator, retried_in_turn
) -> None:
    job = _confirmed_big_job(coordinator, monkeypatch)
    calls: list[int] = []

    def broken(**kwargs):
        calls.append(1)
        raise KeyError("unexpected")

    real = import_jobs.KINDS["month_values"]
    monkeypatch.setitem(
        import_jobs.KINDS, "month_values", dataclasses.replace(real, importer=broken)
    )
    result = tasks.run_import_job.apply(kwargs={"job_id": job.pk})
    assert result.state == "SUCCESS" and "failed" in result.result.lower()
    assert calls == [1]  # failed for good at once: no retry that would find nothing to do
    job.refresh_from_db()
    assert (job.status, job.attempts) == ("failed", 1)


def test_celery_gives_up_retrying_and_leaves_the_job_to_the_sweep(
    monkeypatch, coordinator, retried_in_turn
) -> None:
    """The database stays down through every retry: the task fails, the job waits for the
    sweep (not marked failed, not left running), and the sweep's run is the last attempt."""
    job = _confirmed_big_job(coordinator, monkeypatch)

    def down(**kwargs):
        raise OperationalError("the database went away")

    real = import_jobs.KINDS["month_values"]
    monkeypatch.setitem(import_jobs.KINDS, "month_values", dataclasses.replace(real, importer=down))
    result = tasks.run_import_job.apply(kwargs={"job_id": job.pk})
    assert result.state == "FAILURE"
    runs = 1 + tasks.run_import_job.max_retries
    job.refresh_from_db()
    assert (job.status, job.attempts) == ("pending", runs) and job.file
    assert runs < import_jobs.MAX_ATTEMPTS
    for _ in range(import_jobs.MAX_ATTEMPTS - runs):
        import_job_run(job_id=job.pk, now=T0, clock=clock_at(T0))  # what the sweep queues
    job.refresh_from_db()
    assert job.status == "failed" and "5 attempts" in job.summary
