"""Import jobs: an uploaded file kept in file storage from its preview to its store.

The upload is checked against the limits before a cell is read (``imports.table_check``). A
file of up to 5,000 rows is previewed in the request; a larger one by a task, with its progress
on the job page, and its store is a task too. Either way the file lives in file storage (never
in one process's memory), so any web worker can confirm it and any Celery worker can run it.
Every step is all or nothing; a step interrupted by the database is tried again (Celery's
retry, then the sweep), anything else fails the job for good. The file is deleted when the job
ends or expires.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from celery import shared_task
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DatabaseError, transaction
from django.db.models import F
from django.utils import timezone

from csp.users import User
from submissions.imports.benchmarks import benchmarks_import
from submissions.imports.common import ImportRefused, ImportReport
from submissions.imports.month_values import month_values_import
from submissions.imports.populations import populations_import
from submissions.imports.reader import table_check
from submissions.jobs import (
    JOB_RETRY,
    QUEUE_GRACE,
    STALL,
    TRANSIENT_ERRORS,
    queue_on_commit,
)
from submissions.models import ImportJob, ImportStatus

logger = logging.getLogger(__name__)

__all__ = ["QUEUE_GRACE", "STALL"]


@dataclass(frozen=True)
class ImportKind:
    label: str
    importer: Callable[..., ImportReport]
    columns: str


KINDS: dict[str, ImportKind] = {
    "month_values": ImportKind(
        "Month values",
        month_values_import,
        "area, indicator, month, value (or numerator and denominator), optional "
        "category, status (not_collected / not_available / suppressed), reason",
    ),
    "populations": ImportKind(
        "Populations",
        populations_import,
        "area, kind, value, in_force_from, optional series and source",
    ),
    "benchmarks": ImportKind(
        "Supplied benchmarks",
        benchmarks_import,
        "area, indicator, month, group, position, size, optional average",
    ),
}
TASK_THRESHOLD = 5_000  # rows: a larger file is checked and stored by a task
IN_REQUEST_BYTES = 5 * 1024 * 1024  # and so is one with more to parse than this, whatever its rows
PREVIEW_ROWS = 500  # outcomes kept for the preview
ERROR_ROWS = 1_000  # bad rows kept for the job page
UPLOAD_EXPIRY = dt.timedelta(days=1)  # an unconfirmed preview, and its file, are dropped after
MAX_ATTEMPTS = 5  # runs of one job before it is given up

S = ImportStatus
WAITING_TO_RUNNING = {S.UPLOADED: S.CHECKING, S.PENDING: S.RUNNING}
RUNNING_TO_WAITING = {v: k for k, v in WAITING_TO_RUNNING.items()}
FINISHED = (S.DONE, S.REFUSED, S.FAILED, S.EXPIRED)
STEPS = {
    S.UPLOADED: "Waiting to be checked",
    S.CHECKING: "Reading the file",
    S.PENDING: "Waiting to start",
    S.RUNNING: "Checking and storing every row (all or nothing)",
}
Clock = Callable[[], dt.datetime]


class ImportJobGone(Exception):
    """The preview cannot be confirmed (expired, someone else's, or already confirmed)."""


@dataclass(frozen=True)
class Upload:
    job: ImportJob
    report: ImportReport | None  # the in-request check; None while a task checks the file


# The task lives beside the service that queues it, so neither imports the other in a circle;
# ``submissions.tasks`` lists it for Celery's autodiscovery. Its name is in queued messages: it
# never changes.
@shared_task(name="submissions.run_import_job", **JOB_RETRY)
def run_import_job(*, job_id: int) -> str:
    return import_job_run(job_id=job_id, now=timezone.now(), clock=timezone.now)


def job_queue(job_id: int, now: dt.datetime) -> None:
    queue_on_commit(run_import_job, model=ImportJob, pk=job_id, now=now, job_id=job_id)


def _preview(report: ImportReport) -> dict[str, Any]:
    return {
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "outcomes": [list(o) for o in report.outcomes[:PREVIEW_ROWS]],
        "more": max(0, len(report.outcomes) - PREVIEW_ROWS),
    }


def _errors(report: ImportReport) -> list[dict[str, Any]]:
    return [{"line": e.line, "message": e.message} for e in report.errors[:ERROR_ROWS]]


def import_upload(
    *, kind: str, filename: str, content: bytes, user: User, now: dt.datetime
) -> Upload:
    """Keep an uploaded file and check it: in the request up to 5,000 rows (and 5 MB to parse),
    else by a task.

    Raises ``FileRefused`` (over a limit: nothing is read or kept) and, for a file checked in
    the request, ``ImportRefused`` (bad rows: nothing is kept).
    """
    spec = KINDS[kind]
    size = table_check(content, filename)
    filename = filename[-255:]
    job = ImportJob(kind=kind, filename=filename, user=user, created_at=now, updated_at=now)
    job.background = size.rows > TASK_THRESHOLD or size.unpacked > IN_REQUEST_BYTES
    if not job.background:
        report = spec.importer(content=content, filename=filename, user=user, now=now, dry_run=True)
        job.status, job.rows, job.progress = S.CHECKED, report.rows, 100
        job.step, job.summary, job.preview = "Checked", report.summary(), _preview(report)
        job.file.save(filename, ContentFile(content), save=False)
        job.save()
        return Upload(job, report)
    job.status, job.rows, job.step, job.queued_at = S.UPLOADED, size.rows, STEPS[S.UPLOADED], now
    job.file.save(filename, ContentFile(content), save=False)
    with transaction.atomic():
        job.save()
        job_queue(job.pk, now)
    return Upload(job, None)


def import_confirm(*, job_id: int | None, user: User, now: dt.datetime) -> ImportJob:
    """Store a checked upload: in the request if it was checked there, else by a task.

    Returns the job (done, refused or failed when stored here; pending when queued). Raises
    ImportJobGone when there is nothing to confirm.
    """
    with transaction.atomic():
        job = (
            ImportJob.objects.select_for_update().filter(pk=job_id, user=user).first()
            if job_id is not None
            else None
        )
        if job is None or job.status == S.EXPIRED:
            raise ImportJobGone("That preview has expired: upload the file again.")
        if job.status == S.DONE:
            raise ImportJobGone(f"{job.filename} is already stored.")
        if job.status in (S.PENDING, S.RUNNING):
            raise ImportJobGone(f"{job.filename} is already being stored.")
        if job.status != S.CHECKED:
            raise ImportJobGone(f"{job.filename} cannot be stored: upload it again.")
        ImportJob.objects.filter(pk=job.pk).update(
            status=S.PENDING,
            progress=0,
            step=STEPS[S.PENDING],
            attempts=0,  # counted per step: the check's runs do not count against the store
            queued_at=now,
            updated_at=now,
        )
        if job.background:
            job_queue(job.pk, now)
    if not job.background:
        # Queued as far as the sweep is concerned: if this request dies, a task finishes it.
        import_job_run(job_id=job.pk, now=now, clock=lambda: now)
    job.refresh_from_db()
    return job


def import_job_run(*, job_id: int, now: dt.datetime, clock: Clock) -> str:
    """Run the step the job waits for: its check or its store. Safe to run twice.

    A run claims the job (waiting -> running, with a token of its own); a run that was given up
    on (the sweep queued the job again) finds its token gone and stops without writing.
    """
    job = ImportJob.objects.select_related("user").filter(pk=job_id).first()
    if job is None:
        return f"Import {job_id} no longer exists: nothing to do."
    running = WAITING_TO_RUNNING.get(ImportStatus(job.status))
    if running is None:
        return f"Import {job_id} is {job.get_status_display().lower()}: nothing to do."
    token = uuid.uuid4().hex
    claimed = ImportJob.objects.filter(pk=job_id, status=job.status).update(
        status=running,
        claim=token,
        attempts=F("attempts") + 1,
        progress=5,
        step=STEPS[running],
        updated_at=clock(),
    )
    if not claimed:
        return f"Import {job_id} was taken by another run: nothing to do."
    job.refresh_from_db()
    try:
        if running == S.CHECKING:
            return _check(job, token, now=now, clock=clock)
        return _store(job, token, now=now, clock=clock)
    except TRANSIENT_ERRORS as exc:
        if job.attempts >= MAX_ATTEMPTS:
            return job_end(job, token, clock, S.FAILED, gave_up(job), "Failed: nothing was stored")
        _interrupted(job, token, clock, exc)
        raise  # Celery tries again (and the sweep, if that retry is lost)
    except Exception as exc:
        logger.exception("Import %s failed", job_id)
        return job_end(
            job,
            token,
            clock,
            S.FAILED,
            f"The import failed ({type(exc).__name__}): nothing was stored. "
            "Upload the file again; if it fails again, tell the administrator.",
            "Failed: nothing was stored",
        )


def gave_up(job: ImportJob) -> str:
    return (
        f"Gave up after {job.attempts} attempts (the database or the task queue kept failing): "
        "nothing was stored. Upload the file again."
    )


def _read(job: ImportJob) -> bytes:
    name = job.file.name
    if not name:
        raise FileNotFoundError(f"Import {job.pk} has no uploaded file.")
    with default_storage.open(name, "rb") as f:
        return f.read()


def _check(job: ImportJob, token: str, *, now: dt.datetime, clock: Clock) -> str:
    def progress(percent: int, step: str) -> None:
        ImportJob.objects.filter(pk=job.pk, claim=token).update(
            progress=percent, step=step[:200], updated_at=clock()
        )

    content = _read(job)
    try:
        report = KINDS[job.kind].importer(
            content=content,
            filename=job.filename,
            user=job.user,
            now=now,
            dry_run=True,
            progress=progress,
        )
    except ImportRefused as exc:
        return job_end(
            job,
            token,
            clock,
            S.REFUSED,
            exc.report.summary(),
            "Refused: nothing was stored",
            errors=_errors(exc.report),
            rows=exc.report.rows,
        )
    ImportJob.objects.filter(pk=job.pk, claim=token, status=S.CHECKING).update(
        status=S.CHECKED,
        progress=100,
        step="Checked",
        rows=report.rows,
        summary=report.summary(),
        preview=_preview(report),
        updated_at=clock(),
    )
    return report.summary()


def _store(job: ImportJob, token: str, *, now: dt.datetime, clock: Clock) -> str:
    content = _read(job)
    try:
        with transaction.atomic():
            # Held until the rows commit: the sweep skips a locked job, so a long store is never
            # taken for a dead one, and the rows and "done" commit together.
            mine = ImportJob.objects.select_for_update().filter(
                pk=job.pk, claim=token, status=S.RUNNING
            )
            if not mine.exists():
                return f"Import {job.pk} was taken by another run: nothing to do."
            report = KINDS[job.kind].importer(
                content=content, filename=job.filename, user=job.user, now=now
            )
            mine.update(
                status=S.DONE,
                progress=100,
                step="Stored",
                summary=report.summary(),
                errors=[],
                file="",
                finished_at=now,
                updated_at=clock(),
            )
    except ImportRefused as exc:  # the stored figures changed since the preview
        return job_end(
            job,
            token,
            clock,
            S.REFUSED,
            exc.report.summary(),
            "Refused: nothing was stored",
            errors=_errors(exc.report),
        )
    file_delete(job.file.name)
    return report.summary()


def _interrupted(job: ImportJob, token: str, clock: Clock, exc: Exception) -> None:
    """Leave the job waiting for its retry (if the database lets us say so)."""
    waiting = RUNNING_TO_WAITING[ImportStatus(job.status)]
    try:
        ImportJob.objects.filter(pk=job.pk, claim=token).update(
            status=waiting,
            step=f"Interrupted ({type(exc).__name__}): it will be tried again",
            queued_at=clock(),
            updated_at=clock(),
        )
    except DatabaseError:  # the sweep finds it stalled instead
        logger.warning("Import %s interrupted and its record could not be updated", job.pk)


def job_end(
    job: ImportJob,
    token: str | None,
    clock: Clock,
    status: ImportStatus,
    summary: str,
    step: str,
    **fields: Any,
) -> str:
    """Finish a job that stored nothing, and delete its file."""
    mine = ImportJob.objects.filter(pk=job.pk)
    if token is not None:
        mine = mine.filter(claim=token)
    if mine.update(
        status=status,
        summary=summary,
        step=step,
        progress=100,
        file="",
        finished_at=clock(),
        updated_at=clock(),
        **fields,
    ):
        file_delete(job.file.name)
    return summary


def file_delete(name: str | None) -> None:
    if not name:
        return
    try:
        default_storage.delete(name)
    except OSError:  # the clean-up in the sweep deletes it later
        logger.warning("Could not delete the uploaded file %s", name)


