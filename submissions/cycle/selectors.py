"""Reads for pages: plain data, every query run before rendering."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, QuerySet

from csp.models import Role
from csp.users import User
from indicators.engine.formatting import (
    DASH,
    NOT_AVAILABLE_TEXT,
    categories_text,
    month_figure,
    number,
)
from indicators.models import ValueStatus
from submissions.cycle.validation import Entry, EntryStatus
from submissions.cycle.workflow import DeadlineStage, deadline_stage
from submissions.models import AUDITED_FIELDS, ReportingRound, Submission, SubmissionStatus


@dataclass(frozen=True)
class RoundSummary:
    month: date
    deadline: date
    status: str
    status_label: str
    submissions: int


@dataclass(frozen=True)
class HomeData:
    partnership: str  # the working partnership's name, "" for a person with no role
    roles: list[str]  # the person's roles in it
    other_partnerships: int  # how many more they hold roles in (the header's switcher)
    rounds: list[RoundSummary]


def home_data(*, user: User, partnership_id: int | None) -> HomeData:
    """The home page of the working partnership (``permissions.working_partnership``): the
    person's roles and the rounds there; their other partnerships are a switch away."""
    roles = list(
        Role.objects.filter(user=user).select_related("partnership", "agency").order_by("id")
    )
    here = [r for r in roles if r.partnership_id == partnership_id]
    rounds = (
        ReportingRound.objects.filter(partnership_id__in=[p.partnership_id for p in here[:1]])
        .order_by("-month")
        .annotate(n=Count("submissions"))
    )
    return HomeData(
        partnership=here[0].partnership.name if here else "",
        roles=[str(r) for r in here],
        other_partnerships=len({r.partnership_id for r in roles} - {partnership_id}),
        rounds=[
            RoundSummary(
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


def stored_text(rows: list[Any], *, threshold: int | None) -> str:
    """A month's approved figure (its MonthValue rows) as the pack prints it ("1,386", "3 of 4",
    "TBC", "<10"); "–" when there is none."""
    whole = next((r for r in rows if r.category_id is None), None)
    if whole is None:
        return f"{len(rows)} categories" if rows else DASH
    value = whole.value if whole.value is not None else whole.decimal_value
    text = month_figure(
        whole.status, value, whole.numerator, whole.denominator, threshold=threshold
    )
    return text or DASH


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


def submission_rows(*, submissions: QuerySet[Submission], today: date) -> list[SubmissionRow]:
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
        threshold = s.adoption.suppression_threshold
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
                overdue=deadline_stage(
                    round_state=s.round.status,
                    submission_state=s.status,
                    deadline=s.round.deadline,
                    today=today,
                )
                == DeadlineStage.OVERDUE,
                last_month=stored_text(
                    values.get((s.indicator_id, area, add_months(s.round.month, -1)), []),
                    threshold=threshold,
                ),
                last_year=stored_text(
                    values.get((s.indicator_id, area, add_months(s.round.month, -12)), []),
                    threshold=threshold,
                ),
                entered=_entered_text(s),
                rag_override=s.rag_override,
                warnings=1 if s.confirm_note else 0,
            )
        )
    return rows


def entered_figure(sub: Submission) -> str:
    """The figure an agency entered, printed as the pack prints figures ("1,386", "3 of 4",
    "all: 384; disability: <10"); "" when it entered none."""
    threshold = sub.adoption.suppression_threshold
    if sub.categories:
        return categories_text(sub.categories.items(), threshold=threshold)
    value = sub.value if sub.value is not None else sub.decimal_value
    return month_figure(ValueStatus.REPORTED, value, sub.numerator, sub.denominator)


def _entered_text(s: Submission) -> str:
    if s.status == SubmissionStatus.NOT_STARTED:
        return DASH
    if s.entry_status in {EntryStatus.NOT_COLLECTED, EntryStatus.NOT_AVAILABLE}:
        text = month_figure(s.entry_status)
        return f"{text} ({s.reason})" if s.reason and text == NOT_AVAILABLE_TEXT else text
    return entered_figure(s) or "(commentary only)"


@dataclass(frozen=True)
class AuditEntry:
    when: Any
    who: str
    what: str
    changes: list[tuple[str, str, str]]


def submission_audit(submission: Submission) -> list[AuditEntry]:
    """Who changed what and when, newest first, with before and after of each field."""
    history = submission.history.select_related("history_user")
    return audit_entries(list(history.order_by("history_date", "history_id")))


def audit_entries(records: list[Any]) -> list[AuditEntry]:
    """``submission_audit`` of one submission's history records, oldest first."""
    out = []
    previous = None
    for record in records:
        changes = []
        for name in AUDITED_FIELDS:
            after = getattr(record, name)
            before: object = getattr(previous, name) if previous is not None else None
            if previous is None and after in (
                None,
                "",
                SubmissionStatus.NOT_STARTED,
                EntryStatus.REPORTED,
            ):
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


def returns_of(audit: list[AuditEntry]) -> list[AuditEntry]:
    """The returns in a submission's audit trail (newest first), each with its reason."""
    return [a for a in audit if a.what.startswith("returned: ")]


def _short(value: object) -> str:
    if value is None or value == "":
        return "–"
    text = str(value)
    return text if len(text) <= 120 else text[:117] + "…"


@dataclass(frozen=True)
class ReviewContext:
    last_month: str
    last_year: str
    spc_lower: float | None
    spc_upper: float | None
    warnings: list[str]
    usual_range: str = ""  # "1,255 to 1,650", or "" before there are limits
    # What the figures contradict in the overview and actions ("In the actions: refers to …").
    contradictions: tuple[str, ...] = ()


def review_context(submission: Submission) -> ReviewContext:
    """What the coordinator checks an entry against: last month, last year, the SPC limits and
    the warnings the entry raises (the agency's confirming note answers them), and what the
    figures contradict in its commentary."""
    from indicators.engine.periods import add_months
    from indicators.models import MonthValue
    from submissions.cycle.commentary import commentary_findings, finding_texts
    from submissions.cycle.entry import entry_context, entry_of
    from submissions.cycle.validation import check_entry

    ctx = entry_context(submission)
    area_id = submission.round.partnership.area_id
    threshold = submission.adoption.suppression_threshold

    def figure(month: date) -> str:
        rows = list(
            MonthValue.objects.filter(indicator=submission.indicator, area_id=area_id, month=month)
        )
        return stored_text(rows, threshold=threshold)

    entry = entry_of(submission)
    checked = check_entry(Entry(**{**entry.__dict__, "confirm_note": ""}), ctx, final=True)
    started = submission.status != SubmissionStatus.NOT_STARTED
    return ReviewContext(
        last_month=figure(add_months(submission.round.month, -1)),
        last_year=figure(add_months(submission.round.month, -12)),
        spc_lower=ctx.spc_lower,
        spc_upper=ctx.spc_upper,
        warnings=checked.warnings if started else [],
        usual_range=f"{number(ctx.spc_lower)} to {number(ctx.spc_upper)}"
        if ctx.spc_lower is not None and ctx.spc_upper is not None
        else "",
        contradictions=tuple(finding_texts(commentary_findings(submission, entry)))
        if started
        else (),
    )
