"""Every change to the monthly cycle: one function per action, used by pages, API and imports.

Each action locks the submission (or round) row, checks the permission (``csp.permissions``)
and the transition (``submissions.cycle.workflow``), writes the change with an audit entry naming
the user and the reason, and queues the recompute and any e-mail only once the transaction commits.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse

from csp import permissions
from csp.models import Role, RoleKind
from indicators.engine.periods import add_months, month_label
from indicators.models import DerivedMetric, Indicator, IndicatorCategory, MonthValue
from indicators.services import ApprovedFigure, month_values_store
from submissions.cycle import workflow
from submissions.cycle.validation import Checked, Context, Entry, check_entry, text_problem
from submissions.models import (
    PackVersion,
    ReportingRound,
    RoundStatus,
    Submission,
    SubmissionStatus,
)

logger = logging.getLogger(__name__)

ENTRY_FIELDS = [
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
]


class CycleError(Exception):
    """A refused action, with a message for the person who tried it."""


class RoundClosed(CycleError):
    pass


class RoundConflict(CycleError):
    """The round's state does not allow the action (the API answers 409 Conflict)."""


class ValidationFailed(CycleError):
    def __init__(self, checked: Checked) -> None:
        super().__init__("; ".join(checked.errors.values()))
        self.checked = checked


@dataclass
class ConcurrentEdit(CycleError):
    """Someone saved the submission since this form was opened."""

    by: str
    at: dt.datetime
    changes: list[tuple[str, object, object]] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"{self.by} saved this submission at {self.at:%H:%M on %d %B %Y} after you opened it. "
            "Your changes were not saved; review theirs below and enter yours again."
        )


def _refuse_bad_text(name: str, text: str) -> None:
    """Free text over its limit (README "Limits") or with a NUL is refused, never cut short."""
    problem = text_problem(name, text)
    if problem:
        raise CycleError(problem)


def _lock(submission_id: int) -> Submission:
    try:
        return (
            Submission.objects.select_for_update(of=("self",))
            .select_related("round__partnership__area", "indicator__owner")
            .get(pk=submission_id)
        )
    except Submission.DoesNotExist:
        raise CycleError(f"There is no submission {submission_id}.") from None


def _save(sub: Submission, user: Any, reason: str, fields: Iterable[str]) -> None:
    sub._history_user = user  # type: ignore[attr-defined]
    sub._change_reason = reason  # type: ignore[attr-defined]
    sub.save(update_fields=[*fields, "updated_at"])


def _accepts_entries(sub: Submission, user: Any) -> bool:
    return workflow.round_takes_entries(
        sub.round.status,
        sub.status,
        coordinator=permissions.is_coordinator(user, sub.round.partnership_id),
    )


# --- entry ------------------------------------------------------------------------------------


def entry_of(sub: Submission) -> Entry:
    return Entry(**{name: getattr(sub, name) for name in ENTRY_FIELDS})


def entry_context(sub: Submission) -> Context:
    """What an entry is checked against: categories, last year's figure, the SPC limits."""
    indicator = sub.indicator
    area_id = sub.round.partnership.area_id
    categories = list(IndicatorCategory.objects.filter(indicator=indicator).order_by("order"))
    last_year = MonthValue.objects.filter(
        indicator=indicator,
        area_id=area_id,
        month=add_months(sub.round.month, -12),
        category__isnull=True,
        status="reported",
    ).first()
    last_year_value = None
    if last_year is not None:
        if indicator.kind == "ratio" and last_year.numerator is not None and last_year.denominator:
            last_year_value = last_year.numerator / last_year.denominator * 100
        elif last_year.value is not None:
            last_year_value = float(last_year.value)
        elif last_year.decimal_value is not None:
            last_year_value = float(last_year.decimal_value)
    limits = (
        DerivedMetric.objects.filter(
            indicator=indicator,
            area_id=area_id,
            month__lt=sub.round.month,
            spc_upper__isnull=False,
        )
        .order_by("-month")
        .values_list("spc_lower", "spc_upper")
        .first()
    )
    return Context(
        kind=indicator.kind,
        category_codes=tuple(c.code for c in categories),
        total_category=next((c.code for c in categories if c.is_total), None),
        suppression_threshold=indicator.suppression_threshold,
        last_year_value=last_year_value,
        spc_lower=limits[0] if limits else None,
        spc_upper=limits[1] if limits else None,
        month_label=month_label(sub.round.month),
    )


def submission_save(
    *,
    submission_id: int,
    user: Any,
    entry: Entry,
    expected_version: int,
    submit: bool,
    now: dt.datetime,
) -> Submission:
    """Save an agency's entry as a draft, or save and submit it for review.

    Refused (nothing saved) when the user may not edit it, the round takes no entries, the state
    does not allow it, someone else saved since ``expected_version``, or the entry has errors or
    unconfirmed warnings.
    """
    with transaction.atomic():
        sub = _lock(submission_id)
        if not permissions.can_edit_submission(user, sub):
            raise PermissionDenied("You cannot edit this indicator's submission.")
        if not _accepts_entries(sub, user):
            if sub.round.status in workflow.CORRECTABLE_ROUNDS:
                raise RoundClosed(
                    f"The {month_label(sub.round.month)} pack is published: only a submission "
                    "reopened for correction can be changed."
                )
            raise RoundClosed(f"The {month_label(sub.round.month)} round is not open for entries.")
        action = workflow.Action.SUBMIT if submit else workflow.Action.SAVE
        new_state = workflow.next_state(sub.status, action)
        if sub.version != expected_version:
            raise _concurrent(sub, entry)
        checked = check_entry(entry, entry_context(sub), final=submit)
        if not checked.ok:
            raise ValidationFailed(checked)
        for name in ENTRY_FIELDS:
            setattr(sub, name, getattr(entry, name))
        sub.status = new_state
        sub.version += 1
        fields = [*ENTRY_FIELDS, "status", "version"]
        if submit:
            sub.submitted_at, sub.submitted_by = now, user
            fields += ["submitted_at", "submitted_by"]
        _save(sub, user, "submitted" if submit else "saved as draft", fields)
        return sub


def _concurrent(sub: Submission, entry: Entry) -> ConcurrentEdit:
    record = sub.history.first()
    by = str(record.history_user) if record is not None and record.history_user else "Someone"
    changes = [
        (name, getattr(entry, name), getattr(sub, name))
        for name in ENTRY_FIELDS
        if getattr(entry, name) != getattr(sub, name)
    ]
    return ConcurrentEdit(by=by, at=sub.updated_at, changes=changes)


# --- review -----------------------------------------------------------------------------------


def approved_figures(sub: Submission) -> list[ApprovedFigure]:
    """The approved-store rows an approved entry becomes."""
    if sub.entry_status in {"not_collected", "not_available"}:
        return [ApprovedFigure(None, status=sub.entry_status, reason=sub.reason.strip())]
    kind = sub.indicator.kind
    period = sub.reference_period.strip()
    if sub.categories:
        rows = []
        for code, raw in sub.categories.items():
            if raw == "suppressed":
                rows.append(ApprovedFigure(code, status="suppressed", reference_period=period))
            elif isinstance(raw, dict):
                rows.append(
                    ApprovedFigure(
                        code,
                        numerator=raw.get("numerator"),
                        denominator=raw.get("denominator"),
                        reference_period=period,
                    )
                )
            else:
                rows.append(ApprovedFigure(code, value=int(raw), reference_period=period))
        return rows
    if kind == "ratio":
        return [ApprovedFigure(None, numerator=sub.numerator, denominator=sub.denominator)]
    if sub.value is None and sub.decimal_value is not None:
        return [
            ApprovedFigure(None, decimal_value=Decimal(sub.decimal_value), reference_period=period)
        ]
    return [ApprovedFigure(None, value=sub.value, reference_period=period)]


def submission_approve(*, submission_id: int, user: Any, now: dt.datetime) -> Submission:
    """Approve: the figures enter the approved store and their recompute is queued."""
    with transaction.atomic():
        sub = _lock(submission_id)
        if not permissions.can_approve(user, sub):
            raise PermissionDenied("Only the partnership coordinator can approve figures.")
        sub.status = workflow.next_state(sub.status, workflow.Action.APPROVE)
        checked = check_entry(entry_of(sub), entry_context(sub), final=True)
        if not checked.ok:
            raise ValidationFailed(checked)
        month_values_store(
            indicator=sub.indicator,
            area_id=sub.round.partnership.area_id,
            month=sub.round.month,
            figures=approved_figures(sub),
            user=user,
            change_reason=f"approved in the {month_label(sub.round.month)} round",
            now=now,
        )
        sub.decided_at, sub.decided_by, sub.return_reason = now, user, ""
        sub.version += 1
        _save(
            sub,
            user,
            "approved",
            ["status", "decided_at", "decided_by", "return_reason", "version"],
        )
        return sub


def submission_return(
    *, submission_id: int, user: Any, reason: str, now: dt.datetime
) -> Submission:
    """Return to the agency with a reason; its leads are e-mailed once the change commits."""
    if not reason.strip():
        raise CycleError("Say why the submission is returned: the agency lead will read it.")
    _refuse_bad_text("return_reason", reason.strip())
    with transaction.atomic():
        sub = _lock(submission_id)
        if not permissions.can_return(user, sub):
            raise PermissionDenied("Only the partnership coordinator can return a submission.")
        sub.status = workflow.next_state(sub.status, workflow.Action.RETURN)
        sub.return_reason = reason.strip()
        sub.decided_at, sub.decided_by = now, user
        sub.version += 1
        _save(
            sub,
            user,
            f"returned: {sub.return_reason}",
            ["status", "return_reason", "decided_at", "decided_by", "version"],
        )
        transaction.on_commit(lambda: _mail_return(sub))
        return sub


def _agency_leads(sub: Submission) -> list[Any]:
    ids = Role.objects.filter(
        partnership_id=sub.round.partnership_id,
        kind=RoleKind.AGENCY_LEAD,
        agency_id=sub.indicator.owner_id,
    ).values("user_id")
    return list(get_user_model().objects.filter(id__in=ids, is_active=True).exclude(email=""))


def _mail_return(sub: Submission) -> None:
    leads = _agency_leads(sub)
    if not leads:
        return
    link = settings.SITE_URL + reverse("submissions:entry", args=[sub.pk])
    try:
        _send_return_mail(sub, leads, link)
    except OSError:  # the return is saved; a mail outage must not turn it into an error page
        logger.exception("Could not e-mail the return of submission %s", sub.pk)


def _send_return_mail(sub: Submission, leads: list[Any], link: str) -> None:
    send_mail(
        subject=f"Returned: {sub.indicator.title} ({month_label(sub.round.month)})",
        message=(
            f"The partnership coordinator returned your {month_label(sub.round.month)} "
            f"submission for {sub.indicator.title}.\n\nReason: {sub.return_reason}\n\n"
            f"Correct it and submit it again: {link}\n"
        ),
        from_email=None,
        recipient_list=[u.email for u in leads],
    )


@dataclass
class BulkResult:
    approved: list[int] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)


def submissions_bulk_approve(
    *, submission_ids: Sequence[int], user: Any, now: dt.datetime
) -> BulkResult:
    """Approve the selected submissions that are submitted and clean (no warnings, no errors),
    in one transaction; the others are listed with the reason they were left.

    One refused item never blocks the rest: each approval runs in its own savepoint, so an
    entry stored in a shape approval refuses (e.g. saved before the shape was checked) is
    reported and the others are approved.
    """
    result = BulkResult()
    with transaction.atomic():
        for sid in submission_ids:
            try:
                sub = _lock(sid)
            except CycleError as exc:
                result.skipped.append((sid, str(exc)))
                continue
            if not permissions.can_approve(user, sub):
                raise PermissionDenied("Only the partnership coordinator can approve figures.")
            title = sub.indicator.title
            if sub.status != SubmissionStatus.SUBMITTED:
                result.skipped.append((sid, f"{title}: not submitted"))
                continue
            checked = check_entry(entry_of(sub), entry_context(sub), final=True)
            if checked.warnings:
                result.skipped.append((sid, f"{title}: has warnings to review one by one"))
                continue
            if not checked.ok:
                result.skipped.append((sid, f"{title}: {'; '.join(checked.errors.values())}"))
                continue
            try:
                submission_approve(submission_id=sid, user=user, now=now)
            except (CycleError, workflow.TransitionError) as exc:
                result.skipped.append((sid, f"{title}: {exc}"))
                continue
            result.approved.append(sid)
    return result


def submission_override_rag(
    *, submission_id: int, user: Any, rag: str, justification: str, now: dt.datetime
) -> Submission:
    """Override the computed rating with a written justification (printed on the pack).

    ``rag`` "" removes the override."""
    if rag not in {"", "R", "A", "G", "None"}:
        raise CycleError("Choose Red, Amber, Green or None.")
    if rag and not justification.strip():
        raise CycleError("Write the justification: it is printed on the pack beside the rating.")
    _refuse_bad_text("rag_override_justification", justification.strip())
    with transaction.atomic():
        sub = _lock(submission_id)
        if not permissions.can_override_rag(user, sub):
            raise PermissionDenied("Only the partnership coordinator can override a rating.")
        if sub.round.status == RoundStatus.PUBLISHED:
            raise RoundClosed(
                "The pack is published: reopen the round (or this submission) to correct it."
            )
        sub.rag_override = rag
        sub.rag_override_justification = justification.strip() if rag else ""
        sub.version += 1
        reason = (
            f"rating overridden to {rag}: {sub.rag_override_justification}"
            if rag
            else "rating override removed"
        )
        _save(sub, user, reason, ["rag_override", "rag_override_justification", "version"])
        return sub


def submission_reopen(
    *, submission_id: int, user: Any, reason: str, now: dt.datetime
) -> Submission:
    """A correction: reopen one approved submission of a published round.

    A round that is still ``published`` is reopened with it, in the same transaction (the
    coordinator corrects straight from the submission's page); a round already reopened stays
    so. The round is locked before the submission, the order ``round_publish`` locks them in.
    """
    if not reason.strip():
        raise CycleError("Say what needs correcting: it starts the next version's change note.")
    _refuse_bad_text("reopen_reason", reason.strip())
    with transaction.atomic():
        round_id = (
            Submission.objects.filter(pk=submission_id).values_list("round_id", flat=True).first()
        )
        if round_id is None:
            raise CycleError(f"There is no submission {submission_id}.")
        round_ = _lock_round(round_id)
        sub = _lock(submission_id)
        if not permissions.can_correct(user, sub):
            raise PermissionDenied("Only the partnership coordinator can reopen a submission.")
        if round_.status not in workflow.CORRECTABLE_ROUNDS:
            raise CycleError("Only a submission of a published round is corrected this way.")
        sub.status = workflow.next_state(sub.status, workflow.Action.REOPEN)
        if round_.status == RoundStatus.PUBLISHED:
            round_.status = workflow.next_round_state(round_.status, workflow.RoundAction.REOPEN)
            _save_round(
                round_,
                user,
                f"reopened for a correction: {sub.indicator.title}: {reason.strip()}",
                ["status"],
            )
        sub.version += 1
        _save(sub, user, f"reopened for correction: {reason.strip()}", ["status", "version"])
        return sub


# --- rounds -----------------------------------------------------------------------------------


def round_create(
    *, partnership_id: int, month: dt.date, deadline: dt.date, user: Any, now: dt.datetime
) -> ReportingRound:
    """Open a round for a month, with one not-started submission per indicator."""
    if not permissions.can_manage_rounds(user, partnership_id):
        raise PermissionDenied("Only the partnership coordinator can open a round.")
    return _round_create(partnership_id=partnership_id, month=month, deadline=deadline, user=user)


def _round_create(
    *, partnership_id: int, month: dt.date, deadline: dt.date, user: Any | None
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
            round_._history_user = user  # type: ignore[attr-defined]
            round_.save()
            Submission.objects.bulk_create(
                Submission(round=round_, indicator=indicator)
                for indicator in Indicator.objects.all()
            )
            return round_
    except IntegrityError:
        # Two requests for the same month: the unique constraint lets one through.
        if ReportingRound.objects.filter(partnership_id=partnership_id, month=month).exists():
            raise already from None
        raise


def _lock_round(round_id: int) -> ReportingRound:
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


def _save_round(round_: ReportingRound, user: Any, reason: str, fields: Iterable[str]) -> None:
    round_._history_user = user  # type: ignore[attr-defined]
    round_._change_reason = reason  # type: ignore[attr-defined]
    round_.save(update_fields=list(fields))


def _round_next(round_: ReportingRound, action: workflow.RoundAction) -> workflow.RoundState:
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


def round_close(*, round_id: int, user: Any, now: dt.datetime) -> ReportingRound:
    """Close an open round for entries (open -> closed); it can then only be published."""
    with transaction.atomic():
        round_ = _lock_round(round_id)
        if not permissions.can_manage_rounds(user, round_.partnership_id):
            raise PermissionDenied("Only the partnership coordinator can close a round.")
        round_.status = _round_next(round_, workflow.RoundAction.CLOSE)
        round_.closed_at = now
        _save_round(round_, user, "closed for entries", ["status", "closed_at"])
        return round_


def round_reopen(*, round_id: int, user: Any, reason: str, now: dt.datetime) -> ReportingRound:
    """Reopen a published round for a correction (published -> reopened).

    Its approved items stay approved: the coordinator then reopens the ones to correct, or
    overrides a rating, and publishes the result as the next version. ``reason`` is kept in the
    round's audit trail.
    """
    _refuse_bad_text("reopen_reason", reason.strip())
    if not reason.strip():
        raise CycleError("Say what needs correcting: it is kept in the round's audit trail.")
    with transaction.atomic():
        round_ = _lock_round(round_id)
        if not permissions.can_reopen_round(user, round_.partnership_id):
            raise PermissionDenied("Only the partnership coordinator can reopen a round.")
        round_.status = _round_next(round_, workflow.RoundAction.REOPEN)
        _save_round(round_, user, f"reopened for a correction: {reason.strip()}", ["status"])
        return round_


def rounds_open_next(*, today: dt.date, deadline_day: int = 10) -> list[ReportingRound]:
    """Open each partnership's round for the month just ended, if nobody has yet.

    Run by beat on the first of the month; the deadline is ``deadline_day`` of the current month.
    """
    from csp.models import Partnership

    month = add_months(today.replace(day=1), -1)
    deadline = today.replace(day=min(deadline_day, 28))
    opened = []
    for partnership_id in Partnership.objects.values_list("id", flat=True):
        if ReportingRound.objects.filter(partnership_id=partnership_id, month=month).exists():
            continue
        opened.append(
            _round_create(partnership_id=partnership_id, month=month, deadline=deadline, user=None)
        )
    return opened


def _forget_versions(round_: ReportingRound) -> None:
    from django.core.cache import cache

    from submissions.cycle.selectors import versions_cache_key

    cache.delete(versions_cache_key(round_.partnership.area.code, round_.month))


def round_publish_blockers(round_: ReportingRound) -> list[str]:
    """Why the round cannot be published yet (empty when it can)."""
    pending = (
        round_.submissions.exclude(status=SubmissionStatus.APPROVED)
        .select_related("indicator")
        .order_by("indicator__pack_order")
    )
    return [f"{s.indicator.title}: {s.get_status_display().lower()}" for s in pending]


def round_publish(*, round_id: int, user: Any, change_note: str, now: dt.datetime) -> PackVersion:
    """Freeze the round's pack as a new immutable version (1, then 2… after corrections).

    Allowed when every indicator is approved (figures, or explicitly not available/collected).
    The derived figures must be current: the recompute of the last approval runs first.
    """
    from indicators.services import metrics_recompute
    from submissions.cycle.selectors import pack_snapshot_build

    _refuse_bad_text("change_note", change_note.strip())
    with transaction.atomic():
        # Concurrent publishes queue here; each then sees what the one before it published.
        round_ = _lock_round(round_id)
        if not permissions.can_publish(user, round_.partnership_id):
            raise PermissionDenied("Only the partnership coordinator can publish a pack.")
        new_state = _round_next(round_, workflow.RoundAction.PUBLISH)
        blockers = round_publish_blockers(round_)
        if blockers:
            raise RoundConflict("Not everything is approved yet: " + "; ".join(blockers) + ".")
        latest = round_.versions.order_by("-number").first()
        number = latest.number + 1 if latest else 1
        if number > 1 and not change_note.strip():
            raise CycleError(
                f"Say what changed: the board reads this note beside version {number}."
            )
        # Publish exactly what is approved: bring the derived figures up to date first.
        metrics_recompute(now=now, area_ids=[round_.partnership.area_id])
        snapshot = pack_snapshot_build(round_)
        if latest is not None and _same_snapshot(snapshot, latest.snapshot):
            raise RoundConflict(
                f"Nothing has changed since version {latest.number}: correct a figure, its "
                "commentary or its rating before publishing a new version."
            )
        version = PackVersion.objects.create(
            round=round_,
            number=number,
            published_at=now,
            published_by=user,
            change_note=change_note.strip(),
            snapshot=snapshot,
        )
        round_.status, round_.published_at = new_state, now
        transaction.on_commit(lambda: _forget_versions(round_))
        _save_round(round_, user, f"published version {number}", ["status", "published_at"])
        return version


# When the figures were last recomputed, not what they are: a new stamp alone is no change.
_SNAPSHOT_STAMPS = frozenset({"computed_at"})


def _without_stamps(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_stamps(v) for k, v in value.items() if k not in _SNAPSHOT_STAMPS}
    if isinstance(value, list):
        return [_without_stamps(v) for v in value]
    return value


def _same_snapshot(built: dict[str, Any], stored: Any) -> bool:
    """Whether a new pack would show what the stored version shows. Compared as the database
    keeps it (a JSON round trip turns tuples into lists), recompute stamps left out."""
    return bool(_without_stamps(json.loads(json.dumps(built))) == _without_stamps(stored))


# --- deadlines and reminders ------------------------------------------------------------------


@dataclass
class ReminderReport:
    reminders: int = 0
    emails: int = 0
    digest_sent: bool = False

    def summary(self) -> str:
        return f"{self.reminders} reminder(s) in {self.emails} e-mail(s)" + (
            "; digest sent to the coordinator" if self.digest_sent else ""
        )


def _stage(today: dt.date, deadline: dt.date, days_before: int) -> str | None:
    from submissions.models import ReminderStage

    if today > deadline:
        return ReminderStage.OVERDUE
    if today == deadline:
        return ReminderStage.DUE
    if deadline - dt.timedelta(days=days_before) <= today:
        return ReminderStage.BEFORE
    return None


def reminders_send(*, today: dt.date, now: dt.datetime, days_before: int = 3) -> ReminderReport:
    """E-mail agency leads about items still open before, on and after the deadline.

    Each (submission, stage) is reminded once: the ``ReminderSent`` row is written in the same
    transaction, so running twice sends nothing new. Overdue items are escalated in a digest to
    the coordinator, sent when there is something new to report.
    """
    from submissions.models import ReminderSent

    report = ReminderReport()
    pending: dict[int, dict[str, list[Submission]]] = {}  # lead user id -> stage -> items
    escalate: dict[int, list[tuple[str, Submission]]] = {}  # partnership id -> items
    with transaction.atomic():
        subs = (
            Submission.objects.select_for_update(of=("self",))
            .filter(round__status=RoundStatus.OPEN)
            .exclude(status__in=[SubmissionStatus.SUBMITTED, SubmissionStatus.APPROVED])
            .select_related("round__partnership", "indicator")
            .order_by("round__month", "indicator__pack_order")
        )
        sent = set(
            ReminderSent.objects.filter(submission__in=subs).values_list("submission_id", "stage")
        )
        leads_by_agency: dict[tuple[int, int | None], list[Any]] = {}
        for sub in subs:
            stage = _stage(today, sub.round.deadline, days_before)
            if stage is None or (sub.id, stage) in sent:
                continue
            key = (sub.round.partnership_id, sub.indicator.owner_id)
            if key not in leads_by_agency:
                leads_by_agency[key] = _agency_leads(sub)
            leads = leads_by_agency[key]
            ReminderSent.objects.create(
                submission=sub,
                stage=stage,
                sent_at=now,
                recipients=", ".join(u.email for u in leads),
            )
            report.reminders += 1
            for lead in leads:
                pending.setdefault(lead.id, {}).setdefault(stage, []).append(sub)
            escalate.setdefault(sub.round.partnership_id, []).append((stage, sub))
        users = {u.id: u for u in get_user_model().objects.filter(id__in=pending)}
        coordinators = {
            r.partnership_id: r.user
            for r in Role.objects.filter(
                kind=RoleKind.COORDINATOR, partnership_id__in=escalate
            ).select_related("user")
        }

    words = {"before": "due soon", "due": "due today", "overdue": "overdue"}
    for user_id, stages in pending.items():
        lines = []
        for stage, items in stages.items():
            lines.append(f"{words[stage].capitalize()}:")
            lines += [
                f"  - {s.indicator.title} ({month_label(s.round.month)}, deadline "
                f"{s.round.deadline:%d %B %Y}): "
                f"{settings.SITE_URL}{reverse('submissions:entry', args=[s.pk])}"
                for s in items
            ]
        send_mail(
            subject="CSP Performance: submissions " + ", ".join(words[s] for s in stages),
            message="These submissions are still open:\n\n" + "\n".join(lines) + "\n",
            from_email=None,
            recipient_list=[users[user_id].email],
        )
        report.emails += 1
    for partnership_id, items in escalate.items():
        coordinator = coordinators.get(partnership_id)
        if coordinator is None or not coordinator.email:
            continue
        overdue = [s for stage, s in items if stage == "overdue"]
        lines = [
            f"  - {s.indicator.title} ({s.indicator.owner}): {words[stage]}" for stage, s in items
        ]
        send_mail(
            subject=f"CSP Performance digest: {len(items)} reminder(s), {len(overdue)} overdue",
            message="Reminders sent today:\n\n" + "\n".join(lines) + "\n",
            from_email=None,
            recipient_list=[coordinator.email],
        )
        report.digest_sent = True
    return report
