"""The entry form's action log: add an action, change one, mark one done. Each view parses the
form, makes one service call and turns refusals into messages; back to the entry form."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from csp.users import AuthenticatedHttpRequest
from submissions.actions_log import services
from submissions.actions_log.forms import ActionForm
from submissions.actions_log.selectors import owner_choices
from submissions.cycle.errors import CycleError
from submissions.cycle.visibility import submission_for


def _back(pk: int) -> HttpResponse:
    return redirect(reverse("submissions:entry", args=[pk]) + "#action-log")


def _refused(request: AuthenticatedHttpRequest, form: ActionForm) -> None:
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else "Action"
        for error in errors:
            messages.error(request, f"Action not saved: {label}: {error}")


@login_required
@require_POST
def action_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    sub = submission_for(request.user, pk)
    if sub is None:
        raise Http404("No such submission")
    form = ActionForm(request.POST, owners=owner_choices(sub.adoption.partnership_id))
    if not form.is_valid():
        _refused(request, form)
        return _back(sub.pk)
    try:
        services.action_create(
            adoption_id=sub.adoption_id, user=request.user, month=sub.round.month, **form.values()
        )
    except (CycleError, PermissionDenied) as exc:
        messages.error(request, f"Action not saved: {exc}")
    else:
        messages.success(request, "Action added to the log.")
    return _back(sub.pk)


@login_required
@require_POST
def action_change(request: AuthenticatedHttpRequest, pk: int, action_id: int) -> HttpResponse:
    sub = submission_for(request.user, pk)
    if sub is None:
        raise Http404("No such submission")
    form = ActionForm(
        request.POST, owners=owner_choices(sub.adoption.partnership_id), prefix=f"a{action_id}"
    )
    if not form.is_valid():
        _refused(request, form)
        return _back(sub.pk)
    try:
        services.action_update(
            action_id=action_id,
            user=request.user,
            month=sub.round.month,
            adoption_id=sub.adoption_id,
            **form.values(),
        )
    except (CycleError, PermissionDenied) as exc:
        messages.error(request, f"Action not saved: {exc}")
    else:
        messages.success(request, "Action updated.")
    return _back(sub.pk)
