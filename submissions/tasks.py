"""Periodic tasks of the cycle; each makes one service call."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.db import DatabaseError
from django.utils import timezone

from submissions.cycle import services
from submissions.jobs import TRANSIENT_ERRORS


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


# Import jobs and PDFs retry only what a second try can fix (the database was unreachable);
# their services fail the record for good on anything else, so a retry never finds nothing to do.
JOB_RETRY = {
    "autoretry_for": TRANSIENT_ERRORS,
    "retry_backoff": True,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 3,
    "acks_late": True,
}


@shared_task(name="submissions.render_pack_pdf", **JOB_RETRY)
def render_pack_pdf(*, pdf_id: int) -> str:
    from submissions.packs.pdf import pack_pdf_render

    return pack_pdf_render(pdf_id=pdf_id, now=timezone.now())


@shared_task(name="submissions.run_import_job", **JOB_RETRY)
def run_import_job(*, job_id: int) -> str:
    from submissions.imports.jobs import import_job_run

    return import_job_run(job_id=job_id, now=timezone.now(), clock=timezone.now)


SWEEP = "submissions.sweep_lost_jobs"


@shared_task(name=SWEEP, autoretry_for=(DatabaseError,), retry_backoff=True, max_retries=3)
def sweep_lost_jobs() -> str:
    from submissions.jobs import lost_jobs_sweep

    return lost_jobs_sweep(now=timezone.now())
