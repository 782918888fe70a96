"""The coordinator's import page: upload, preview every row's outcome, then confirm."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from csp import permissions
from submissions.imports import (
    ImportRefused,
    benchmarks_import,
    month_values_import,
    populations_import,
)

KINDS = {
    "month_values": (
        "Month values",
        month_values_import,
        "area, indicator, month, value (or numerator and denominator), optional "
        "category, status (not_collected / not_available / suppressed), reason",
    ),
    "populations": (
        "Populations",
        populations_import,
        "area, kind, value, in_force_from, optional series and source",
    ),
    "benchmarks": (
        "Supplied benchmarks",
        benchmarks_import,
        "area, indicator, month, group, position, size, optional average",
    ),
}
MAX_UPLOAD = 20 * 1024 * 1024
TASK_THRESHOLD = 5_000  # rows: larger files are stored by a task, with progress shown
PREVIEW_ROWS = 500


def _coordinator(request: HttpRequest) -> None:
    access = permissions.access_for(request.user)
    if not access.coordinator_of:
        raise PermissionDenied("Only the partnership coordinator can import figures.")


@login_required
def imports(request: HttpRequest) -> HttpResponse:
    _coordinator(request)
    context: dict[str, object] = {"kinds": [(k, v[0], v[2]) for k, v in KINDS.items()]}
    if request.method == "POST" and request.POST.get("action") == "confirm":
        pending = cache.get(f"import:{request.POST.get('token', '')}")
        if not pending or pending["user"] != request.user.pk:
            messages.error(request, "That preview has expired: upload the file again.")
            return redirect("submissions:imports")
        kind, importer = pending["kind"], KINDS[pending["kind"]][1]
        if pending.get("rows", 0) > TASK_THRESHOLD:
            job = import_job_start(
                kind=kind,
                filename=pending["filename"],
                content=pending["content"],
                user=request.user,
                now=timezone.now(),
            )
            cache.delete(f"import:{request.POST['token']}")
            return redirect("submissions:import_job", pk=job.pk)
        try:
            report = importer(
                content=pending["content"],
                filename=pending["filename"],
                user=request.user,
                now=timezone.now(),
            )
        except ImportRefused as exc:  # the data changed since the preview
            context.update(kind=kind, report=exc.report)
            return render(request, "submissions/imports.html", context)
        cache.delete(f"import:{request.POST['token']}")
        messages.success(request, report.summary() + " The figures are being recomputed.")
        return redirect("submissions:imports")
    if request.method == "POST":
        kind = request.POST.get("kind", "")
        upload = request.FILES.get("file")
        if kind not in KINDS or upload is None:
            context["error"] = "Choose what the file holds and the file to upload."
            return render(request, "submissions/imports.html", context)
        if upload.size > MAX_UPLOAD:
            context["error"] = "The file is larger than 20 MB: split it."
            return render(request, "submissions/imports.html", context)
        content = upload.read()
        try:
            report = KINDS[kind][1](
                content=content,
                filename=upload.name,
                user=request.user,
                now=timezone.now(),
                dry_run=True,
            )
        except ImportRefused as exc:
            context.update(kind=kind, report=exc.report)
            return render(request, "submissions/imports.html", context)
        token = uuid.uuid4().hex
        cache.set(
            f"import:{token}",
            {
                "user": request.user.pk,
                "kind": kind,
                "content": content,
                "filename": upload.name,
                "rows": report.rows,
            },
            timeout=3600,
        )
        context.update(
            kind=kind,
            report=report,
            token=token,
            outcomes=report.outcomes[:PREVIEW_ROWS],
            more=max(0, len(report.outcomes) - PREVIEW_ROWS),
        )
    return render(request, "submissions/imports.html", context)


def import_job_start(*, kind: str, filename: str, content: bytes, user, now):  # type: ignore[no-untyped-def]
    """Record a large import and queue its task once the record is committed."""
    from django.db import transaction

    from submissions import tasks
    from submissions.models import ImportJob

    with transaction.atomic():
        job = ImportJob.objects.create(
            kind=kind,
            filename=filename,
            content=content,
            user=user,
            created_at=now,
            step="Waiting to start",
        )
        transaction.on_commit(lambda: tasks.run_import_job.delay(job_id=job.pk))
    return job


def import_job_run(*, job_id: int, now) -> str:  # type: ignore[no-untyped-def]
    """Run a queued import (idempotent: a finished job is left alone)."""
    from submissions.models import ImportJob

    job = ImportJob.objects.select_related("user").get(pk=job_id)
    if job.status in {"done", "failed"}:
        return f"Import {job_id} already {job.status}."
    ImportJob.objects.filter(pk=job_id).update(
        status="running", progress=10, step="Checking and storing every row"
    )
    try:
        report = KINDS[job.kind][1](
            content=bytes(job.content), filename=job.filename, user=job.user, now=now
        )
    except Exception as exc:
        if not isinstance(exc, ImportRefused):
            ImportJob.objects.filter(pk=job_id).update(
                status="failed",
                progress=100,
                step="Failed: nothing was stored",
                summary=f"The import failed ({type(exc).__name__}); try again.",
                finished_at=now,
            )
            raise
        ImportJob.objects.filter(pk=job_id).update(
            status="failed",
            progress=100,
            step="Refused: nothing was stored",
            summary=exc.report.summary(),
            errors=[{"line": e.line, "message": e.message} for e in exc.report.errors[:1000]],
            finished_at=now,
        )
        return exc.report.summary()
    ImportJob.objects.filter(pk=job_id).update(
        status="done", progress=100, step="Stored", summary=report.summary(), finished_at=now
    )
    return report.summary()


@login_required
def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    from django.shortcuts import get_object_or_404

    from submissions.models import ImportJob

    _coordinator(request)
    job = get_object_or_404(ImportJob.objects.defer("content"), pk=pk, user=request.user)
    return render(request, "submissions/import_job.html", {"job": job})
