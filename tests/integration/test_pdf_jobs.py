"""PDF jobs lose nothing to a broker outage or a dead worker, and retry only what can
succeed on a second try."""

from __future__ import annotations

import datetime as dt
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import OperationalError
from django.test import Client

from submissions import tasks
from submissions.models import PackPdf
from submissions.tasks import lost_jobs_sweep
from tests.integration.conftest import T0

pytestmark = pytest.mark.django_db


def test_a_pdf_requested_while_the_broker_is_down_is_produced_after_the_sweep(
    eager, broker_down, django_capture_on_commit_callbacks
) -> None:
    board = Client()
    board.force_login(get_user_model().objects.get(username="board"))
    with broker_down, django_capture_on_commit_callbacks(execute=True):
        page = board.get("/packs/E09000002/2016-12/pdf")
    assert page.status_code == 200 and b"refreshes itself" in page.content
    record = PackPdf.objects.get(version__round__month="2016-12-01")
    assert record.status == "pending" and record.queued_at is None

    with django_capture_on_commit_callbacks(execute=True):
        lost_jobs_sweep(now=dt.datetime.now(tz=dt.UTC))
    record.refresh_from_db()
    assert record.status == "done" and record.pages >= 35
    assert board.get("/packs/E09000002/2016-12/pdf")["Content-Type"] == "application/pdf"


def test_a_pdf_whose_task_was_lost_or_whose_worker_died_is_produced_again(
    eager, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    from submissions.models import PackVersion

    version = PackVersion.objects.get(round__month="2016-12-01", number=1)
    lost: list[dict[str, int]] = []
    monkeypatch.setattr(tasks.render_pack_pdf, "delay", lambda **kw: lost.append(kw))
    record = PackPdf.objects.create(
        version=version, requested_at=T0, queued_at=T0, status="running", updated_at=T0
    )
    with django_capture_on_commit_callbacks(execute=True):
        lost_jobs_sweep(now=T0 + timedelta(minutes=10))
    assert lost == []  # running, and not stalled yet
    with django_capture_on_commit_callbacks(execute=True):
        lost_jobs_sweep(now=T0 + timedelta(minutes=16))
    assert lost == [{"pdf_id": record.pk}]
    record.refresh_from_db()
    assert record.status == "pending"


def test_a_pdf_is_rendered_once_retried_after_a_database_error_and_failed_for_good_otherwise(
    monkeypatch,
) -> None:
    from submissions.models import PackVersion
    from submissions.packs import pdf as pdf_module
    from submissions.packs.pdf import pack_pdf_render

    version = PackVersion.objects.get(round__month="2016-12-01", number=1)
    record = PackPdf.objects.create(version=version, requested_at=T0, queued_at=T0)

    def down(pdf, now):
        raise OperationalError("the database went away")

    monkeypatch.setattr(pdf_module, "_render", down)
    with pytest.raises(OperationalError):  # Celery retries the task on this
        pack_pdf_render(pdf_id=record.pk, now=T0)
    record.refresh_from_db()
    assert (record.status, record.step) == ("pending", "Interrupted: it will be tried again")

    def broken(pdf, now):
        raise ValueError("a chart with no data")

    monkeypatch.setattr(pdf_module, "_render", broken)
    assert "failed" in pack_pdf_render(pdf_id=record.pk, now=T0)  # no retry: it cannot help
    record.refresh_from_db()
    assert (record.status, record.error) == ("failed", "a chart with no data")

    PackPdf.objects.filter(pk=record.pk).update(status="running")
    assert pack_pdf_render(pdf_id=record.pk, now=T0).endswith("nothing to do.")
