"""Reads for the coordinator's round pages (``round_views``): plain data, every query run before
rendering."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from csp.models import Partnership
from indicators.engine.periods import add_months, fy_start_year
from indicators.models import Target
from submissions.cycle import workflow
from submissions.cycle.rounds import default_deadline, round_publish_blockers
from submissions.cycle.selectors import (
    AgencyProgress,
    AuditEntry,
    SubmissionRow,
    round_progress,
    submission_audit,
    submission_rows,
)
from submissions.cycle.visibility import SUBMISSION_STATUSES
from submissions.models import PackVersion, ReportingRound


@dataclass(frozen=True)
class RoundList:
    rounds: list[ReportingRound]
    next_month: dt.date | None  # the month after the latest round: the form's suggestion
    next_deadline: dt.date | None


def round_list(partnership: Partnership) -> RoundList:
    rounds = list(partnership.rounds.order_by("-month").prefetch_related("versions"))
    if not rounds:
        return RoundList(rounds, None, None)
    month = add_months(rounds[0].month, 1)
    return RoundList(rounds, month, default_deadline(month))


@dataclass(frozen=True)
class RoundPage:
    progress: list[AgencyProgress]
    rows: list[SubmissionRow]
    overdue: list[SubmissionRow]
    blockers: list[str]
    versions: list[PackVersion]
    allowed: set[str]  # what the round's table allows now
    statuses: list[tuple[str, str]]
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


def round_page(round_: ReportingRound, *, today: dt.date) -> RoundPage:
    rows = submission_rows(submissions=round_.submissions.all(), today=today)
    return RoundPage(
        progress=round_progress(round_),
        rows=rows,
        overdue=[r for r in rows if r.overdue],
        blockers=round_publish_blockers(round_),
        versions=list(round_.versions.order_by("number")),
        allowed={a.value for a in workflow.allowed_round_actions(round_.status)},
        statuses=SUBMISSION_STATUSES,
        untargeted=untargeted_in_round(round_),
    )


@dataclass(frozen=True)
class RoundAudit:
    entries: list[tuple[AuditEntry, Any]]  # (entry, its submission), newest first
    round_history: list[Any]


def round_audit(round_: ReportingRound) -> RoundAudit:
    entries = []
    for sub in round_.submissions.select_related("indicator").order_by("adoption__pack_order"):
        for item in submission_audit(sub):
            entries.append((item, sub))
    entries.sort(key=lambda pair: pair[0].when, reverse=True)
    return RoundAudit(
        entries=entries,
        round_history=list(round_.history.select_related("history_user").order_by("-history_date")),
    )
