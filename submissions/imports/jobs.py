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

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DatabaseError, transaction
from django.db.models import F, Q

from submissions.imports.reader import (
    ImportRefused,
    ImportReport,
    benchmarks_import,
    month_values_import,
    populations_import,
    table_check,
)
from submissions.jobs import (
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


def _queue(job_id: int, now: dt.datetime) -> None:
    from submissions import tasks  # tasks import this module

    queue_on_commit(tasks.run_import_job, model=ImportJob, pk=job_id, now=now, job_id=job_id)


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
    *, kind: str, filename: str, content: bytes, user: Any, now: dt.datetime
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
        _queue(job.pk, now)
    return Upload(job, None)


def import_confirm(*, job_id: int | None, user: Any, now: dt.datetime) -> ImportJob:
    """Store a checked upload: in the request if it was checked there, else by a task.

    Returns the job (done, refused or failed when stored here; pending when queued). Raises
    ImportJobGone when there is nothing to confirm.
    """
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().filter(pk=job_id, user=user).first()
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
            _queue(job.pk, now)
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
            return _end(job, token, clock, S.FAILED, _gave_up(job), "Failed: nothing was stored")
        _interrupted(job, token, clock, exc)
        raise  # Celery tries again (and the sweep, if that retry is lost)
    except Exception as exc:
        logger.exception("Import %s failed", job_id)
        return _end(
            job,
            token,
            clock,
            S.FAILED,
            f"The import failed ({type(exc).__name__}): nothing was stored. "
            "Upload the file again; if it fails again, tell the administrator.",
            "Failed: nothing was stored",
        )


def _gave_up(job: ImportJob) -> str:
    return (
        f"Gave up after {job.attempts} attempts (the database or the task queue kept failing): "
        "nothing was stored. Upload the file again."
    )


def _read(job: ImportJob) -> bytes:
    with default_storage.open(job.file.name, "rb") as f:
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
        return _end(
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
        return _end(
            job,
            token,
            clock,
            S.REFUSED,
            exc.report.summary(),
            "Refused: nothing was stored",
            errors=_errors(exc.report),
        )
    _delete(job.file.name)
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


def _end(
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
        _delete(job.file.name)
    return summary


def _delete(name: str) -> None:
    if not name:
        return
    try:
        default_storage.delete(name)
    except OSError:  # the clean-up in the sweep deletes it later
        logger.warning("Could not delete the uploaded file %s", name)


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
            _queue(job.pk, now)
            requeued.append(job.pk)
    for job in given_up:
        _end(job, None, lambda: now, S.FAILED, _gave_up(job), "Failed: nothing was stored")
    expired = 0
    for job in ImportJob.objects.filter(status=S.CHECKED, updated_at__lte=now - UPLOAD_EXPIRY):
        if ImportJob.objects.filter(pk=job.pk, status=S.CHECKED).update(
            status=S.EXPIRED, step="Expired: not confirmed within a day", file="", updated_at=now
        ):
            _delete(job.file.name)
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
        _delete(job.file.name)
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
            _delete(path)
            deleted += 1
    return deleted
