"""Celery tasks: take ids and ISO strings as keyword arguments, load, make one service call.

All are idempotent (recomputing twice writes the same rows) and retry with backoff on database
or broker trouble.
"""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from indicators import services
from indicators.recompute.requests import RETRY, process_recompute_request

# Listed here for Celery's autodiscovery: it lives beside the function that queues it.
__all__ = ["process_recompute_request", "recompute_all", "sweep_recompute_requests"]


@shared_task(name="indicators.sweep_recompute_requests", **RETRY)
def sweep_recompute_requests() -> str:
    # A request younger than one sweep interval may still have its task in the queue.
    older_than = dt.timedelta(seconds=min(60, settings.RECOMPUTE_SWEEP_SECONDS))
    return services.recompute_requests_sweep(now=timezone.now(), older_than=older_than)


@shared_task(name="indicators.recompute_all", **RETRY)
def recompute_all() -> str:
    return services.metrics_recompute_all(now=timezone.now())
