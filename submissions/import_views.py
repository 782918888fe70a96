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
            {"user": request.user.pk, "kind": kind, "content": content, "filename": upload.name},
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
