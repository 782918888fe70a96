"""The published packs the board reads: only frozen versions, never live figures."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from csp import permissions
from submissions.models import PackVersion
from submissions.selectors import pack_changes


def _versions(request: HttpRequest, area: str, month: str) -> list[PackVersion]:
    try:
        the_month = dt.datetime.strptime(month, "%Y-%m").date()
    except ValueError:
        raise Http404("No such month") from None
    versions = list(
        PackVersion.objects.filter(round__partnership__area__code=area, round__month=the_month)
        .select_related("round__partnership", "published_by")
        .order_by("number")
    )
    if not versions or not permissions.can_view_published_pack(
        request.user, versions[0].round.partnership_id
    ):
        raise Http404("No published pack for that month")
    return versions


def _chosen(request: HttpRequest, versions: list[PackVersion]) -> PackVersion:
    wanted = request.GET.get("version")
    if not wanted:
        return versions[-1]
    match = next((v for v in versions if str(v.number) == wanted), None)
    if match is None:
        raise Http404("No such version")
    return match


@login_required
def index(request: HttpRequest) -> HttpResponse:
    access = permissions.access_for(request.user)
    versions = (
        PackVersion.objects.filter(round__partnership_id__in=access.partnerships)
        .select_related("round__partnership__area")
        .order_by("-round__month", "number")
    )
    packs: dict[Any, dict[str, Any]] = {}
    for v in versions:
        key = (v.round.partnership.area.code, v.round.month)
        packs.setdefault(
            key, {"area": v.round.partnership.area, "month": v.round.month, "versions": []}
        )["versions"].append(v)
    return render(request, "packs/index.html", {"packs": list(packs.values())})


@login_required
def summary(request: HttpRequest, area: str, month: str) -> HttpResponse:
    versions = _versions(request, area, month)
    version = _chosen(request, versions)
    snapshot = version.snapshot
    counts = {"R": 0, "A": 0, "G": 0, None: 0}
    for page in snapshot["indicators"]:
        counts[page.get("rag_effective") if page.get("rag_effective") in counts else None] += 1
    previous = next((v for v in versions if v.number == version.number - 1), None)
    return render(
        request,
        "packs/summary.html",
        {
            "version": version,
            "versions": versions,
            "snapshot": snapshot,
            "counts": counts,
            "changes": pack_changes(previous.snapshot, snapshot) if previous else [],
            "previous": previous,
        },
    )


@login_required
def indicator(request: HttpRequest, area: str, month: str, code: str) -> HttpResponse:
    versions = _versions(request, area, month)
    version = _chosen(request, versions)
    pages = version.snapshot["indicators"]
    index = next((i for i, p in enumerate(pages) if p["code"] == code), None)
    if index is None:
        raise Http404("No such indicator in this pack")
    return render(
        request,
        "packs/indicator.html",
        {
            "version": version,
            "snapshot": version.snapshot,
            "page": pages[index],
            "previous": pages[index - 1] if index > 0 else None,
            "next": pages[index + 1] if index + 1 < len(pages) else None,
        },
    )
