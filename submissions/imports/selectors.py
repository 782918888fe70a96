"""Reads for the import pages: a job as its page shows it, only to the person who uploaded it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from csp.users import User
from submissions.models import ImportJob, ImportStatus

# A job in one of these states is still moving: its page refreshes itself.
BUSY = frozenset(
    {ImportStatus.UPLOADED, ImportStatus.CHECKING, ImportStatus.PENDING, ImportStatus.RUNNING}
)


@dataclass(frozen=True)
class JobPage:
    job: ImportJob
    busy: bool
    checked: bool  # previewed and waiting to be confirmed
    outcomes: list[Any]
    more: int


def import_job_page(*, user: User, pk: int) -> JobPage | None:
    """The job, if ``user`` uploaded it (None for anyone else's, or none)."""
    job = ImportJob.objects.filter(pk=pk, user=user).first()
    if job is None:
        return None
    return JobPage(
        job=job,
        busy=job.status in BUSY,
        checked=job.status == ImportStatus.CHECKED,
        outcomes=job.preview.get("outcomes", []),
        more=job.preview.get("more", 0),
    )


def import_stored(job: ImportJob) -> bool:
    """Whether the job's rows are stored (confirmed and done)."""
    return job.status == ImportStatus.DONE
