"""Pages of the monthly cycle. Each view parses the request, makes one service or selector call,
and turns refusals into messages; the rules live in services, workflow and csp.permissions."""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from csp import permissions
from csp.models import Agency, Partnership
from indicators.models import IndicatorCategory, Portfolio
from submissions.cycle import services, workflow
from submissions.cycle.forms import (
    EntryForm,
    OverrideForm,
    ReopenForm,
    ReturnForm,
)
from submissions.cycle.selectors import (
    commentary_draft,
    home_data,
    review_context,
    submission_audit,
    submission_rows,
)
from submissions.cycle.workflow import TransitionError
from submissions.models import PackVersion, RoundStatus, Submission

_ID = re.compile(r"[0-9]{1,12}")


def partnership_for(user: Any) -> Partnership | None:
    ids = permissions.access_for(user).partnerships
    return Partnership.objects.filter(id__in=ids).select_related("area").first()


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each role lands where its work is."""
    access = permissions.access_for(request.user)
    partnership = partnership_for(request.user)
    if partnership is not None:
        if partnership.id in access.coordinator_of:
            current = partnership.rounds.filter(status=RoundStatus.OPEN).order_by("month").first()
            if current is not None:
                return redirect("submissions:round", pk=current.pk)
            return redirect("submissions:rounds")
        if access.agencies_led(partnership.id):
            return redirect("submissions:mine")
        if partnership.id in access.board_member_of:
            latest = (
                PackVersion.objects.filter(round__partnership=partnership)
                .order_by("-round__month")
                .select_related("round")
                .first()
            )
            if latest is not None:
                return redirect(
                    "packs:summary",
                    area=partnership.area.code,
                    month=latest.round.month.strftime("%Y-%m"),
                )
            return redirect("packs:index")
    if permissions.can_use_admin(request.user):
        return redirect("admin:index")
    return render(request, "cycle/home.html", {"data": home_data(user=request.user)})


@login_required
def my_submissions(request: HttpRequest) -> HttpResponse:
    access = permissions.access_for(request.user)
    partnership = partnership_for(request.user)
    if partnership is None:
        raise PermissionDenied("You have no role in a partnership.")
    subs = Submission.objects.filter(round__partnership=partnership).filter(
        Q(round__status=RoundStatus.OPEN)
        | Q(round__status=RoundStatus.REOPENED, status__in=list(workflow.EDITABLE))
    )
    if partnership.id not in access.coordinator_of:
        subs = subs.filter(adoption__owner_id__in=access.agencies_led(partnership.id))
    rows = submission_rows(submissions=subs, today=timezone.localdate())
    agencies = Agency.objects.filter(id__in=access.agencies_led(partnership.id))
    return render(
        request,
        "cycle/mine.html",
        {
            "rows": rows,
            "agencies": [a.name for a in agencies],
            "overdue": sum(1 for r in rows if r.overdue),
        },
    )


def _submission_or_404(request: HttpRequest, pk: int) -> Submission:
    sub = get_object_or_404(
        Submission.objects.select_related(
            "round__partnership__area", "indicator", "adoption__owner", "adoption__portfolio"
        ),
        pk=pk,
    )
    if not permissions.can_view_submission(request.user, sub):
        raise Http404("No such submission")  # not even its existence is shown
    return sub


def _initial(sub: Submission) -> dict[str, Any]:
    initial: dict[str, Any] = {name: getattr(sub, name) for name in services.ENTRY_FIELDS}
    initial["entry_status"] = sub.entry_status or "reported"
    initial["version"] = sub.version
    if sub.value is None and sub.decimal_value is not None:
        initial["value"] = sub.decimal_value
    for code, raw in (sub.categories or {}).items():
        initial[f"category-{code}"] = (
            f"{raw['numerator']}/{raw['denominator']}" if isinstance(raw, dict) else raw
        )
    return initial


@login_required
def entry(request: HttpRequest, pk: int) -> HttpResponse:
    """The entry form (agency lead, coordinator), with the review panel for the coordinator."""
    sub = _submission_or_404(request, pk)
    categories = list(IndicatorCategory.objects.filter(indicator=sub.indicator).order_by("order"))
    form_args: dict[str, Any] = {
        "indicator": sub.indicator,
        "categories": categories,
        "suppression_threshold": sub.adoption.suppression_threshold,
    }
    conflict = None
    warnings: list[str] = []
    if request.method == "POST":
        form = EntryForm(request.POST, **form_args)
        if form.is_valid():
            submit = request.POST.get("action") == "submit"
            try:
                services.submission_save(
                    submission_id=sub.pk,
                    user=request.user,
                    entry=form.to_entry(),
                    expected_version=form.cleaned_data["version"],
                    submit=submit,
                    now=timezone.now(),
                )
            except services.ValidationFailed as exc:
                for name, message in exc.checked.errors.items():
                    field = name if name in form.fields else None
                    form.add_error(field, message)
                warnings = exc.checked.warnings
            except services.ConcurrentEdit as exc:
                conflict = exc
                sub.refresh_from_db()
                # Keep what they typed, against the current version, so saving again works.
                data = request.POST.copy()
                data["version"] = str(sub.version)
                form = EntryForm(data, **form_args)
                form.is_valid()
            except (services.CycleError, TransitionError, PermissionDenied) as exc:
                messages.error(request, str(exc))
                return redirect("submissions:entry", pk=sub.pk)
            else:
                messages.success(
                    request,
                    f"{sub.indicator.title}: submitted for review."
                    if submit
                    else f"{sub.indicator.title}: draft saved.",
                )
                return redirect(
                    "submissions:mine" if submit else "submissions:entry",
                    *([] if submit else [sub.pk]),
                )
    else:
        initial = _initial(sub)
        draft = commentary_draft(sub)
        if not sub.performance_overview:
            initial["performance_overview"] = draft  # the overview starts from the engine's draft
        form = EntryForm(initial=initial, **form_args)
    editable = sub.status in workflow.EDITABLE and workflow.round_takes_entries(
        sub.round.status,
        sub.status,
        coordinator=permissions.is_coordinator(request.user, sub.round.partnership_id),
    )
    coordinator = permissions.can_approve(request.user, sub)
    allowed = {a.value for a in workflow.allowed_actions(sub.status)}
    return render(
        request,
        "cycle/entry.html",
        {
            "sub": sub,
            "form": form,
            "editable": editable and permissions.can_edit_submission(request.user, sub),
            "draft": commentary_draft(sub) if request.method == "POST" else draft,
            "conflict": conflict,
            "warnings": warnings,
            "coordinator": coordinator,
            "return_form": ReturnForm(),
            "override_form": OverrideForm(
                initial={"rag": sub.rag_override, "justification": sub.rag_override_justification}
            ),
            "reopen_form": ReopenForm(),
            "audit": submission_audit(sub),
            "context": review_context(sub) if coordinator else None,
            "allowed": allowed,
            "reopen_allowed": "reopen" in allowed
            and sub.round.status in workflow.CORRECTABLE_ROUNDS,
        },
    )


def _act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    sub = _submission_or_404(request, pk)
    now = timezone.now()
    try:
        if action == "approve":
            services.submission_approve(submission_id=sub.pk, user=request.user, now=now)
            messages.success(request, f"{sub.indicator.title}: approved.")
        elif action == "return":
            form = ReturnForm(request.POST)
            reason = form.data.get("reason", "")
            services.submission_return(
                submission_id=sub.pk, user=request.user, reason=reason, now=now
            )
            messages.success(request, f"{sub.indicator.title}: returned to the agency.")
        elif action == "override":
            services.submission_override_rag(
                submission_id=sub.pk,
                user=request.user,
                rag=request.POST.get("rag", ""),
                justification=request.POST.get("justification", ""),
                now=now,
            )
            messages.success(request, f"{sub.indicator.title}: rating override saved.")
        elif action == "reopen":
            services.submission_reopen(
                submission_id=sub.pk,
                user=request.user,
                reason=request.POST.get("reason", ""),
                now=now,
            )
            messages.success(request, f"{sub.indicator.title}: reopened for correction.")
    except services.ValidationFailed as exc:
        messages.error(request, f"Not approved: {exc}")
    except (services.CycleError, TransitionError, PermissionDenied) as exc:
        messages.error(request, str(exc))
    target = request.POST.get("next", "")
    # Only a path on this site: redirect() would take a bare word for a view name to reverse.
    if not target.startswith("/") or not url_has_allowed_host_and_scheme(
        target, {request.get_host()}, request.is_secure()
    ):
        target = reverse("submissions:entry", args=[sub.pk])
    return redirect(target)


@login_required
@require_POST
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "approve")


@login_required
@require_POST
def return_(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "return")


@login_required
@require_POST
def override(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "override")


@login_required
@require_POST
def reopen(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "reopen")


def coordinated_partnership(request: HttpRequest) -> Partnership:
    partnership = partnership_for(request.user)
    if partnership is None or not permissions.can_manage_rounds(request.user, partnership.id):
        raise PermissionDenied("Only the partnership coordinator can see this page.")
    return partnership


@login_required
def review(request: HttpRequest) -> HttpResponse:
    """The coordinator's queue across agencies, with filters and bulk approve."""
    partnership = coordinated_partnership(request)
    if request.method == "POST":
        ids = [int(i) for i in request.POST.getlist("selected") if _ID.fullmatch(i)]
        if not ids:
            messages.error(request, "Select the submissions to approve.")
        else:
            try:
                result = services.submissions_bulk_approve(
                    submission_ids=ids, user=request.user, now=timezone.now()
                )
            except (services.CycleError, PermissionDenied) as exc:
                messages.error(request, str(exc))
            else:
                if result.approved:
                    messages.success(request, f"Approved {len(result.approved)} submission(s).")
                for _sid, why in result.skipped:
                    messages.warning(request, f"Not approved: {why}.")
        return redirect(request.get_full_path())
    status = request.GET.get("status", "submitted")
    agency = request.GET.get("agency", "")
    portfolio = request.GET.get("portfolio", "")
    subs = Submission.objects.filter(round__partnership=partnership).exclude(
        round__status=RoundStatus.CLOSED
    )
    if status:
        subs = subs.filter(status=status)
    if agency:
        subs = subs.filter(adoption__owner__code=agency)
    if portfolio:
        subs = subs.filter(
            adoption__portfolio_id=int(portfolio) if _ID.fullmatch(portfolio) else 0
        )
    return render(
        request,
        "cycle/review.html",
        {
            "rows": submission_rows(submissions=subs, today=timezone.localdate()),
            "status": status,
            "agency": agency,
            "portfolio": portfolio,
            "statuses": [("", "Any status"), *Submission._meta.get_field("status").choices],
            "agencies": list(partnership.agencies.values_list("code", "name")),
            "portfolios": list(Portfolio.objects.values_list("id", "name")),
        },
    )


