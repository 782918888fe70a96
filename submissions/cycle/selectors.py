"""Reads for pages: plain data, every query run before rendering."""

from __future__ import annotations

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


# --- the cycle's pages ------------------------------------------------------------------------


def figure_text(rows: list[Any], kind: str) -> str:
    """A month's approved figure as the pack prints it ("1,386", "3 of 4", "TBC", "<10")."""
    if not rows:
        return "–"
    whole = next((r for r in rows if r.category_id is None), None)
    if whole is not None and whole.status == "not_collected":
        return "Data collected quarterly"
    if whole is not None and whole.status == "not_available":
        return "TBC"
    if whole is not None and whole.status == "suppressed":
        return "suppressed"
    if whole is None:
        return f"{len(rows)} categories"
    if whole.numerator is not None:
        return (
            f"{whole.numerator:,} of {whole.denominator:,}"
            if whole.denominator is not None
            else f"{whole.numerator:,}"
        )
    if whole.value is not None:
        return f"{whole.value:,}"
    if whole.decimal_value is not None:
        return f"{whole.decimal_value.normalize():f}"
    return "–"


@dataclass(frozen=True)
class SubmissionRow:
    id: int
    code: str
    title: str
    agency: str
    portfolio: str
    status: str
    status_label: str
    month: date
    deadline: date
    overdue: bool
    last_month: str
    last_year: str
    entered: str
    rag_override: str
    warnings: int


def submission_rows(*, submissions: Any, today: date) -> list[SubmissionRow]:
    """Rows for lists of submissions, with last month's and last year's approved figures."""
    from indicators.engine.periods import add_months
    from indicators.models import MonthValue

    subs = list(
        submissions.select_related(
            "indicator", "adoption__owner", "adoption__portfolio", "round__partnership"
        ).order_by("round__month", "adoption__pack_order")
    )
    if not subs:
        return []
    area_ids = {s.round.partnership.area_id for s in subs}
    months = {add_months(s.round.month, -1) for s in subs} | {
        add_months(s.round.month, -12) for s in subs
    }
    values: dict[tuple[int, int, date], list[Any]] = {}
    for mv in MonthValue.objects.filter(
        area_id__in=area_ids, month__in=months, indicator_id__in={s.indicator_id for s in subs}
    ):
        values.setdefault((mv.indicator_id, mv.area_id, mv.month), []).append(mv)
    rows = []
    for s in subs:
        area = s.round.partnership.area_id
        kind = s.indicator.kind
        done = s.status in {"submitted", "approved"}
        rows.append(
            SubmissionRow(
                id=s.id,
                code=s.indicator.code,
                title=s.indicator.title,
                agency=s.adoption.owner.name if s.adoption.owner else "",
                portfolio=s.adoption.portfolio.name,
                status=s.status,
                status_label=s.get_status_display(),
                month=s.round.month,
                deadline=s.round.deadline,
                overdue=not done and today > s.round.deadline,
                last_month=figure_text(
                    values.get((s.indicator_id, area, add_months(s.round.month, -1)), []), kind
                ),
                last_year=figure_text(
                    values.get((s.indicator_id, area, add_months(s.round.month, -12)), []), kind
                ),
                entered=_entered_text(s),
                rag_override=s.rag_override,
                warnings=1 if s.confirm_note else 0,
            )
        )
    return rows


def _entered_text(s: Any) -> str:
    if s.status == "not_started":
        return "–"
    if s.entry_status == "not_collected":
        return "Not collected this month"
    if s.entry_status == "not_available":
        return f"TBC ({s.reason})" if s.reason else "TBC"
    if s.categories:
        return ", ".join(f"{k}: {v}" for k, v in s.categories.items())
    if s.numerator is not None:
        return (
            f"{s.numerator:,} of {s.denominator:,}"
            if s.denominator is not None
            else f"{s.numerator:,}"
        )
    if s.value is not None:
        return f"{s.value:,}"
    if s.decimal_value is not None:
        return f"{s.decimal_value.normalize():f}"
    return "(commentary only)"


@dataclass(frozen=True)
class AuditEntry:
    when: Any
    who: str
    what: str
    changes: list[tuple[str, str, str]]


AUDITED_FIELDS = [
    "status",
    "entry_status",
    "value",
    "numerator",
    "denominator",
    "decimal_value",
    "categories",
    "reference_period",
    "reason",
    "confirm_note",
    "performance_overview",
    "actions",
    "benchmarking",
    "return_reason",
    "rag_override",
    "rag_override_justification",
]


def submission_audit(submission: Any) -> list[AuditEntry]:
    """Who changed what and when, newest first, with before and after of each field."""
    records = list(submission.history.select_related("history_user").order_by("history_date"))
    out = []
    previous = None
    for record in records:
        changes = []
        for name in AUDITED_FIELDS:
            after = getattr(record, name)
            before = getattr(previous, name) if previous is not None else None
            if previous is None and after in (None, "", "not_started", "reported"):
                continue
            if before != after:
                changes.append((name.replace("_", " "), _short(before), _short(after)))
        out.append(
            AuditEntry(
                when=record.history_date,
                who=str(record.history_user) if record.history_user else "system",
                what=record.history_change_reason
                or {"+": "created", "~": "changed", "-": "deleted"}[record.history_type],
                changes=changes,
            )
        )
        previous = record
    return list(reversed(out))


def _short(value: Any) -> str:
    if value is None or value == "":
        return "–"
    text = str(value)
    return text if len(text) <= 120 else text[:117] + "…"


@dataclass(frozen=True)
class AgencyProgress:
    agency: str
    counts: dict[str, int]
    total: int


def round_progress(round_: Any) -> list[AgencyProgress]:
    """Completeness per agency: how many of its indicators are in each state."""
    from collections import Counter

    per: dict[str, Counter[str]] = {}
    for agency, status in round_.submissions.values_list("adoption__owner__name", "status"):
        per.setdefault(agency or "No owner", Counter())[status] += 1
    return [
        AgencyProgress(agency=a, counts=dict(c), total=sum(c.values()))
        for a, c in sorted(per.items())
    ]


def commentary_draft(submission: Any, entry: Any | None = None) -> str:
    """The engine's draft overview for a submission's month, with the entered figure in place.

    A preview for the entry form: it runs the pure engine over the approved series plus this
    entry, in memory; the derived store is not touched.
    """
    from csp.models import Population
    from indicators.engine.commentary import Facts, draft_overview
    from indicators.engine.measures import Obs, compute_series
    from indicators.models import DerivedRank, IndicatorCategory, MonthValue, Target
    from indicators.services import series_spec, target_spec

    ind = submission.indicator
    area = submission.round.partnership.area
    month = submission.round.month
    categories = list(IndicatorCategory.objects.filter(indicator=ind).order_by("order"))
    values: dict[date, Any] = {}
    parts: dict[date, dict[str, Any]] = {}
    for mv in MonthValue.objects.filter(indicator=ind, area=area).select_related("category"):
        figure = (
            mv.value
            if mv.value is not None
            else (float(mv.decimal_value) if mv.decimal_value is not None else None)
        )
        obs = Obs(mv.status, figure, mv.numerator, mv.denominator, mv.reason)
        if mv.category_id:
            parts.setdefault(mv.month, {})[mv.category.code] = obs
        else:
            values[mv.month] = obs
    for m, cats in parts.items():
        if m not in values or values[m].status == "reported":
            values[m] = Obs(categories=cats)
    e = entry if entry is not None else submission
    if e.entry_status in {"not_collected", "not_available"}:
        values[month] = Obs(status=e.entry_status, reason=e.reason)
    elif e.categories:
        values[month] = Obs(
            categories={
                k: (
                    Obs(status="suppressed")
                    if v == "suppressed"
                    else Obs(numerator=v.get("numerator"), denominator=v.get("denominator"))
                    if isinstance(v, dict)
                    else Obs(value=v)
                )
                for k, v in e.categories.items()
            }
        )
    elif e.numerator is not None or e.value is not None or e.decimal_value is not None:
        values[month] = Obs(
            value=e.value
            if e.value is not None
            else (float(e.decimal_value) if e.decimal_value is not None else None),
            numerator=e.numerator,
            denominator=e.denominator,
        )
    dens = []
    if ind.denominator_series_id:
        dens = list(
            Population.objects.filter(area=area, series_id=ind.denominator_series_id)
            .order_by("in_force_from")
            .values_list("in_force_from", "value")
        )
    targets = {
        t.financial_year: target_spec(t, submission.adoption.tolerance)
        for t in Target.objects.filter(adoption_id=submission.adoption_id, category__isnull=True)
    }
    metrics = compute_series(
        series_spec(ind, categories), values, months=[month], denominators=dens, targets=targets
    )[0]
    ranks = [
        {"group": r.group.code, "position": r.position, "size": r.size}
        for r in DerivedRank.objects.filter(indicator=ind, area=area, month=month).select_related(
            "group"
        )
    ]
    facts = Facts(
        area=area.name,
        unit=ind.unit or "",
        kind=ind.kind,
        decimals=ind.display_decimals,
        metrics=metrics,
        per_n=ind.per_n,
        rate_unit=ind.denominator_series.rate_unit if ind.denominator_series_id else "",
    )
    return draft_overview(facts, ranks)


@dataclass(frozen=True)
class ReviewContext:
    last_month: str
    last_year: str
    spc_lower: float | None
    spc_upper: float | None
    warnings: list[str]


def review_context(submission: Any) -> ReviewContext:
    """What the coordinator checks an entry against: last month, last year, the SPC limits and
    the warnings the entry raises (the agency's confirming note answers them)."""
    from indicators.engine.periods import add_months
    from indicators.models import MonthValue
    from submissions.cycle.entry import entry_context, entry_of
    from submissions.cycle.validation import Entry, check_entry

    ctx = entry_context(submission)
    area_id = submission.round.partnership.area_id
    kind = submission.indicator.kind

    def figure(month: date) -> str:
        rows = list(
            MonthValue.objects.filter(indicator=submission.indicator, area_id=area_id, month=month)
        )
        return figure_text(rows, kind)

    entry = entry_of(submission)
    checked = check_entry(Entry(**{**entry.__dict__, "confirm_note": ""}), ctx, final=True)
    return ReviewContext(
        last_month=figure(add_months(submission.round.month, -1)),
        last_year=figure(add_months(submission.round.month, -12)),
        spc_lower=ctx.spc_lower,
        spc_upper=ctx.spc_upper,
        warnings=checked.warnings if submission.status != "not_started" else [],
    )


