"""Periodic tasks of the cycle; each makes one service call."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.db import DatabaseError
from django.utils import timezone

from submissions import services


@shared_task(
    name="submissions.send_reminders",
    autoretry_for=(DatabaseError,),
    retry_backoff=True,
    max_retries=5,
)
def send_reminders(*, today: str | None = None) -> str:
    day = timezone.localdate() if today is None else dt.date.fromisoformat(today)
    return services.reminders_send(today=day, now=timezone.now()).summary()


@shared_task(
    name="submissions.open_next_rounds",
    autoretry_for=(DatabaseError,),
    retry_backoff=True,
    max_retries=5,
)
def open_next_rounds(*, today: str | None = None) -> str:
    day = timezone.localdate() if today is None else dt.date.fromisoformat(today)
    opened = services.rounds_open_next(today=day)
    return f"Opened {len(opened)} round(s)."


@shared_task(
    name="submissions.render_pack_pdf",
    autoretry_for=(DatabaseError,),
    retry_backoff=True,
    max_retries=3,
    acks_late=True,
)
def render_pack_pdf(*, pdf_id: int) -> str:
    from submissions.pdf import pack_pdf_render

    return pack_pdf_render(pdf_id=pdf_id, now=timezone.now())


@shared_task(
    name="submissions.run_import_job",
    autoretry_for=(DatabaseError,),
    retry_backoff=True,
    max_retries=3,
    acks_late=True,
)
def run_import_job(*, job_id: int) -> str:
    from submissions.import_views import import_job_run

    return import_job_run(job_id=job_id, now=timezone.now())
