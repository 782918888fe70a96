"""Recompute requests: a row per needed recompute, queued as a task on commit and swept if lost.

The task that runs a request lives here, beside the function that queues it, so neither imports
the other in a circle (``indicators.tasks`` lists it for Celery's autodiscovery)."""

from __future__ import annotations

import datetime as dt
import logging

from celery import shared_task
from django.db import connection, transaction
from django.utils import timezone
from kombu.exceptions import OperationalError as KombuOperationalError

from indicators.models import (
    RecomputeRequest,
)
from indicators.recompute.chord import RecomputeRefused, full_recompute_start, runs_sweep
from indicators.recompute.compute import RecomputeReport
from indicators.recompute.retry import RETRY
from indicators.recompute.run import metrics_recompute, metrics_recompute_after_change

logger = logging.getLogger(__name__)


# Its name is in queued messages and the sweep's logs: it never changes.
@shared_task(name="indicators.process_recompute_request", **RETRY)
def process_recompute_request(*, request_id: int) -> str:
    return recompute_request_process(request_id=request_id, now=timezone.now())


def recompute_request(
    *,
    now: dt.datetime,
    reason: str,
    indicator_id: int | None = None,
    area_id: int | None = None,
    month: dt.date | None = None,
) -> RecomputeRequest:
    """Record that figures need recomputing and queue the task once the transaction commits.

    Call it inside the transaction that makes the change. If the broker cannot be reached, the
    request stays in the table and the periodic sweep processes it.
    """
    request = RecomputeRequest.objects.create(
        indicator_id=indicator_id, area_id=area_id, month=month, reason=reason, created_at=now
    )

    def enqueue() -> None:
        try:
            process_recompute_request.delay(request_id=request.id)
        except (KombuOperationalError, ConnectionError) as exc:
            # The broker is down. The request row is committed: the sweep will run it.
            logger.warning(
                "Recompute request %s not queued (%s); the sweep will run it.", request.id, exc
            )

    transaction.on_commit(enqueue)
    return request


def recompute_request_process(*, request_id: int, now: dt.datetime) -> str:
    """Run one request (if another run has not already) and delete it. Idempotent."""
    with transaction.atomic():
        request = (
            RecomputeRequest.objects.select_for_update(skip_locked=True)
            .filter(id=request_id)
            .first()
        )
        if request is None:
            return f"Request {request_id} already processed."
        report = _run_request(request, now=now)
        request.delete()
    return report.summary()


def _run_request(request: RecomputeRequest, *, now: dt.datetime) -> RecomputeReport:
    if request.indicator_id and request.area_id and request.month:
        return metrics_recompute_after_change(
            indicator_id=request.indicator_id,
            area_id=request.area_id,
            month=request.month,
            now=now,
        )
    return metrics_recompute(
        now=now,
        area_ids=[request.area_id] if request.area_id else None,
        indicator_ids=[request.indicator_id] if request.indicator_id else None,
    )


def metrics_recompute_all(*, now: dt.datetime) -> str:
    """The full recompute (nightly, or queued by hand), recorded as a request before it starts.

    A worker killed in the middle (SIGKILL, out of memory) rolls back and acknowledges nothing,
    and with its whole process group gone nobody rejects the message either: Redis would hand
    the task out again only after its visibility timeout (an hour). The request row outlives the
    worker and the sweep runs it again; while a run holds the row locked, the sweep and a second
    task skip it rather than run it twice.

    On PostgreSQL outside a transaction (the nightly task) it starts the chord instead
    (ADR 0028): its chunks are redelivered if a worker dies, and a dead run is noticed by the
    next one or by the sweep (``RecomputeRun``). A run already going is left to finish.
    """
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        try:
            run = full_recompute_start(now=now)
        except RecomputeRefused as exc:
            return str(exc)
        return f"Full recompute run {run.id} started ({run.chunks} chunks)."
    request = (
        RecomputeRequest.objects.filter(
            indicator__isnull=True, area__isnull=True, month__isnull=True
        )
        .order_by("id")
        .first()
    )
    if request is None:
        request = RecomputeRequest.objects.create(reason="full recompute", created_at=now)
    return recompute_request_process(request_id=request.id, now=now)


def recompute_requests_sweep(*, now: dt.datetime, older_than: dt.timedelta | None = None) -> str:
    """Process requests left behind (a broker outage, a lost task). Safe to run at any time."""
    cutoff = now - (older_than if older_than is not None else dt.timedelta(minutes=1))
    ids = list(RecomputeRequest.objects.filter(created_at__lte=cutoff).values_list("id", flat=True))
    done = [recompute_request_process(request_id=i, now=now) for i in ids]
    # A dead full recompute's tables go at the next sweep (none while one runs).
    runs_sweep(now=now)
    return f"Swept {len(done)} pending recompute request(s)."
