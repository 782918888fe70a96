"""Celery tasks: take ids and ISO strings as keyword arguments, load, make one service call.

All are idempotent (recomputing twice writes the same rows) and retry with backoff on database
or broker trouble.
"""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.conf import settings
from django.db import DatabaseError
from django.utils import timezone

from indicators import services

RETRY = {
    "autoretry_for": (DatabaseError, OSError),
    "retry_backoff": True,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 8,
    "acks_late": True,
}


@shared_task(name="indicators.process_recompute_request", **RETRY)
def process_recompute_request(*, request_id: int) -> str:
    return services.recompute_request_process(request_id=request_id, now=timezone.now())


@shared_task(name="indicators.sweep_recompute_requests", **RETRY)
def sweep_recompute_requests() -> str:
    # A request younger than one sweep interval may still have its task in the queue.
    older_than = dt.timedelta(seconds=min(60, settings.RECOMPUTE_SWEEP_SECONDS))
    return services.recompute_requests_sweep(now=timezone.now(), older_than=older_than)


@shared_task(name="indicators.recompute_all", **RETRY)
def recompute_all() -> str:
    return services.metrics_recompute_all(now=timezone.now())
