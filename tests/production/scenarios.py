"""Data set-ups for the production stack, through the same services the pages call.

Each function runs in a child process with Django set up on the stack's database
(``Stack.django``), takes and returns plain JSON values. Figures are the demo's December 2016
entries, copied forward: their shapes are right for every kind of indicator.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

NOTE = "Copied from December 2016 by the production test."


def _month(text: str) -> dt.date:
    return dt.date.fromisoformat(f"{text}-01")


def _coordinator() -> Any:
    from csp.models import Role, RoleKind

    return Role.objects.filter(kind=RoleKind.COORDINATOR).select_related("user").first().user


def _lead(adoption: Any) -> Any:
    from csp.models import Role, RoleKind

    role = (
        Role.objects.filter(kind=RoleKind.AGENCY_LEAD, agency_id=adoption.owner_id)
        .select_related("user")
        .order_by("user__username")
        .first()
    )
    return role.user if role is not None else _coordinator()


def _round(month: dt.date) -> Any:
    from django.utils import timezone

    from submissions.cycle import services
    from submissions.models import ReportingRound

    round_ = ReportingRound.objects.filter(month=month).first()
    if round_ is None:
        coordinator = _coordinator()
        partnership_id = coordinator.roles.first().partnership_id
        round_ = services.round_create(
            partnership_id=partnership_id,
            month=month,
            deadline=month + dt.timedelta(days=40),
            user=coordinator,
            now=timezone.now(),
        )
    return round_


def submit_copies(*, month: str, codes: list[str] | None = None) -> dict[str, int]:
    """Open the month's round if needed; each agency lead submits December's entry again
    (or "not available" where December's would not pass today's checks). Returns code -> id."""
    from django.utils import timezone

    from submissions.cycle import services
    from submissions.cycle.validation import Entry
    from submissions.models import Submission

    round_ = _round(_month(month))
    december = {
        s.indicator_id: s
        for s in Submission.objects.filter(round__month=dt.date(2016, 12, 1)).select_related(
            "indicator"
        )
    }
    subs = round_.submissions.select_related("indicator", "adoption").order_by(
        "adoption__pack_order"
    )
    if codes is not None:
        subs = subs.filter(indicator__code__in=codes)
    done = {}
    for sub in subs:
        if sub.status not in {"not_started", "draft", "returned"}:
            done[sub.indicator.code] = sub.id
            continue
        copied = services.entry_of(december[sub.indicator_id])
        entry = dataclasses.replace(copied, confirm_note=NOTE)
        for attempt in (entry, Entry(entry_status="not_available", reason=NOTE)):
            try:
                services.submission_save(
                    submission_id=sub.id,
                    user=_lead(sub.adoption),
                    entry=attempt,
                    expected_version=sub.version,
                    submit=True,
                    now=timezone.now(),
                )
            except services.ValidationFailed:
                continue
            break
        else:
            raise RuntimeError(f"{sub.indicator.code}: no entry passes the checks")
        done[sub.indicator.code] = sub.id
    return done


def approve(*, ids: list[int]) -> int:
    from django.utils import timezone

    from submissions.cycle import services

    coordinator = _coordinator()
    for submission_id in ids:
        services.submission_approve(
            submission_id=submission_id, user=coordinator, now=timezone.now()
        )
    return len(ids)


def ready_to_publish(*, month: str) -> int:
    """Every submission of the month submitted and approved, the round closed; its id."""
    from django.utils import timezone

    from submissions.cycle import services

    ids = submit_copies(month=month)
    pending = list(
        _round(_month(month)).submissions.exclude(status="approved").values_list("id", flat=True)
    )
    approve(ids=[i for i in ids.values() if i in pending])
    round_ = _round(_month(month))
    if round_.status == "open":
        services.round_close(round_id=round_.id, user=_coordinator(), now=timezone.now())
    return round_.id


def synthetic_areas(*, areas: int, months: int) -> int:
    """Areas beside the demo's with made-up counts for the demo's count indicators, so a full
    recompute takes long enough to interrupt; the store is then brought up to date."""
    from django.utils import timezone

    from indicators.models import Indicator
    from indicators.services import metrics_recompute
    from tests.synthetic import areas_with_values

    ids = list(
        Indicator.objects.filter(kind="count", categories__isnull=True).values_list("id", flat=True)
    )
    written = areas_with_values(areas=areas, indicator_ids=ids, months=months)
    metrics_recompute(now=timezone.now())
    return written


def load_plan(*, review_rounds: int) -> dict[str, Any]:
    """For the load test: ``review_rounds`` more rounds (February 2017 on) whose submissions
    all wait for the coordinator; and, per agency lead, the January submissions (counts) they
    can keep saving as drafts."""
    from csp.models import Role, RoleKind
    from submissions.models import Submission

    for i in range(review_rounds):
        submit_copies(month=f"2017-{2 + i:02d}")
    leads: dict[str, list[int]] = {}
    for role in Role.objects.filter(kind=RoleKind.AGENCY_LEAD).select_related("user"):
        ids = list(
            Submission.objects.filter(
                round__month=dt.date(2017, 1, 1),
                adoption__owner_id=role.agency_id,
                indicator__kind="count",
                indicator__categories__isnull=True,
            ).values_list("id", flat=True)
        )
        if ids:
            leads[role.user.username] = ids
    codes = list(
        Submission.objects.filter(round__month=dt.date(2016, 12, 1))
        .order_by("adoption__pack_order")
        .values_list("indicator__code", flat=True)
    )
    return {"leads": leads, "indicator_codes": codes}
