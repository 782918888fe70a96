"""The coordinator's import page: upload, preview every row's outcome, then confirm.

The views only map requests to the services in ``submissions.imports.jobs``.
"""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from csp import permissions
from csp.request_limits import UploadLimit
from csp.users import AuthenticatedHttpRequest
from submissions.imports.common import ImportRefused
from submissions.imports.jobs import (
    KINDS,
    PREVIEW_ROWS,
    ImportJobGone,
    import_confirm,
    import_upload,
)
from submissions.imports.reader import MAX_UPLOAD_BYTES, FileRefused
from submissions.imports.selectors import import_job_page, import_stored

TOO_LARGE = "The file is larger than 20 MB: split it."


def _coordinator(request: AuthenticatedHttpRequest) -> None:
    if not permissions.can_import(request.user):
        raise PermissionDenied("Only the partnership coordinator can import figures.")


@csrf_exempt  # protected below, once the upload handler is in place (Django's documented way)
def imports(request: HttpRequest) -> HttpResponse:
    # RefuseNullCharactersMiddleware has usually read the form already, through this handler.
    limit = getattr(request, "upload_limit", None)
    if limit is None:
        limit = UploadLimit(request, MAX_UPLOAD_BYTES)
        request.upload_handlers.insert(0, limit)
    # _imports is behind login_required: an anonymous request is sent to sign in, never served.
    return _imports(cast(AuthenticatedHttpRequest, request), limit)


@csrf_protect
@login_required
def _imports(request: AuthenticatedHttpRequest, limit: UploadLimit) -> HttpResponse:
    _coordinator(request)
    context: dict[str, object] = {"kinds": [(k, v.label, v.columns) for k, v in KINDS.items()]}
    if request.method == "POST" and request.POST.get("action") == "confirm":
        return _confirm(request)
    if request.method == "POST":
        kind = request.POST.get("kind", "")
        upload = request.FILES.get("file")
        if limit.exceeded or (upload is not None and (upload.size or 0) > MAX_UPLOAD_BYTES):
            context["error"] = TOO_LARGE
            return render(request, "imports/upload.html", context)
        if kind not in KINDS or upload is None:
            context["error"] = "Choose what the file holds and the file to upload."
            return render(request, "imports/upload.html", context)
        try:
            result = import_upload(
                kind=kind,
                filename=upload.name or "upload",
                content=upload.read(),
                user=request.user,
                now=timezone.now(),
            )
        except FileRefused as exc:
            context.update(kind=kind, error=str(exc))
            return render(request, "imports/upload.html", context)
        except ImportRefused as exc:
            context.update(kind=kind, report=exc.report)
            return render(request, "imports/upload.html", context)
        if result.report is None:  # a large file: checked by a task, with progress
            return redirect("submissions:import_job", pk=result.job.pk)
        context.update(
            kind=kind,
            report=result.report,
            job=result.job,
            outcomes=result.report.outcomes[:PREVIEW_ROWS],
            more=max(0, len(result.report.outcomes) - PREVIEW_ROWS),
        )
    return render(request, "imports/upload.html", context)


def _confirm(request: AuthenticatedHttpRequest) -> HttpResponse:
    raw = request.POST.get("job", "")
    try:
        job = import_confirm(
            job_id=int(raw) if raw.isdigit() else None, user=request.user, now=timezone.now()
        )
    except ImportJobGone as exc:
        messages.error(request, str(exc))
        return redirect("submissions:imports")
    if import_stored(job):
        messages.success(request, job.summary + " The figures are being recomputed.")
        return redirect("submissions:imports")
    return redirect("submissions:import_job", pk=job.pk)


@login_required
def import_job(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _coordinator(request)
    page = import_job_page(user=request.user, pk=pk)
    if page is None:
        raise Http404("No such import")
    return render(
        request,
        "imports/job.html",
        {
            "job": page.job,
            "busy": page.busy,
            "checked": page.checked,
            "outcomes": page.outcomes,
            "more": page.more,
        },
    )
