"""The figure in context as JSON, for the entry form's script (``csp/figure-preview.js``): GET
``/submissions/<id>/preview/?figure=1,421`` (a ratio's ``numerator`` and ``denominator``). The
figures are the preview service's (``cycle.preview``); this view parses and answers, and writes
nothing."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.views.decorators.http import require_GET

from csp import permissions
from csp.users import AuthenticatedHttpRequest
from submissions.cycle.preview import figure_preview, preview_entry
from submissions.cycle.validation import Entry
from submissions.cycle.visibility import submission_for


@login_required
@require_GET
def figure_preview_json(request: AuthenticatedHttpRequest, pk: int) -> JsonResponse:
    sub = submission_for(request.user, pk)
    if sub is None:
        raise Http404("No such submission")  # not even its existence is shown
    if not permissions.can_preview_figure(request.user, sub):
        raise PermissionDenied("You cannot see this submission's figures.")
    params = {k: request.GET.get(k, "") for k in ("figure", "numerator", "denominator")}
    entry, error = preview_entry(sub.indicator.kind, params)
    # Nothing typed (or nothing readable): the pack as it stands, before and after alike.
    preview = figure_preview(sub, entry if entry is not None else Entry(), error=error)
    response = JsonResponse(preview.as_json())
    response["Cache-Control"] = "no-store"
    return response
