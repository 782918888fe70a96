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
