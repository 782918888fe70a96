"""Rounds: create, close, reopen, open the next month's; the lock, save and transition helpers
that publishing (``packs.publish``) and a submission's reopening share."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from csp import permissions
from csp.users import User, stamp_change
from indicators.engine.formatting import month_label
from indicators.engine.periods import add_months
from indicators.models import Adoption
from submissions.cycle import workflow
from submissions.cycle.errors import CycleError, RoundConflict, refuse_bad_text
from submissions.models import (
    ReportingRound,
    RoundStatus,
    Submission,
    SubmissionStatus,
)


def default_deadline(month: dt.date) -> dt.date:
    """A round's deadline unless the coordinator gives one: the 10th of the following month."""
    return add_months(month, 1).replace(day=10)


def round_create(
    *, partnership_id: int, month: dt.date, deadline: dt.date, user: User, now: dt.datetime
) -> ReportingRound:
    """Open a round for a month, with one not-started submission per indicator the partnership
    has adopted and not retired (owned by the adoption's agency) and due that month: a quarterly
    or annual indicator only in its due months (``Adoption.is_due_in``)."""
    if not permissions.can_manage_rounds(user, partnership_id):
        raise PermissionDenied("Only the partnership coordinator can open a round.")
    return _round_create(partnership_id=partnership_id, month=month, deadline=deadline, user=user)


def _round_create(
    *, partnership_id: int, month: dt.date, deadline: dt.date, user: User | None
) -> ReportingRound:
    if month.day != 1:
        raise CycleError("A round is for a whole month.")
    if deadline < month:
        raise CycleError("The deadline cannot be before the month it reports on.")
    already = RoundConflict(f"There is already a {month_label(month)} round.")
    try:
        with transaction.atomic():
            if ReportingRound.objects.filter(partnership_id=partnership_id, month=month).exists():
                raise already
            round_ = ReportingRound(partnership_id=partnership_id, month=month, deadline=deadline)
            stamp_change(round_, user)
            round_.save()
            Submission.objects.bulk_create(
                Submission(round=round_, indicator_id=a.indicator_id, adoption=a)
                for a in Adoption.objects.filter(
                    partnership_id=partnership_id, retired_on__isnull=True
                ).select_related("indicator")
                if a.is_due_in(month.month)
            )
            return round_
    except IntegrityError:
        # Two requests for the same month: the unique constraint lets one through.
        if ReportingRound.objects.filter(partnership_id=partnership_id, month=month).exists():
            raise already from None
        raise


def round_lock(round_id: int) -> ReportingRound:
    """The round, locked until the transaction ends: every change of a round's state happens
    under this lock, so two requests acting on one round run one after the other and the
    second sees the state the first left."""
    try:
        return (
            ReportingRound.objects.select_for_update(of=("self",))
            .select_related("partnership__area")
            .get(pk=round_id)
        )
    except ReportingRound.DoesNotExist:
        raise CycleError(f"There is no round {round_id}.") from None


def round_save(round_: ReportingRound, user: User, reason: str, fields: Iterable[str]) -> None:
    stamp_change(round_, user, reason)
    round_.save(update_fields=list(fields))


def round_next_state(round_: ReportingRound, action: workflow.RoundAction) -> workflow.RoundState:
    try:
        return workflow.next_round_state(round_.status, action)
    except workflow.RoundTransitionError as exc:
        if (round_.status, action) == (RoundStatus.PUBLISHED, workflow.RoundAction.PUBLISH):
            latest = round_.versions.order_by("-number").values_list("number", flat=True).first()
            raise RoundConflict(
                f"Version {latest or 1} is already published and nothing has been reopened: "
                "reopen the round for a correction first."
            ) from None
        raise RoundConflict(f"{month_label(round_.month)}: {exc}") from None


def round_close(*, round_id: int, user: User, now: dt.datetime) -> ReportingRound:
    """Close an open round for entries (open -> closed); it can then only be published."""
    with transaction.atomic():
        round_ = round_lock(round_id)
        if not permissions.can_manage_rounds(user, round_.partnership_id):
            raise PermissionDenied("Only the partnership coordinator can close a round.")
        round_.status = round_next_state(round_, workflow.RoundAction.CLOSE)
        round_.closed_at = now
        round_save(round_, user, "closed for entries", ["status", "closed_at"])
        return round_


def round_reopen(*, round_id: int, user: User, reason: str, now: dt.datetime) -> ReportingRound:
    """Reopen a published round for a correction (published -> reopened).

    Its approved items stay approved: the coordinator then reopens the ones to correct, or
    overrides a rating, and publishes the result as the next version. ``reason`` is kept in the
    round's audit trail.
    """
    refuse_bad_text("reopen_reason", reason.strip())
    if not reason.strip():
        raise CycleError("Say what needs correcting: it is kept in the round's audit trail.")
    with transaction.atomic():
        round_ = round_lock(round_id)
        if not permissions.can_reopen_round(user, round_.partnership_id):
            raise PermissionDenied("Only the partnership coordinator can reopen a round.")
        round_.status = round_next_state(round_, workflow.RoundAction.REOPEN)
        round_save(round_, user, f"reopened for a correction: {reason.strip()}", ["status"])
        return round_


@dataclass
class RoundsOpened:
    """What opening a month's rounds did: the rounds it opened, the partnerships that had one."""

    month: dt.date
    opened: list[ReportingRound] = field(default_factory=list)
    already_open: list[int] = field(default_factory=list)  # partnership ids

    def summary(self) -> str:
        return f"{len(self.opened)} opened, {len(self.already_open)} already open."


def rounds_open_all(*, month: dt.date, deadline: dt.date) -> RoundsOpened:
    """Open the month's round of every partnership that has none, each in its own transaction:
    running it again opens nothing, and a round its coordinator opened meanwhile is left alone
    without stopping the others."""
    from csp.models import Partnership

    done = RoundsOpened(month=month)
    existing = set(
        ReportingRound.objects.filter(month=month).values_list("partnership_id", flat=True)
    )
    for partnership_id in Partnership.objects.order_by("id").values_list("id", flat=True):
        if partnership_id not in existing:
            try:
                done.opened.append(
                    _round_create(
                        partnership_id=partnership_id, month=month, deadline=deadline, user=None
                    )
                )
                continue
            except RoundConflict:
                pass  # opened since the check above
        done.already_open.append(partnership_id)
    return done


def rounds_open_next(*, today: dt.date, deadline_day: int = 10) -> list[ReportingRound]:
    """Open each partnership's round for the month just ended, if nobody has yet.

    Run by beat on the first of the month; the deadline is ``deadline_day`` of the current month.
    """
    return rounds_open_all(
        month=add_months(today.replace(day=1), -1),
        deadline=today.replace(day=min(deadline_day, 28)),
    ).opened


def round_publish_blockers(round_: ReportingRound) -> list[str]:
    """Why the round cannot be published yet (empty when it can)."""
    pending = (
        round_.submissions.exclude(status=SubmissionStatus.APPROVED)
        .select_related("indicator")
        .order_by("adoption__pack_order")
    )
    return [f"{s.indicator.title}: {s.get_status_display().lower()}" for s in pending]


def round_publish_refusal(round_: ReportingRound, user: User) -> str:
    """Why ``user`` cannot publish the round now, in a sentence for the round page ("" when the
    publish button may be pressed). The same checks ``packs.publish.round_publish`` makes before
    it builds the pack, in the same order: who, the round's state, then what is not approved.
    (Whether the figures contradict the commentary is known only once the pack is built: the
    confirming note is asked for on the form, and publishing refuses without it.)"""
    if not permissions.can_publish(user, round_.partnership_id):
        return "Only the partnership coordinator can publish a pack."
    try:
        round_next_state(round_, workflow.RoundAction.PUBLISH)
    except RoundConflict as exc:
        return str(exc)
    statuses = list(round_.submissions.values_list("status", flat=True))
    pending = sum(1 for s in statuses if s != SubmissionStatus.APPROVED)
    if pending:
        return (
            f"{pending} of {len(statuses)} indicator{'s' if len(statuses) != 1 else ''} "
            f"{'is' if pending == 1 else 'are'} not approved yet. The pack can be published "
            "when every indicator is approved, with figures or as not available or not collected."
        )
    return ""
