"""Reads for pages: plain data, every query run before rendering."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count

from csp.models import Role
from submissions.models import ReportingRound


@dataclass(frozen=True)
class RoundSummary:
    partnership: str
    month: date
    deadline: date
    status: str
    status_label: str
    submissions: int


@dataclass(frozen=True)
class HomeData:
    roles: list[str]
    rounds: list[RoundSummary]


def home_data(*, user: Any) -> HomeData:
    roles = list(Role.objects.filter(user=user).select_related("partnership", "agency"))
    partnership_ids = {r.partnership_id for r in roles}
    rounds = (
        ReportingRound.objects.filter(partnership_id__in=partnership_ids)
        .select_related("partnership")
        .order_by("-month")
    )
    rounds = rounds.annotate(n=Count("submissions"))
    return HomeData(
        roles=[str(r) for r in roles],
        rounds=[
            RoundSummary(
                partnership=r.partnership.name,
                month=r.month,
                deadline=r.deadline,
                status=r.status,
                status_label=r.get_status_display(),
                submissions=r.n,
            )
            for r in rounds
        ],
    )


# --- the pack snapshot (what publishing freezes) ----------------------------------------------


def _num(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if hasattr(value, "as_tuple"):  # Decimal
        return float(value)
    return value


def pack_snapshot_build(round_: ReportingRound) -> dict[str, Any]:
    """Everything a published pack shows, as plain JSON, read in a fixed number of queries."""
    from indicators.engine.commentary import Facts, check_commentary
    from indicators.engine.measures import MonthMetrics
    from indicators.engine.periods import add_months, fy_start, month_label, short_month_label
    from indicators.models import DerivedMetric, HistoryEntry, Indicator, MonthValue, Target
    from indicators.selectors import metrics_for_month

    area = round_.partnership.area
    month = round_.month
    start = fy_start(month)
    fy_months = []
    m = start
    while m <= month:
        fy_months.append(m)
        m = add_months(m, 1)
    indicators = list(Indicator.objects.select_related("portfolio", "owner").order_by("pack_order"))
    targets = {
        t.indicator_id: t
        for t in Target.objects.filter(financial_year=start.year, category__isnull=True)
    }
    history: dict[int, list[dict[str, str]]] = {}
    for h in HistoryEntry.objects.order_by("indicator_id", "order"):
        history.setdefault(h.indicator_id, []).append({"year": h.year_label, "text": h.text})
    values: dict[tuple[int, dt.date], list[MonthValue]] = {}
    for mv in MonthValue.objects.filter(area=area, month__in=fy_months).select_related("category"):
        values.setdefault((mv.indicator_id, mv.month), []).append(mv)
    derived = {
        (d.indicator_id, d.month): d
        for d in DerivedMetric.objects.filter(area=area, month__in=fy_months)
    }
    metrics = metrics_for_month(area_id=area.id, month=month)
    submissions = {s.indicator_id: s for s in round_.submissions.all()}

    pages = []
    for ind in indicators:
        sub = submissions.get(ind.id)
        computed = metrics.get(ind.code, {})
        rows = []
        for fm in fy_months:
            d = derived.get((ind.id, fm))
            mvs = values.get((ind.id, fm), [])
            whole = next((v for v in mvs if v.category_id is None), None)
            rows.append(
                {
                    "month": fm.strftime("%Y-%m"),
                    "label": short_month_label(fm),
                    "status": (whole.status if whole else ("reported" if mvs else "not_submitted")),
                    "reason": whole.reason if whole else "",
                    "value": _num(
                        whole.value
                        if whole and whole.value is not None
                        else (whole.decimal_value if whole else None)
                    ),
                    "numerator": whole.numerator if whole else None,
                    "denominator": whole.denominator if whole else None,
                    "reference_period": whole.reference_period if whole else "",
                    "categories": {
                        v.category.code: (v.value if v.status == "reported" else v.status)
                        for v in mvs
                        if v.category_id
                    }
                    or None,
                    "ytd": _num(d.ytd) if d else None,
                    "ytd_change_pct": d.ytd_change_pct if d else None,
                    "r12": _num(d.r12) if d else None,
                    "rate": d.rate if d else None,
                    "month_pct": d.month_pct if d else None,
                    "ytd_pct": d.ytd_pct if d else None,
                    "target_to_date": d.target_to_date if d else None,
                    "rag": (d.rag or None) if d else None,
                }
            )
        commentary = {
            "performance_overview": sub.performance_overview if sub else "",
            "actions": sub.actions if sub else "",
            "benchmarking": sub.benchmarking if sub else "",
        }
        d_now = derived.get((ind.id, month))
        findings = []
        if d_now is not None and commentary["performance_overview"]:
            facts = Facts(
                area=area.name,
                unit=ind.unit,
                kind=ind.kind,
                decimals=ind.display_decimals,
                metrics=MonthMetrics(
                    month=month,
                    ytd=d_now.ytd,
                    ytd_previous=d_now.ytd_previous,
                    ytd_change_abs=d_now.ytd_change_abs,
                    ytd_change_pct=d_now.ytd_change_pct,
                    r12=d_now.r12,
                    r12_previous=d_now.r12_previous,
                    r12_change_abs=d_now.r12_change_abs,
                    r12_change_pct=d_now.r12_change_pct,
                ),
            )
            findings = [
                {"quote": f.quote, "message": f.message}
                for f in check_commentary(commentary["performance_overview"], facts)
            ]
        override = sub.rag_override if sub else ""
        target = targets.get(ind.id)
        pages.append(
            {
                "code": ind.code,
                "title": ind.title,
                "portfolio": ind.portfolio.name,
                "owner": ind.owner.name if ind.owner else "",
                "page_heading": ind.page_heading,
                "source": ind.source,
                "kind": ind.kind,
                "unit": ind.unit,
                "polarity": ind.polarity,
                "decimals": ind.display_decimals,
                "per_n": ind.per_n,
                "texts": {
                    "definition": ind.definition,
                    "how_it_works": ind.how_it_works,
                    "what_good_looks_like": ind.what_good_looks_like,
                    "why_important": ind.why_important,
                    "issues_to_consider": ind.issues_to_consider,
                },
                "target": {"kind": target.kind, "text": target.text} if target else None,
                "history": history.get(ind.id, []),
                "months": rows,
                "metrics": computed,
                "commentary": commentary,
                "commentary_findings": findings,
                "rag": computed.get("rag"),
                "rag_reason": computed.get("rag_reason", ""),
                "rag_override": override or None,
                "rag_override_justification": sub.rag_override_justification if sub else "",
                "rag_effective": (None if override == "None" else override)
                if override
                else computed.get("rag"),
            }
        )
    return {
        "area": {"code": area.code, "name": area.name, "short_name": area.short_name},
        "month": month.strftime("%Y-%m"),
        "month_label": month_label(month),
        "indicators": pages,
    }
