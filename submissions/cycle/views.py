"""Pages of the monthly cycle. Each view parses the request, makes one service or selector call,
and turns refusals into messages; the rules live in services, workflow and csp.permissions, and
what a page offers is what ``allowed.submission_actions`` says the services accept."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from csp import permissions
from csp.switcher import chosen_partnership, working_partnership_id
from csp.users import AuthenticatedHttpRequest
from submissions.actions_log.selectors import action_panel
from submissions.cycle import services, workflow
from submissions.cycle.allowed import SAVE, submission_actions
from submissions.cycle.commentary import commentary_findings, commentary_review, finding_texts
from submissions.cycle.forms import (
    EntryForm,
    OverrideForm,
    ReturnForm,
    SubmissionReopenForm,
)
from submissions.cycle.preview import figure_preview
from submissions.cycle.selectors import (
    entered_figure,
    home_data,
    returns_of,
    review_context,
    submission_audit,
)
from submissions.cycle.validation import EntryStatus
from submissions.cycle.visibility import (
    landing_for,
    my_work,
    partnership_for,
    review_queue,
    submission_for,
)
from submissions.cycle.workflow import TransitionError

if TYPE_CHECKING:  # named in annotations only: the submission comes from the selectors
    from submissions.models import Submission

_ID = re.compile(r"[0-9]{1,12}")


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Each role lands where its work is."""
    landing = landing_for(request.user, chosen_partnership(request))
    if landing is not None:
        return redirect(landing.view, **landing.kwargs)
    data = home_data(user=request.user, partnership_id=working_partnership_id(request))
    return render(request, "cycle/home.html", {"data": data})


@login_required
def my_submissions(request: AuthenticatedHttpRequest) -> HttpResponse:
    partnership = partnership_for(request.user, chosen_partnership(request))
    if partnership is None:
        raise PermissionDenied("You have no role in a partnership.")
    data = my_work(user=request.user, partnership=partnership, today=timezone.localdate())
    return render(
        request,
        "cycle/mine.html",
        {
            "rows": data.rows,
            "agencies": data.agencies,
            "overdue": data.overdue,
            "partnership": partnership,
        },
    )


def _submission_or_404(request: AuthenticatedHttpRequest, pk: int) -> Any:
    sub = submission_for(request.user, pk)
    if sub is None:
        raise Http404("No such submission")  # not even its existence is shown
    return sub


def _initial(sub: Submission) -> dict[str, Any]:
    initial: dict[str, Any] = {name: getattr(sub, name) for name in services.ENTRY_FIELDS}
    initial["entry_status"] = sub.entry_status or EntryStatus.REPORTED
    initial["version"] = sub.version
    initial["reason_not_collected"] = sub.reason
    if sub.value is None and sub.decimal_value is not None:
        initial["value"] = sub.decimal_value
    for code, raw in (sub.categories or {}).items():
        initial[f"category-{code}"] = (
            f"{raw['numerator']}/{raw['denominator']}" if isinstance(raw, dict) else raw
        )
    return initial


@login_required
def entry(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The entry form (agency lead, coordinator), with the review panel for the coordinator."""
    sub = _submission_or_404(request, pk)
    categories = list(sub.indicator.categories.all())
    form_args: dict[str, Any] = {
        "indicator": sub.indicator,
        "categories": categories,
        "suppression_threshold": sub.adoption.suppression_threshold,
    }
    conflict = None
    warnings: list[str] = []
    review = None
    action = request.POST.get("action", "save")
    if request.method == "POST" and action == "use_draft":
        # Without scripts, "Use this draft" posts the form: it comes back with the draft in the
        # overview box and everything else as typed. Nothing is saved until the lead saves.
        form = EntryForm(request.POST, **form_args)
        review = commentary_review(sub, form.to_entry() if form.is_valid() else None)
        data = request.POST.copy()
        data["performance_overview"] = review.draft
        form = EntryForm(data, **form_args)
        form.is_valid()
    elif request.method == "POST":
        form = EntryForm(request.POST, **form_args)
        if form.is_valid():
            submit = action == "submit"
            try:
                saved = services.submission_save(
                    submission_id=sub.pk,
                    user=request.user,
                    entry=form.to_entry(),
                    expected_version=form.cleaned_data["version"],
                    submit=submit,
                    now=timezone.now(),
                )
            except services.ValidationFailed as exc:
                for name, message in exc.checked.errors.items():
                    form.add_error(form.field_for(name), message)
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
                unchanged = saved.version == form.cleaned_data["version"]
                messages.success(
                    request,
                    f"{sub.indicator.title}: submitted for review."
                    if submit
                    else f"{sub.indicator.title}: nothing had changed, so nothing was saved."
                    if unchanged
                    else f"{sub.indicator.title}: draft saved.",
                )
                # Saved either way: what the figures contradict is a warning. A draft's form
                # shows it again; a submission's shows on the list it returns to.
                for text in finding_texts(commentary_findings(saved)) if submit else []:
                    messages.warning(request, f"Check the commentary against the figures. {text}")
                return redirect(
                    "submissions:mine" if submit else "submissions:entry",
                    *([] if submit else [sub.pk]),
                )
    else:
        # The box holds the lead's own words only: the engine's draft is shown beside it.
        form = EntryForm(initial=_initial(sub), **form_args)
    if review is None:
        review = commentary_review(sub)
    # The answer the services give when the form is posted (allowed.submission_refusal).
    allowed = submission_actions(request.user, sub)
    coordinator = permissions.can_approve(request.user, sub)
    context = review_context(sub)
    audit = submission_audit(sub)
    # The confirming note is asked for only when a warning applies (or one is already written).
    note = form["confirm_note"]
    show_note = bool(warnings or context.warnings or note.errors or (note.value() or "").strip())
    return render(
        request,
        "cycle/entry.html",
        {
            "sub": sub,
            "entered": entered_figure(sub),
            "form": form,
            "editable": SAVE in allowed,
            "draft": review.draft,
            "contradictions": finding_texts(review.findings),
            "conflict": conflict,
            "warnings": warnings,
            "coordinator": coordinator,
            "return_form": ReturnForm(),
            "override_form": OverrideForm(
                initial={"rag": sub.rag_override, "justification": sub.rag_override_justification}
            ),
            "reopen_form": SubmissionReopenForm(),
            "audit": audit,
            "returns": returns_of(audit),
            "context": context,
            # The figure in context: a posted form's figure when it was read (a refused save,
            # without scripts), else the saved entry's; the form's script previews as typed.
            "preview": figure_preview(
                sub, form.to_entry() if form.is_bound and form.is_valid() else None
            ),
            "show_note": show_note,
            "allowed": allowed,
            "action_log": action_panel(request.user, sub),
        },
    )


def _act(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
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
def approve(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "approve")


@login_required
@require_POST
def return_(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "return")


@login_required
@require_POST
def override(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "override")


@login_required
@require_POST
def reopen(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "reopen")


def coordinated_partnership(request: AuthenticatedHttpRequest) -> Any:
    partnership = partnership_for(request.user, chosen_partnership(request))
    if partnership is None or not permissions.can_manage_rounds(request.user, partnership.id):
        raise PermissionDenied("Only the partnership coordinator can see this page.")
    return partnership


@login_required
def review(request: AuthenticatedHttpRequest) -> HttpResponse:
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
    status = request.GET.get("status", workflow.State.SUBMITTED)
    agency = request.GET.get("agency", "")
    portfolio = request.GET.get("portfolio", "")
    queue = review_queue(
        user=request.user,
        partnership=partnership,
        status=status,
        agency=agency,
        portfolio_id=(int(portfolio) if _ID.fullmatch(portfolio) else 0) if portfolio else None,
        today=timezone.localdate(),
    )
    return render(
        request,
        "cycle/review.html",
        {
            "partnership": partnership,
            "rows": queue.rows,
            "status": status,
            "agency": agency,
            "portfolio": portfolio,
            "statuses": queue.statuses,
            "agencies": queue.agencies,
            "portfolios": queue.portfolios,
        },
    )
