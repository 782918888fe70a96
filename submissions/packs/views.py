"""The published packs the board reads: only frozen versions, never live figures."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from chartjs.views.lines import BaseLineChartView
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string

from csp import permissions
from csp.switcher import working_partnership_id
from submissions.packs.action_log import overdue_actions
from submissions.packs.charts import CHARTS, available_charts, chart_data
from submissions.packs.latest import latest_of
from submissions.packs.pages import pack_key, pack_table, rag_counts, summary_rows
from submissions.packs.process_memo import ProcessMemo
from submissions.packs.regions import (
    COLUMNS,
    Comparison,
    RegionNotFound,
    comparison_csv,
    region_comparison,
    regions_for,
)
from submissions.packs.schema import PackSnapshot, Page
from submissions.packs.selectors import (
    PublishedVersion,
    cache_key,
    pack_index,
    published_versions,
    version_snapshot,
)
from submissions.packs.snapshot import pack_changes

SUMMARY_TIMEOUT = 86_400  # a published version never changes
# Rendered bodies kept in each web process too (~80 KB each with 34 indicators: 64 are ~5 MB).
SUMMARY_BODIES: ProcessMemo[str] = ProcessMemo(max_entries=64)


def _versions(request: HttpRequest, area: str, month: str) -> list[PublishedVersion]:
    try:
        the_month = dt.datetime.strptime(month, "%Y-%m").date()
    except ValueError:
        raise Http404("No such month") from None
    versions = published_versions(area=area, month=the_month)
    if not versions or not permissions.can_view_published_pack(
        request.user, versions[0].partnership_id
    ):
        raise Http404("No published pack for that month")
    return versions


def _chosen(request: HttpRequest, versions: list[PublishedVersion]) -> PublishedVersion:
    wanted = request.GET.get("version")
    if not wanted:
        return versions[-1]
    match = next((v for v in versions if str(v.number) == wanted), None)
    if match is None:
        raise Http404("No such version")
    return match


def _page(snapshot: PackSnapshot, code: str) -> Page:
    page = snapshot.page(code)
    if page is None:
        raise Http404("No such indicator in this pack")
    return page


@login_required
def index(request: HttpRequest) -> HttpResponse:
    index = pack_index(user=request.user, partnership_id=working_partnership_id(request))
    return render(request, "packs/index.html", {"index": index})


@login_required
def summary(request: HttpRequest, area: str, month: str) -> HttpResponse:
    versions = _versions(request, area, month)
    version = _chosen(request, versions)
    portfolio = request.GET.get("portfolio", "")
    rag = request.GET.get("rag", "")
    query = f"?version={version.number}" if version != versions[-1] else ""
    # A published version never changes, so its rendered body (a str) is cached for good. It
    # names the month's versions, so the newest version's id is in the key: publishing another
    # makes a new key (the body is the same for every reader: the header is rendered apart).
    key = cache_key(
        "summary",
        hashlib.sha256(
            f"{version.pk}|{version.published_at.isoformat()}|{versions[-1].pk}|{portfolio}|{rag}"
            f"|{query}".encode()
        ).hexdigest(),
    )
    body = SUMMARY_BODIES.get(key)  # this process's copy: no ~77 KB read from Redis
    if body is None:
        body = cache.get(key)
        if body is None:
            body = _summary_body(versions, version, portfolio, rag, query)
            cache.set(key, body, timeout=SUMMARY_TIMEOUT)
        SUMMARY_BODIES.put(key, body)
    return render(
        request,
        "packs/summary.html",
        {
            "body": body,
            "version": version,
            "month_label": version.month,
        },
    )


def _summary_body(
    versions: list[PublishedVersion],
    version: PublishedVersion,
    portfolio: str,
    rag: str,
    query: str,
) -> str:
    snapshot = version_snapshot(version)
    rows = summary_rows(snapshot)
    counts = rag_counts(rows)
    portfolios = list(dict.fromkeys(r.portfolio for r in rows))
    shown = [
        r
        for r in rows
        if (not portfolio or r.portfolio == portfolio) and (not rag or (r.rag or "None") == rag)
    ]
    previous = next((v for v in versions if v.number == version.number - 1), None)
    return render_to_string(
        "packs/summary_body.html",
        {
            "version": version,
            "versions": versions,
            "snapshot": snapshot,
            "rows": shown,
            "total": len(rows),
            "counts": counts,
            "actions_logged": any(p.action_log for p in snapshot.indicators),
            "actions_overdue": overdue_actions(snapshot.indicators),
            "portfolios": portfolios,
            "portfolio": portfolio,
            "rag": rag,
            "changes": pack_changes(version_snapshot(previous), snapshot) if previous else [],
            "previous": previous,
            "query": query,
            "key": pack_key(),
        },
    )


@login_required
def indicator(request: HttpRequest, area: str, month: str, code: str) -> HttpResponse:
    versions = _versions(request, area, month)
    version = _chosen(request, versions)
    snapshot = version_snapshot(version)
    pages = snapshot.indicators
    page = _page(snapshot, code)
    index = next(i for i, p in enumerate(pages) if p.code == code)
    return render(
        request,
        "packs/indicator.html",
        {
            "version": version,
            "versions": versions,
            "snapshot": snapshot,
            "page": page,
            "row": summary_rows([page])[0],
            "latest": latest_of(page),
            "table": pack_table(page, snapshot.month),
            "charts": [(name, CHARTS[name]) for name in available_charts(page)],
            "previous": pages[index - 1] if index > 0 else None,
            "next": pages[index + 1] if index + 1 < len(pages) else None,
            "key": pack_key(),
            "query": f"?version={version.number}" if version != versions[-1] else "",
        },
    )


@login_required
def export(request: HttpRequest, area: str, month: str, fmt: str) -> HttpResponse:
    from submissions.packs.exports import pack_export

    if fmt not in {"csv", "xlsx"}:
        raise Http404("No such format")
    versions = _versions(request, area, month)
    version = _chosen(request, versions)
    content = pack_export(version_snapshot(version), fmt)
    types = {
        "csv": "text/csv; charset=utf-8",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
    response = HttpResponse(content, content_type=types[fmt])
    response["Content-Disposition"] = (
        f'attachment; filename="csp-pack-{area}-{month}-v{version.number}.{fmt}"'
    )
    return response


@login_required
def pdf(request: HttpRequest, area: str, month: str) -> HttpResponse:
    """The stored PDF, or (the first time) its production queued with progress shown."""
    from django.utils import timezone

    from submissions.packs.pdf import pack_pdf_content, pack_pdf_request

    versions = _versions(request, area, month)
    version = _chosen(request, versions)
    record, _created = pack_pdf_request(version_id=version.pk, now=timezone.now())
    if record.status == "done":
        # The PDF is read here, once; the progress page, refreshed every 2 s, never reads it.
        response = HttpResponse(pack_pdf_content(record.pk), content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="csp-pack-{area}-{month}-v{version.number}.pdf"'
        )
        return response
    return render(
        request,
        "packs/pdf_progress.html",
        {"record": record, "version": version, "area": area, "month": month},  # no snapshot
    )


class PackChartView(BaseLineChartView):
    """JSON for Chart.js: labels, datasets and the y-axis title (no view, no URL parameters)."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        versions = _versions(request, kwargs["area"], kwargs["month"])
        snapshot = version_snapshot(_chosen(request, versions))
        page = _page(snapshot, kwargs["code"])
        self._payload = chart_data(page, kwargs["name"], snapshot.month)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {
            "labels": self._payload["labels"],
            "datasets": self._payload["datasets"],
            "yTitle": self._payload.get("yTitle", ""),
        }


# --- regional comparison (ADR 0017) -----------------------------------------------------------


def _month(month: str) -> dt.date:
    try:
        return dt.datetime.strptime(month, "%Y-%m").date()
    except ValueError:
        raise Http404("No such month") from None


def _comparison(request: HttpRequest, region: str, code: str, month: str) -> Comparison:
    sort = request.GET.get("sort", "partnership")
    try:
        return region_comparison(
            user=request.user,
            region=region,
            indicator=code,
            month=_month(month),
            sort=sort,
            descending=request.GET.get("order") == "desc",
        )
    except RegionNotFound as exc:
        raise Http404(str(exc)) from None


@login_required
def regions(request: HttpRequest) -> HttpResponse:
    return render(request, "packs/regions.html", {"regions": regions_for(user=request.user)})


def _headers(comparison: Comparison) -> list[dict[str, str]]:
    """Each column's sort link (a second click reverses it) and its aria-sort."""
    headers = []
    for key, label in COLUMNS:
        current = key == comparison.sort
        descending = not comparison.descending if current else False
        headers.append(
            {
                "key": key,
                "label": label,
                "href": f"?sort={key}&order={'desc' if descending else 'asc'}",
                "aria_sort": ("descending" if comparison.descending else "ascending")
                if current
                else "none",
            }
        )
    return headers


@login_required
def region(request: HttpRequest, region: str, code: str, month: str) -> HttpResponse:
    comparison = _comparison(request, region, code, month)
    published = [r for r in comparison.rows if r.published and r.chart_value is not None]
    chart = {
        "labels": [r.partnership for r in published],
        "datasets": [
            {
                "label": comparison.chart_label,
                "data": [r.chart_value for r in published],
                "backgroundColor": "#1d70b8",
            }
        ],
    }
    return render(
        request,
        "packs/region.html",
        {
            "comparison": comparison,
            "headers": _headers(comparison),
            "chart": chart,
            "query": request.GET.urlencode(),
        },
    )


@login_required
def region_export(request: HttpRequest, region: str, code: str, month: str) -> HttpResponse:
    comparison = _comparison(request, region, code, month)
    response = HttpResponse(comparison_csv(comparison), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="csp-region-{region}-{code}-{month}.csv"'
    )
    return response
