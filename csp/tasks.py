"""Celery tasks of the project itself."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from csp.health import WORKER, heartbeat_record


@shared_task(name="csp.heartbeat", ignore_result=True)
def heartbeat() -> None:
    """Run by a worker every minute (beat): /readyz sees that tasks are being run."""
    heartbeat_record(name=WORKER, at=timezone.now())
