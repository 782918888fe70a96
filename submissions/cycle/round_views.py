"""The coordinator's round pages: the list, one round (close, reopen, publish) and its audit.

As the other pages: parse the request, make one service or selector call, turn refusals into
messages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from submissions.cycle import services, workflow
from submissions.cycle.forms import (
    PublishForm,
    ReopenForm,
    RoundForm,
)
from submissions.cycle.selectors import (
    round_progress,
    submission_audit,
    submission_rows,
)
from submissions.cycle.views import coordinated_partnership
from submissions.cycle.workflow import TransitionError
from submissions.models import ReportingRound, Submission
from submissions.packs import publish


@login_required
def rounds(request: HttpRequest) -> HttpResponse:
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
    else:
        latest = partnership.rounds.order_by("-month").first()
        suggestion = (latest.month + dt.timedelta(days=32)).replace(day=1) if latest else None
        form = RoundForm(
            initial={
                "month": suggestion.strftime("%Y-%m") if suggestion else "",
                "deadline": (
                    (suggestion + dt.timedelta(days=45)).replace(day=10) if suggestion else None
                ),
            }
        )
    return render(
        request,
        "cycle/rounds.html",
        {
            "rounds": partnership.rounds.order_by("-month").prefetch_related("versions"),
            "form": form,
        },
    )


def _form_errors(form: Any) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


@login_required
def round_overview(request: HttpRequest, pk: int) -> HttpResponse:
    """The coordinator's round: progress, and the actions the round's table allows now."""
    partnership = coordinated_partnership(request)
    round_ = get_object_or_404(ReportingRound, pk=pk, partnership=partnership)
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
                area=partnership.area.code,
                month=round_.month.strftime("%Y-%m"),
            )
        return redirect("submissions:round", pk=round_.pk)
    rows = submission_rows(submissions=round_.submissions.all(), today=timezone.localdate())
    versions = list(round_.versions.order_by("number"))
    return render(
        request,
        "cycle/round.html",
        {
            "round": round_,
            "progress": round_progress(round_),
            "statuses": Submission._meta.get_field("status").choices,
            "rows": rows,
            "overdue": [r for r in rows if r.overdue],
            "blockers": services.round_publish_blockers(round_),
            "versions": versions,
            "next_version": len(versions) + 1,
            "allowed": {a.value for a in workflow.allowed_round_actions(round_.status)},
            "publish_form": PublishForm(),
            "reopen_form": ReopenForm(),
        },
    )


@login_required
@require_POST
def round_close(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = coordinated_partnership(request)
    round_ = get_object_or_404(ReportingRound, pk=pk, partnership=partnership)
    try:
        services.round_close(round_id=round_.pk, user=request.user, now=timezone.now())
    except (services.CycleError, TransitionError, PermissionDenied) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"The {round_.month:%B %Y} round is closed for entries.")
    return redirect("submissions:round", pk=round_.pk)


@login_required
@require_POST
def round_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    """Reopen a published round for a correction, with the reason kept in its audit trail."""
    partnership = coordinated_partnership(request)
    round_ = get_object_or_404(ReportingRound, pk=pk, partnership=partnership)
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
def round_audit(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = coordinated_partnership(request)
    round_ = get_object_or_404(ReportingRound, pk=pk, partnership=partnership)
    entries = []
    for sub in round_.submissions.select_related("indicator").order_by("adoption__pack_order"):
        for item in submission_audit(sub):
            entries.append((item, sub))
    entries.sort(key=lambda pair: pair[0].when, reverse=True)
    return render(
        request,
        "cycle/round_audit.html",
        {
            "round": round_,
            "entries": entries,
            "round_history": list(
                round_.history.select_related("history_user").order_by("-history_date")
            ),
        },
    )
