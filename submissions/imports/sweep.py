"""The sweep of import jobs (a beat task every two minutes): queue again what was lost, give up
after five runs, expire unconfirmed previews, delete files no job needs."""

from __future__ import annotations

import datetime as dt

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q

from submissions.imports.jobs import (
    FINISHED,
    MAX_ATTEMPTS,
    RUNNING_TO_WAITING,
    STEPS,
    UPLOAD_EXPIRY,
    S,
    file_delete,
    gave_up,
    job_end,
    job_queue,
)
from submissions.jobs import (
    QUEUE_GRACE,
    STALL,
)
from submissions.models import ImportJob, ImportStatus


def import_jobs_sweep(*, now: dt.datetime) -> str:
    """Queue again the jobs whose task was lost (never handed to the broker, not started within
    five minutes, or not moved for fifteen while running); give up on a job after five runs;
    expire previews not confirmed within a day; delete files no job needs."""
    requeued, given_up = [], []
    with transaction.atomic():
        lost = ImportJob.objects.select_for_update(skip_locked=True).filter(
            Q(status__in=[S.UPLOADED, S.PENDING])
            & (Q(queued_at__isnull=True) | Q(queued_at__lte=now - QUEUE_GRACE))
            | Q(status__in=[S.CHECKING, S.RUNNING])
            & (Q(updated_at__isnull=True) | Q(updated_at__lte=now - STALL))
        )
        for job in lost:
            if job.attempts >= MAX_ATTEMPTS:
                given_up.append(job)
                continue
            waiting = RUNNING_TO_WAITING.get(ImportStatus(job.status), job.status)
            ImportJob.objects.filter(pk=job.pk).update(
                status=waiting,
                step=f"{STEPS[ImportStatus(waiting)]} (queued again: its task was lost)",
                claim="",  # a run still alive somewhere can no longer write
                queued_at=now,
                updated_at=now,
            )
            job_queue(job.pk, now)
            requeued.append(job.pk)
    for job in given_up:
        job_end(job, None, lambda: now, S.FAILED, gave_up(job), "Failed: nothing was stored")
    expired = 0
    for job in ImportJob.objects.filter(status=S.CHECKED, updated_at__lte=now - UPLOAD_EXPIRY):
        if ImportJob.objects.filter(pk=job.pk, status=S.CHECKED).update(
            status=S.EXPIRED, step="Expired: not confirmed within a day", file="", updated_at=now
        ):
            file_delete(job.file.name)
            expired += 1
    deleted = _clean_files(now)
    return (
        f"Imports: {len(requeued)} queued again, {len(given_up)} given up, {expired} expired, "
        f"{deleted} file(s) deleted."
    )


def _clean_files(now: dt.datetime) -> int:
    """Delete uploads no waiting job refers to: a finished job's file whose deletion failed, or
    one whose job was never committed. A young file may still be about to be committed."""
    for job in ImportJob.objects.filter(status__in=FINISHED).exclude(file=""):
        ImportJob.objects.filter(pk=job.pk).update(file="")
        file_delete(job.file.name)
    try:
        _dirs, names = default_storage.listdir("imports")
    except (FileNotFoundError, NotImplementedError):
        return 0
    needed = set(ImportJob.objects.exclude(file="").values_list("file", flat=True))
    deleted = 0
    for name in names:
        path = f"imports/{name}"
        if path in needed:
            continue
        try:
            old = default_storage.get_modified_time(path) <= now - UPLOAD_EXPIRY
        except (OSError, NotImplementedError):
            continue
        if old:
            file_delete(path)
            deleted += 1
    return deleted
