"""Reads for the coordinator's round pages (``round_views``): plain data, every query run before
rendering."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count

from csp.models import Partnership
from csp.users import User
from indicators.engine.periods import add_months, fy_start_year
from indicators.models import Target
from submissions.cycle import workflow
from submissions.cycle.rounds import default_deadline, round_publish_refusal
from submissions.cycle.selectors import (
    AuditEntry,
    SubmissionRow,
    audit_entries,
    submission_rows,
)
from submissions.models import PackVersion, ReportingRound, Submission, SubmissionStatus


@dataclass(frozen=True)
class RoundList:
    rounds: Sequence[ReportingRound]
    next_month: dt.date | None  # the month after the latest round: the form's suggestion
    next_deadline: dt.date | None


def round_list(partnership: Partnership) -> RoundList:
    # Each round's count of published versions, not the versions (each holds a whole pack).
    rounds = list(partnership.rounds.order_by("-month").annotate(version_count=Count("versions")))
    if not rounds:
        return RoundList(rounds, None, None)
    month = add_months(rounds[0].month, 1)
    return RoundList(rounds, month, default_deadline(month))


@dataclass(frozen=True)
class AgencyTasks:
    """One agency's items in the round page's task list, with how many are approved."""

    agency: str
    rows: list[SubmissionRow]

    @property
    def approved(self) -> int:
        return sum(1 for r in self.rows if r.status == SubmissionStatus.APPROVED)

    @property
    def overdue(self) -> int:
        return sum(1 for r in self.rows if r.overdue)


@dataclass(frozen=True)
class RoundPage:
    # The round's items once each, by agency (agencies by name, items in pack order).
    groups: list[AgencyTasks]
    approved: int
    total: int
    overdue: int
    # Why the publish button is disabled ("" when it may be pressed): ``round_publish_refusal``.
    publish_refusal: str
    versions: list[PackVersion]
    allowed: set[str]  # what the round's table allows now
    # "No target set": the round's indicators with no target for its financial year, which the
    # recompute leaves unrated (an April round opens whether or not the year's targets are in).
    untargeted: list[str]


def untargeted_in_round(round_: ReportingRound) -> list[str]:
    year = fy_start_year(round_.month)
    targeted = set(
        Target.objects.filter(adoption__submissions__round=round_, financial_year=year).values_list(
            "adoption_id", flat=True
        )
    )
    return [
        f"{s.indicator.code}: {s.indicator.title}"
        for s in round_.submissions.select_related("indicator").order_by(
            "adoption__pack_order", "indicator__code"
        )
        if s.adoption_id not in targeted
    ]


def agency_tasks(rows: list[SubmissionRow]) -> list[AgencyTasks]:
    """The rows grouped by the agency that owns them, agencies by name ("No owner" last)."""
    per: dict[str, list[SubmissionRow]] = {}
    for row in rows:
        per.setdefault(row.agency, []).append(row)
    return [
        AgencyTasks(agency=agency or "No owner", rows=items)
        for agency, items in sorted(per.items(), key=lambda kv: (not kv[0], kv[0]))
    ]


def round_page(round_: ReportingRound, *, user: User, today: dt.date) -> RoundPage:
    rows = submission_rows(submissions=round_.submissions.all(), today=today)
    return RoundPage(
        groups=agency_tasks(rows),
        approved=sum(1 for r in rows if r.status == SubmissionStatus.APPROVED),
        total=len(rows),
        overdue=sum(1 for r in rows if r.overdue),
        publish_refusal=round_publish_refusal(round_, user),
        versions=list(round_.versions.defer("snapshot").order_by("number")),
        allowed={a.value for a in workflow.allowed_round_actions(round_.status)},
        untargeted=untargeted_in_round(round_),
    )


@dataclass(frozen=True)
class RoundAudit:
    entries: list[tuple[AuditEntry, Any]]  # (entry, its submission), newest first
    round_history: list[Any]


def round_audit(round_: ReportingRound) -> RoundAudit:
    # Every submission's history in one query (not one a submission), oldest first.
    records: dict[int, list[Any]] = defaultdict(list)
    history = Submission.history.filter(round_id=round_.pk).select_related("history_user")
    for record in history.order_by("history_date", "history_id"):
        records[record.id].append(record)
    entries = []
    for sub in round_.submissions.select_related("indicator").order_by("adoption__pack_order"):
        for item in audit_entries(records[sub.pk]):
            entries.append((item, sub))
    entries.sort(key=lambda pair: pair[0].when, reverse=True)
    return RoundAudit(
        entries=entries,
        round_history=list(round_.history.select_related("history_user").order_by("-history_date")),
    )
