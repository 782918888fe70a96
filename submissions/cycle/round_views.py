"""The coordinator's round pages: the list, one round (close, reopen, publish) and its audit.

As the other pages: parse the request, make one service or selector call, turn refusals into
messages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from csp.users import AuthenticatedHttpRequest
from submissions.cycle import services
from submissions.cycle.forms import (
    PublishForm,
    ReopenForm,
    RoundForm,
)
from submissions.cycle.round_selectors import round_audit as round_audit_data
from submissions.cycle.round_selectors import round_list, round_page
from submissions.cycle.views import coordinated_partnership
from submissions.cycle.visibility import round_of
from submissions.cycle.workflow import TransitionError
from submissions.packs import publish


def _coordinated_round(request: AuthenticatedHttpRequest, pk: int) -> Any:
    """The round, if it is one of the coordinator's partnership (403 for anyone else, 404 for
    another partnership's round or none)."""
    round_ = round_of(coordinated_partnership(request), pk)
    if round_ is None:
        raise Http404("No such round")
    return round_


@login_required
def rounds(request: AuthenticatedHttpRequest) -> HttpResponse:
    partnership = coordinated_partnership(request)
    if request.method == "POST":
        form = RoundForm(request.POST)
        if form.is_valid():
            try:
                round_ = services.round_create(
                    partnership_id=partnership.id,
                    month=form.cleaned_data["month"],
                    deadline=form.cleaned_data["deadline"],
                    user=request.user,
                    now=timezone.now(),
                )
            except (services.CycleError, PermissionDenied) as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, f"The {round_.month:%B %Y} round is open.")
                return redirect("submissions:round", pk=round_.pk)
    listed = round_list(partnership)
    if request.method != "POST":
        form = RoundForm(
            initial={
                "month": listed.next_month.strftime("%Y-%m") if listed.next_month else "",
                "deadline": listed.next_deadline,
            }
        )
    return render(
        request,
        "cycle/rounds.html",
        {"rounds": listed.rounds, "form": form, "partnership": partnership},
    )


def _form_errors(form: forms.Form) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


@login_required
def round_overview(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The coordinator's round: progress, and the actions the round's table allows now."""
    round_ = _coordinated_round(request, pk)
    if request.method == "POST":
        form = PublishForm(request.POST)
        if not form.is_valid():
            messages.error(request, f"Not published: {_form_errors(form)}")
            return redirect("submissions:round", pk=round_.pk)
        try:
            version = publish.round_publish(
                round_id=round_.pk,
                user=request.user,
                change_note=form.cleaned_data["change_note"],
                confirm_note=form.cleaned_data["confirm_note"],
                now=timezone.now(),
            )
        except (services.CycleError, TransitionError, PermissionDenied) as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, f"Published version {version.number} of the {round_.month:%B %Y} pack."
            )
            return redirect(
                "packs:summary",
                area=round_.partnership.area.code,
                month=round_.month.strftime("%Y-%m"),
            )
        return redirect("submissions:round", pk=round_.pk)
    page = round_page(round_, user=request.user, today=timezone.localdate())
    return render(
        request,
        "cycle/round.html",
        {
            "round": round_,
            "page": page,
            "untargeted": page.untargeted,
            "versions": page.versions,
            "next_version": len(page.versions) + 1,
            "allowed": page.allowed,
            "publish_form": PublishForm(),
            "reopen_form": ReopenForm(),
        },
    )


@login_required
@require_POST
def round_close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    round_ = _coordinated_round(request, pk)
    try:
        services.round_close(round_id=round_.pk, user=request.user, now=timezone.now())
    except (services.CycleError, TransitionError, PermissionDenied) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"The {round_.month:%B %Y} round is closed for entries.")
    return redirect("submissions:round", pk=round_.pk)


@login_required
@require_POST
def round_reopen(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Reopen a published round for a correction, with the reason kept in its audit trail."""
    round_ = _coordinated_round(request, pk)
    reason = request.POST.get("reason", "")
    form = ReopenForm(request.POST)
    if reason.strip() and not form.is_valid():  # a blank reason gets the service's sentence
        messages.error(request, f"Not reopened: {_form_errors(form)}")
        return redirect("submissions:round", pk=round_.pk)
    try:
        services.round_reopen(
            round_id=round_.pk, user=request.user, reason=reason, now=timezone.now()
        )
    except (services.CycleError, TransitionError, PermissionDenied) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"The {round_.month:%B %Y} round is reopened for a correction.")
    return redirect("submissions:round", pk=round_.pk)


@login_required
def round_audit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    round_ = _coordinated_round(request, pk)
    audit = round_audit_data(round_)
    return render(
        request,
        "cycle/round_audit.html",
        {"round": round_, "entries": audit.entries, "round_history": audit.round_history},
    )
