"""The pack snapshot: what publishing freezes, built from the approved round.

Everything a published pack shows is in the snapshot (``schema.PackSnapshot``), stored as plain
JSON; pages, charts, the PDF and exports read only it, typed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

from django.db.models import Q

from indicators.engine.formatting import DASH, figure, number, rate
from indicators.engine.vocabulary import IndicatorKind
from submissions.models import ReportingRound
from submissions.packs.action_log import pack_actions
from submissions.packs.pages import RAG_NAMES
from submissions.packs.schema import (
    SCHEMA_VERSION,
    Area,
    CategoryLabel,
    Chart,
    Commentary,
    Finding,
    HistoryItem,
    Metrics,
    MonthRow,
    PackSnapshot,
    Page,
    PageTarget,
    Texts,
    Xmr,
    as_snapshot,
)
from submissions.packs.snapshot_tables import page_tables, tables_source


def _num(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if hasattr(value, "as_tuple"):  # Decimal
        return float(value)
    return value


def pack_snapshot_build(round_: ReportingRound) -> PackSnapshot:
    """Everything a published pack shows, read in a fixed number of queries (store it with
    ``to_dict()`` beside its ``schema_version``)."""
    from indicators.engine.commentary import Facts, check_texts
    from indicators.engine.measures import MonthMetrics
    from indicators.engine.periods import add_months, fy_start, month_label, short_month_label
    from indicators.models import (
        Adoption,
        DerivedMetric,
        HistoryEntry,
        IndicatorCategory,
        MonthValue,
        Target,
    )
    from indicators.selectors import category_rule_text, metrics_for_month, rating_rule_text

    area = round_.partnership.area
    month = round_.month
    start = fy_start(month)
    fy_months = []
    m = start
    while m <= month:
        fy_months.append(m)
        m = add_months(m, 1)
    # The partnership's adoptions, in its pack order: the catalogue says what is measured, the
    # adoption who owns it, where it sits, its local texts, targets and history (ADR 0015).
    adoptions = list(
        Adoption.objects.filter(partnership_id=round_.partnership_id)
        .select_related("indicator__denominator_series", "portfolio", "owner")
        .order_by("pack_order", "indicator__code")
    )
    targets = {
        t.adoption_id: t
        for t in Target.objects.filter(
            adoption__partnership_id=round_.partnership_id,
            financial_year=start.year,
            category__isnull=True,
        )
    }
    # Targets set per category (PHOF 2.15's ranges) rate an indicator with none of its own.
    category_targets: dict[int, list[Target]] = {}
    for t in (
        Target.objects.filter(
            adoption__partnership_id=round_.partnership_id,
            financial_year=start.year,
            category__isnull=False,
        )
        .select_related("category", "adoption")
        .order_by("category__order")
    ):
        category_targets.setdefault(t.adoption_id, []).append(t)
    own_history: dict[int, list[HistoryItem]] = {}
    shared_history: dict[int, list[HistoryItem]] = {}
    for h in HistoryEntry.objects.filter(
        Q(adoption__isnull=True) | Q(adoption__partnership_id=round_.partnership_id)
    ).order_by("indicator_id", "order"):
        into = shared_history if h.adoption_id is None else own_history
        into.setdefault(h.indicator_id, []).append(HistoryItem(year=h.year_label, text=h.text))
    values: dict[tuple[int, dt.date], list[MonthValue]] = {}
    for mv in MonthValue.objects.filter(area=area, month__in=fy_months).select_related("category"):
        values.setdefault((mv.indicator_id, mv.month), []).append(mv)
    # Every derived month of the area up to the pack's month: the FY table, last year's line
    # and the XmR chart's points all come from this one query.
    all_derived: dict[int, list[Any]] = {}
    for dm in DerivedMetric.objects.filter(area=area, month__lte=month).order_by("month"):
        if dm.figure_month is not None and dm.figure_month != dm.month and dm.month != month:
            continue  # a lagged figure standing for a later month: shown in its own month only
        all_derived.setdefault(dm.indicator_id, []).append(dm)
    derived = {(i, d.month): d for i, rows in all_derived.items() for d in rows}
    metrics = metrics_for_month(area_id=area.id, month=month)
    category_labels: dict[int, list[CategoryLabel]] = {}
    for c in IndicatorCategory.objects.order_by("indicator_id", "order"):
        category_labels.setdefault(c.indicator_id, []).append(
            CategoryLabel(code=c.code, label=c.label, is_total=c.is_total)
        )
    submissions = {s.indicator_id: s for s in round_.submissions.all()}
    tables = tables_source(area.id, start, month)
    logged = pack_actions(round_.partnership_id, month)

    pages = []
    for adoption in adoptions:
        ind = adoption.indicator
        sub = submissions.get(ind.id)
        computed = Metrics.from_dict(metrics[ind.code], path=f"metrics.{ind.code}", strict=True)
        rows = []
        for fm in fy_months:
            d = derived.get((ind.id, fm))
            mvs = values.get((ind.id, fm), [])
            whole = next((v for v in mvs if v.category_id is None), None)
            rows.append(
                MonthRow(
                    month=fm.strftime("%Y-%m"),
                    label=short_month_label(fm),
                    status=(whole.status if whole else ("reported" if mvs else "not_submitted")),
                    reason=whole.reason if whole else "",
                    value=_num(
                        whole.value
                        if whole and whole.value is not None
                        else (whole.decimal_value if whole else None)
                    ),
                    numerator=whole.numerator if whole else None,
                    denominator=whole.denominator if whole else None,
                    reference_period=whole.reference_period if whole else "",
                    categories={
                        v.category.code: (v.value if v.status == "reported" else v.status)
                        for v in mvs
                        if v.category is not None
                    }
                    or None,
                    ytd=_num(d.ytd) if d else None,
                    ytd_change_pct=d.ytd_change_pct if d else None,
                    r12=_num(d.r12) if d else None,
                    rate=d.rate if d else None,
                    month_pct=d.month_pct if d else None,
                    ytd_pct=d.ytd_pct if d else None,
                    ytd_numerator=d.ytd_numerator if d else None,
                    ytd_denominator=d.ytd_denominator if d else None,
                    pct_satisfied=d.pct_satisfied if d else None,
                    value_change_pct=d.value_change_pct if d else None,
                    target_to_date=d.target_to_date if d else None,
                    rag=(d.rag or None) if d else None,
                )
            )
        commentary = Commentary(
            performance_overview=sub.performance_overview if sub else "",
            actions=sub.actions if sub else "",
            benchmarking=sub.benchmarking if sub else "",
        )
        d_now = derived.get((ind.id, month))
        findings = []
        if d_now is not None and (commentary.performance_overview or commentary.actions):
            facts = Facts(
                area=area.name,
                unit=ind.unit,
                kind=ind.kind,
                decimals=ind.display_decimals,
                frequency=ind.frequency,
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
            # The check the entry form and the review panel run (``cycle.commentary``), here over
            # the approved figures; an action's finding says so (the schema keeps two keys).
            findings = [
                Finding(
                    quote=f.quote,
                    message=f.message
                    if f.where == "overview"
                    else f"in the {f.where}: {f.message}",
                )
                for f in check_texts(
                    facts, overview=commentary.performance_overview, actions=commentary.actions
                )
            ]
        override = sub.rag_override if sub else ""
        target = targets.get(adoption.id)
        pages.append(
            Page(
                code=ind.code,
                title=ind.title,
                portfolio=adoption.portfolio.name,
                owner=adoption.owner.name if adoption.owner else "",
                page_heading=ind.page_heading,
                source=ind.source,
                kind=ind.kind,
                unit=ind.unit,
                polarity=ind.polarity,
                decimals=ind.display_decimals,
                per_n=ind.per_n,
                rate_unit=ind.denominator_series.rate_unit if ind.denominator_series else "",
                texts=Texts(**adoption.texts()),
                target=PageTarget(kind=target.kind, text=target.text) if target else None,
                history=tuple(own_history.get(ind.id) or shared_history.get(ind.id, [])),
                months=tuple(rows),
                metrics=computed,
                commentary=commentary,
                commentary_findings=tuple(findings),
                rag=computed.rag,
                rag_reason=computed.rag_reason,
                rag_rule=(
                    category_rule_text(category_targets[adoption.id])
                    if target is None and adoption.id in category_targets
                    else rating_rule_text(ind, target, adoption.tolerance)
                ),
                rag_override=override or None,
                rag_override_justification=sub.rag_override_justification if sub else "",
                rag_effective=(None if override == "None" else override)
                if override
                else computed.rag,
                chart=_chart_data(ind, all_derived.get(ind.id, []), start, month),
                categories=tuple(category_labels.get(ind.id, [])),
                suppression_threshold=adoption.suppression_threshold,
                frequency=ind.frequency,
                tables=page_tables(
                    tables,
                    ind.id,
                    ind.kind,
                    {d.month: d for d in all_derived.get(ind.id, [])},
                    month,
                    volume=bool(target and target.volume is not None),
                ),
                action_log=logged.get(adoption.id, ()),
            )
        )
    built = PackSnapshot(
        schema_version=SCHEMA_VERSION,
        area=Area(code=area.code, name=area.name, short_name=area.short_name),
        month=month.strftime("%Y-%m"),
        month_label=month_label(month),
        indicators=tuple(pages),
    )
    # Read back as it will be stored: a snapshot no reader could read is never published.
    return PackSnapshot.from_dict(built.to_dict(), path="snapshot", strict=True)


def pack_changes(
    before: PackSnapshot | Mapping[str, Any], after: PackSnapshot | Mapping[str, Any]
) -> list[dict[str, Any]]:
    """What changed between two versions of a pack (of any schema versions): figures and
    ratings, side by side, each printed as the pages print it ('1,420', '87.07 per 1,000
    residents', 'Green'; '–' for none)."""
    old = {p.code: p for p in as_snapshot(before).indicators}
    changes = []
    for page in as_snapshot(after).indicators:
        prior = old.get(page.code)
        if prior is None:
            continue
        printed: dict[str, Callable[[Any], str]] = {
            "month_value": lambda v: figure(v, none=DASH),
            "ytd": number,
            "r12": number,
            "rate": partial(_rate_text, per_n=page.per_n, unit=page.rate_unit),
        }
        items: list[tuple[str, str, str]] = [
            (
                label,
                printed[name](getattr(prior.metrics, name)),
                printed[name](getattr(page.metrics, name)),
            )
            for name, label in (
                ("month_value", "Month"),
                ("ytd", "Year to date"),
                ("r12", "Rolling 12 months"),
                ("rate", "Rate"),
            )
            if getattr(prior.metrics, name) != getattr(page.metrics, name)
        ]
        if prior.rag_effective != page.rag_effective:
            items.append(
                (
                    "Rating",
                    RAG_NAMES.get(prior.rag_effective, "Not rated"),
                    RAG_NAMES.get(page.rag_effective, "Not rated"),
                )
            )
        if prior.commentary != page.commentary:
            items.append(("Commentary", "changed", ""))
        if prior.action_log != page.action_log:
            items.append(("Actions", "changed", ""))
        if items:
            changes.append({"code": page.code, "title": page.title, "items": items})
    return changes


def _rate_text(value: float | None, *, per_n: int | None, unit: str) -> str:
    return rate(value, per_n, unit)


def _chart_value(ind: Any, d: Any) -> float | None:
    return (
        d.month_pct
        if ind.kind == IndicatorKind.RATIO
        else (
            d.pct_satisfied
            if ind.kind == IndicatorKind.BREAKDOWN and d.pct_satisfied is not None
            else d.month_value
        )
    )


def _chart_data(ind: Any, rows: list[Any], fy_start_month: dt.date, month: dt.date) -> Chart:
    """The data behind an indicator page's charts (Chart.js on the page, SVG in the PDF)."""
    from indicators.engine.periods import add_months, short_month_label

    by_month = {d.month: d for d in rows}
    this_fy = [add_months(fy_start_month, i) for i in range(12)]
    last_fy = [add_months(m, -12) for m in this_fy]

    def series(months: list[dt.date], attr: str | None = None) -> list[Any]:
        out: list[Any] = []
        for m in months:
            d = by_month.get(m)
            if d is None or m > month:
                out.append(None)
            else:
                out.append(_num(getattr(d, attr) if attr else _chart_value(ind, d)))
        return out

    latest = by_month.get(month)
    points = [
        (d.month, _chart_value(ind, d), d.spc_signal)
        for d in rows
        if _chart_value(ind, d) is not None
    ][-36:]
    return Chart(
        labels=tuple(short_month_label(m)[:3] for m in this_fy),
        this_year=tuple(series(this_fy)),
        last_year=tuple(_num(v) for v in series(last_fy)),
        cumulative=tuple(series(this_fy, "ytd")) if ind.kind in {"count", "ceiling"} else None,
        target_to_date=tuple(series(this_fy, "target_to_date")) if ind.kind == "ceiling" else None,
        xmr=Xmr(
            labels=tuple(short_month_label(m) for m, _v, _s in points),
            values=tuple(_num(v) for _m, v, _s in points),
            signals=tuple(s or None for _m, _v, s in points),
            mean=latest.spc_mean,
            upper=latest.spc_upper,
            lower=latest.spc_lower,
        )
        if latest is not None and latest.spc_mean is not None
        else None,
    )
