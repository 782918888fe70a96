"""Periodic tasks of the cycle; each makes one service call."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.db import DatabaseError
from django.utils import timezone

from submissions.cycle import services
from submissions.imports.jobs import run_import_job
from submissions.imports.sweep import import_jobs_sweep
from submissions.packs.notice import send_pack_notice
from submissions.packs.pdf import pack_pdfs_sweep, render_pack_pdf


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


# Listed here for Celery's autodiscovery: each lives beside the service that queues it.
__all__ = [
    "open_next_rounds",
    "render_pack_pdf",
    "send_pack_notice",
    "run_import_job",
    "send_reminders",
    "sweep_lost_jobs",
]


def lost_jobs_sweep(*, now: dt.datetime) -> str:
    """Queue again every import job and PDF whose task was lost; expire and delete old uploads."""
    return f"{import_jobs_sweep(now=now)} {pack_pdfs_sweep(now=now)}"


SWEEP = "submissions.sweep_lost_jobs"


@shared_task(name=SWEEP, autoretry_for=(DatabaseError,), retry_backoff=True, max_retries=3)
def sweep_lost_jobs() -> str:
    return lost_jobs_sweep(now=timezone.now())
