"""The coordinator's partnership settings pages (issue 12, item 1): indicators, targets, the new
year and agencies. As the other pages: parse the request, make one service or selector call,
turn refusals into messages. Who may act is ``permissions.can_manage_settings`` (asked by the
selector for the page and again by each service)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from csp.users import AuthenticatedHttpRequest
from indicators.settings import SettingsError, new_year, targets
from indicators.settings import adoptions as adoption_services
from submissions.settings import agencies as agency_services
from submissions.settings import selectors as read
from submissions.settings.forms import (
    AdoptForm,
    AdoptionForm,
    AgencyForm,
    AgencyMoveForm,
    CopyTargetsForm,
    ReasonForm,
    TargetForm,
)

REFUSALS = (SettingsError, PermissionDenied)


def _errors(form: Any) -> str:
    return " ".join(f"{form.fields[k].label or k}: {' '.join(v)}" if k != "__all__" else " ".join(v)
                    for k, v in form.errors.items())  # fmt: skip


@login_required
def settings_home(request: AuthenticatedHttpRequest) -> HttpResponse:
    partnership = read.settings_partnership(request)
    today = timezone.localdate()
    notice = read.settings_home(partnership, today=today)
    form = CopyTargetsForm(adoptions=notice.missing if notice else [])
    context = {"partnership": partnership, "notice": notice, "form": form}
    return render(request, "settings/home.html", context)


@login_required
@require_POST
def copy_targets(request: AuthenticatedHttpRequest) -> HttpResponse:
    partnership = read.settings_partnership(request)
    notice = read.settings_home(partnership, today=timezone.localdate())
    if notice is None:
        messages.error(request, "Next year's targets are copied from 1 February.")
        return redirect("submissions:settings")
    form = CopyTargetsForm(request.POST, adoptions=notice.missing)
    if not form.is_valid():
        messages.error(request, _errors(form))
        return redirect("submissions:settings")
    chosen = (
        None
        if request.POST.get("scope") == "all"
        else [int(i) for i in form.cleaned_data["adoptions"]]
    )
    try:
        copied = new_year.targets_copy_to_next_year(
            partnership_id=partnership.id, from_year=notice.year - 1, adoption_ids=chosen,
            user=request.user, reason=form.cleaned_data["reason"],
        )  # fmt: skip
    except REFUSALS as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{copied} target(s) copied to next year.")
    return redirect("submissions:settings")


@login_required
def indicators(request: AuthenticatedHttpRequest) -> HttpResponse:
    partnership = read.settings_partnership(request)
    page = read.indicators_page(partnership)
    choices = {"agencies": read.agency_choices(partnership), "portfolios": read.portfolio_choices()}
    form = AdoptForm(request.POST or None, indicators=page.unadopted, **choices)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            adoption = adoption_services.adoption_adopt(
                partnership_id=partnership.id, indicator_id=int(d["indicator"]),
                portfolio_id=int(d["portfolio"]), owner_id=int(d["owner"]) if d["owner"] else None,
                user=request.user, reason=d["reason"],
            )  # fmt: skip
        except REFUSALS as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"{adoption.indicator.code} adopted, at the end of the pack.")
            return redirect("submissions:settings_indicators")
    context = {"partnership": partnership, "page": page, "form": form}
    return render(request, "settings/indicators.html", context)


@login_required
@require_POST
def adoption_move(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    partnership = read.settings_partnership(request)
    adoption = read.adoption_of(partnership, pk)
    try:
        adoption_services.adoption_move(
            adoption_id=adoption.pk, partnership_id=partnership.id,
            up=request.POST.get("direction") == "up", user=request.user,
        )  # fmt: skip
    except REFUSALS as exc:
        messages.error(request, str(exc))
    return redirect(f"{_indicators_url()}#adoption-{adoption.pk}")


@login_required
@require_POST
def pack_order(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The whole pack order at once (the drag-and-drop list posts every id in order)."""
    partnership = read.settings_partnership(request)
    ids = request.POST.getlist("order")
    try:
        if not all(i.isdigit() for i in ids):
            raise SettingsError("The new order must name every current indicator once.")
        adoption_services.adoptions_reorder(
            partnership_id=partnership.id, adoption_ids=[int(i) for i in ids],
            user=request.user, reason=request.POST.get("reason", ""),
        )  # fmt: skip
    except REFUSALS as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Pack order saved.")
    return redirect("submissions:settings_indicators")


def _indicators_url() -> str:
    from django.urls import reverse

    return reverse("submissions:settings_indicators")


@login_required
def adoption(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    partnership = read.settings_partnership(request)
    adopted = read.adoption_of(partnership, pk)
    choices = {"agencies": read.agency_choices(partnership), "portfolios": read.portfolio_choices()}
    initial = {
        "owner": str(adopted.owner_id or ""), "portfolio": str(adopted.portfolio_id),
        "suppression_threshold": adopted.suppression_threshold, "tolerance": adopted.tolerance,
        "figure_limit": adopted.figure_limit, "due_months": adopted.due_months,
        "what_good_looks_like": adopted.what_good_looks_like,
        "why_important": adopted.why_important, "issues_to_consider": adopted.issues_to_consider,
    }  # fmt: skip
    form = AdoptionForm(request.POST or None, initial=initial, **choices)
    if request.method == "POST" and form.is_valid():
        try:
            adoption_services.adoption_change(
                adoption_id=adopted.pk, partnership_id=partnership.id, change=form.change(),
                user=request.user, reason=form.cleaned_data["reason"],
            )  # fmt: skip
        except REFUSALS as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"{adopted.indicator.code} saved.")
            return redirect("submissions:settings_adoption", pk=adopted.pk)
    context = {
        "partnership": partnership, "adoption": adopted, "form": form,
        "retire_form": ReasonForm(), "targets": read.target_rows(adopted),
    }  # fmt: skip
    return render(request, "settings/adoption.html", context)


@login_required
@require_POST
def adoption_retire(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    partnership = read.settings_partnership(request)
    adopted = read.adoption_of(partnership, pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _errors(form))
        return redirect("submissions:settings_adoption", pk=adopted.pk)
    try:
        adoption_services.adoption_retire(
            adoption_id=adopted.pk, partnership_id=partnership.id, user=request.user,
            reason=form.cleaned_data["reason"], today=timezone.localdate(),
        )  # fmt: skip
    except REFUSALS as exc:
        messages.error(request, str(exc))
        return redirect("submissions:settings_adoption", pk=adopted.pk)
    messages.success(request, f"{adopted.indicator.code} retired: new rounds skip it.")
    return redirect("submissions:settings_indicators")


@login_required
def adoption_targets(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    partnership = read.settings_partnership(request)
    adopted = read.adoption_of(partnership, pk)
    today = timezone.localdate()
    initial = {"financial_year": read.this_year(today), "kind": "reduce"}
    form = TargetForm(
        request.POST or None, initial=initial, categories=read.category_choices(adopted)
    )
    preview = None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            if request.POST.get("action") == "save":
                targets.target_save(
                    adoption_id=adopted.pk, partnership_id=partnership.id,
                    financial_year=d["financial_year"], category_id=form.category_id(),
                    target=form.target(), user=request.user, reason=d["reason"],
                )  # fmt: skip
                messages.success(request, "Target saved; the figures are being rated again.")
                return redirect("submissions:settings_targets", pk=adopted.pk)
            preview = targets.target_preview(
                adoption=adopted, financial_year=d["financial_year"],
                category_id=form.category_id(), target=form.target(), today=today,
            )  # fmt: skip
        except REFUSALS as exc:
            form.add_error(None, str(exc))
    context = {
        "partnership": partnership, "adoption": adopted, "form": form, "preview": preview,
        "targets": read.target_rows(adopted),
    }  # fmt: skip
    return render(request, "settings/targets.html", context)


@login_required
def agencies(request: AuthenticatedHttpRequest) -> HttpResponse:
    partnership = read.settings_partnership(request)
    form = AgencyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            agency = agency_services.agency_add(
                partnership_id=partnership.id, name=d["name"], email=d["email"],
                user=request.user, reason=d["reason"],
            )  # fmt: skip
        except REFUSALS as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"{agency.name} added.")
            return redirect("submissions:settings_agencies")
    context = {"partnership": partnership, "rows": read.agencies_page(partnership), "form": form}
    return render(request, "settings/agencies.html", context)


@login_required
def agency(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    partnership = read.settings_partnership(request)
    found = read.agency_of(partnership, pk)
    initial = {"name": found.name, "email": found.email}
    others = [c for c in read.agency_choices(partnership) if c[0] not in ("", str(found.pk))]
    action = request.POST.get("action", "rename")
    forms_: dict[str, Any] = {
        "rename": AgencyForm(initial=initial),
        "move": AgencyMoveForm(agencies=others, prefix="move"),
        "retire": ReasonForm(prefix="retire"),
    }
    if request.method == "POST" and action in forms_:  # only the form posted shows its errors
        posted: Any = {
            "rename": lambda: AgencyForm(request.POST, initial=initial),
            "move": lambda: AgencyMoveForm(request.POST, agencies=others, prefix="move"),
            "retire": lambda: ReasonForm(request.POST, prefix="retire"),
        }[action]()
        forms_[action] = posted
        if posted.is_valid():
            try:
                messages.success(request, _agency_act(action, posted.cleaned_data, found, request))
            except REFUSALS as exc:
                posted.add_error(None, str(exc))
            else:
                if action == "move":
                    return redirect("submissions:settings_agency", pk=found.pk)
                return redirect("submissions:settings_agencies")
    context = {
        "partnership": partnership, "agency": found, "form": forms_["rename"],
        "move_form": forms_["move"], "retire_form": forms_["retire"],
        "blockers": agency_services.agency_retire_blockers(found),
    }  # fmt: skip
    return render(request, "settings/agency.html", context)


def _agency_act(
    action: str, d: dict[str, Any], found: Any, request: AuthenticatedHttpRequest
) -> str:
    """One of the agency page's three actions; the message to show."""
    who = {"partnership_id": found.partnership_id, "user": request.user, "reason": d["reason"]}
    if action == "retire":
        agency_services.agency_retire(agency_id=found.pk, today=timezone.localdate(), **who)
        return f"{found.name} retired."
    if action == "move":
        moved = agency_services.agency_work_move(
            agency_id=found.pk, to_agency_id=int(d["to_agency"]), **who
        )
        return f"Moved {len(moved)} indicator(s) and their open submissions: {', '.join(moved)}."
    agency_services.agency_rename(agency_id=found.pk, name=d["name"], email=d["email"], **who)
    return f"{d['name']} saved."
