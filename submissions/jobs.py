"""Background jobs with a record (import jobs, pack PDFs): queued after commit, never lost.

A job's record is written in the transaction that asks for it, and its task is handed to the
broker once that commits. If the broker cannot be reached the record says so (``queued_at``
empty) instead of the request failing; a task handed over but lost, or whose worker died, shows
as a record that has not moved. ``submissions.tasks.lost_jobs_sweep`` (a beat task every two
minutes) queues all of them again, so they complete within minutes of the broker's return.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from typing import Any

from celery import Task
from django.conf import settings
from django.db import (
    IntegrityError,
    InterfaceError,
    OperationalError,
    connections,
    models,
    transaction,
)
from kombu.exceptions import OperationalError as BrokerUnreachable

logger = logging.getLogger(__name__)

WAITING_FOR_QUEUE = "Waiting for the task queue"
# A task handed to the broker that no worker has started after this was lost.
QUEUE_GRACE = dt.timedelta(minutes=5)
# A started task whose record has not moved for this long lost its worker.
STALL = dt.timedelta(minutes=15)
# Errors that a second try can get past: the database or file storage was unreachable, or a
# concurrent import stored the same rows first. Anything else fails the job for good.
TRANSIENT_ERRORS: tuple[type[Exception], ...] = (
    OperationalError,
    InterfaceError,
    IntegrityError,
    ConnectionError,
    TimeoutError,
)
# Import jobs and PDFs retry only what a second try can fix (the database was unreachable);
# their services fail the record for good on anything else, so a retry never finds nothing to do.
JOB_RETRY: dict[str, Any] = {
    "autoretry_for": TRANSIENT_ERRORS,
    "retry_backoff": True,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 3,
    "acks_late": True,
}

BROKER_ERRORS: tuple[type[Exception], ...] = (BrokerUnreachable, ConnectionError, TimeoutError)


_background: list[threading.Thread] = []
_background_lock = threading.Lock()


def _run_in_background(task: Task[..., object], kwargs: dict[str, Any]) -> None:
    """Run an eager task in a thread of this process, after the response (no broker)."""

    def run() -> None:
        try:
            task.apply(kwargs=kwargs)
        except Exception:  # the task records its own failure; a thread has no one to tell
            logger.exception("Background job %s failed", task.name)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run, name=f"job-{task.name}", daemon=True)
    with _background_lock:
        _background[:] = [t for t in _background if t.is_alive()] + [thread]
    thread.start()


def background_jobs_wait(timeout: float) -> bool:
    """Wait for the jobs started in background threads; True if all have finished."""
    with _background_lock:
        threads = list(_background)
    for thread in threads:
        thread.join(timeout)
    return not any(t.is_alive() for t in threads)


def queue_on_commit(
    task: Task[..., object],
    *,
    model: type[models.Model],
    pk: int,
    now: dt.datetime,
    background_when_eager: bool = False,
    **kwargs: Any,
) -> None:
    """Hand ``task`` to the broker once the transaction commits.

    The caller has set the record's ``queued_at`` to ``now`` in the same transaction. If the
    broker is down, the record's ``queued_at`` is cleared and its step says it waits for the
    queue; the sweep queues it when the broker is back.

    With no broker (eager tasks), a job the caller marks ``background_when_eager`` runs in a
    thread of this process instead of inside the request (``EAGER_JOBS_IN_BACKGROUND``): the
    request returns at once and the job's record shows its progress. A process that dies
    mid-job leaves the record stalled, and it is queued again like any lost job.
    """

    def send() -> None:
        if (
            background_when_eager
            and task.app.conf.task_always_eager
            and settings.EAGER_JOBS_IN_BACKGROUND
        ):
            _run_in_background(task, kwargs)
            return
        try:
            task.delay(**kwargs)
        except BROKER_ERRORS as exc:
            logger.warning(
                "%s %s not queued (%s); the sweep will queue it.", model.__name__, pk, exc
            )
            model._default_manager.filter(pk=pk, queued_at=now).update(
                queued_at=None, step=WAITING_FOR_QUEUE
            )

    transaction.on_commit(send)
