"""A submission's actions: save, approve, return, bulk approve, override the rating, reopen.

Each action locks the submission's round and then the submission (the order publishing locks
them in), asks ``submission_refusal`` (``submissions.cycle.allowed``: the permission and both
states, the rule the pages read too) and raises what it returns, writes the change with an audit
entry naming the user and the reason, and queues the recompute and any e-mail only once the
transaction commits.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse

from csp.mail import send_templated
from csp.models import Role, RoleKind
from csp.users import User, stamp_change
from indicators.engine.formatting import month_label
from indicators.services import ApprovedFigure, month_values_store
from submissions.cycle import workflow
from submissions.cycle.allowed import APPROVE, OVERRIDE, REOPEN, RETURN, submission_refusal
from submissions.cycle.entry import ENTRY_FIELDS, entry_context, entry_figures, entry_of
from submissions.cycle.errors import (
    ConcurrentEdit,
    CycleError,
    ValidationFailed,
    refuse_bad_text,
)
from submissions.cycle.ratings import rating_override_refusal
from submissions.cycle.rounds import round_save
from submissions.cycle.validation import Entry, check_entry
from submissions.models import (
    ReportingRound,
    RoundStatus,
    Submission,
)

logger = logging.getLogger(__name__)


def _lock(submission_id: int) -> Submission:
    """The submission and its round, both locked until the transaction ends: the round's state
    decides what the submission may do, so it cannot change under the check (a publish, a close
    or a reopening of the round waits, or is waited for)."""
    # One query: the round found through the submission, locked alone (not the submission yet).
    rounds = ReportingRound.objects.select_for_update(of=("self",)).filter(
        submissions__pk=submission_id
    )
    if not list(rounds.values_list("pk", flat=True)):
        raise CycleError(f"There is no submission {submission_id}.")
    try:
        return (
            Submission.objects.select_for_update(of=("self",))
            .select_related("round__partnership__area", "indicator", "adoption__owner")
            .get(pk=submission_id)
        )
    except Submission.DoesNotExist:
        raise CycleError(f"There is no submission {submission_id}.") from None


def _refuse(user: User, sub: Submission, action: str) -> None:
    refusal = submission_refusal(user, sub, action)
    if refusal is not None:
        raise refusal


def _save(sub: Submission, user: User, reason: str, fields: Iterable[str]) -> None:
    stamp_change(sub, user, reason)
    sub.save(update_fields=[*fields, "updated_at"])


def submission_save(
    *,
    submission_id: int,
    user: User,
    entry: Entry,
    expected_version: int,
    submit: bool,
    now: dt.datetime,
) -> Submission:
    """Save an agency's entry as a draft, or save and submit it for review.

    Refused (nothing saved) when the user may not edit it, the round takes no entries, the state
    does not allow it, someone else saved since ``expected_version``, or the entry has errors or
    unconfirmed warnings. A save that changes nothing writes nothing (the version stays).
    """
    with transaction.atomic():
        sub = _lock(submission_id)
        action = workflow.Action.SUBMIT if submit else workflow.Action.SAVE
        _refuse(user, sub, action)
        new_state = workflow.next_state(sub.status, action)
        if sub.version != expected_version:
            raise _concurrent(sub, entry)
        checked = check_entry(entry, entry_context(sub), final=submit)
        if not checked.ok:
            raise ValidationFailed(checked)
        if new_state == sub.status and entry_of(sub) == entry:
            return sub  # nothing changed: no new version, no audit entry
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
    return entry_figures(entry_of(sub), sub.indicator.kind)


def submission_approve(*, submission_id: int, user: User, now: dt.datetime) -> Submission:
    """Approve: the figures enter the approved store and their recompute is queued."""
    with transaction.atomic():
        sub = _lock(submission_id)
        _refuse(user, sub, APPROVE)
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
    *, submission_id: int, user: User, reason: str, now: dt.datetime
) -> Submission:
    """Return to the agency with a reason; its leads are e-mailed once the change commits."""
    if not reason.strip():
        raise CycleError("Say why the submission is returned: the agency lead will read it.")
    refuse_bad_text("return_reason", reason.strip())
    with transaction.atomic():
        sub = _lock(submission_id)
        _refuse(user, sub, RETURN)
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


def agency_leads(sub: Submission) -> list[User]:
    owner_id = sub.adoption.owner_id
    if owner_id is None:  # an agency lead's role always names an agency
        return []
    ids = Role.objects.filter(
        partnership_id=sub.round.partnership_id,
        kind=RoleKind.AGENCY_LEAD,
        agency_id=owner_id,
    ).values("user_id")
    return list(get_user_model().objects.filter(id__in=ids, is_active=True).exclude(email=""))


def _mail_return(sub: Submission) -> None:
    leads = agency_leads(sub)
    if not leads:
        return
    link = settings.SITE_URL + reverse("submissions:entry", args=[sub.pk])
    try:
        _send_return_mail(sub, leads, link)
    except OSError:  # the return is saved; a mail outage must not turn it into an error page
        logger.exception("Could not e-mail the return of submission %s", sub.pk)


def _send_return_mail(sub: Submission, leads: list[User], link: str) -> None:
    month = month_label(sub.round.month)
    send_templated(
        name="returned",
        subject=f"Returned: {sub.indicator.title} ({month})",
        context={
            "month": month,
            "title": sub.indicator.title,
            "reason": sub.return_reason,
            "link": link,
        },
        to=[u.email for u in leads],
    )


@dataclass
class BulkResult:
    approved: list[int] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)


def submissions_bulk_approve(
    *, submission_ids: Sequence[int], user: User, now: dt.datetime
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
            refusal = submission_refusal(user, sub, APPROVE)
            if isinstance(refusal, PermissionDenied):
                raise refusal
            title = sub.indicator.title
            if refusal is not None:
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
    *, submission_id: int, user: User, rag: str, justification: str, now: dt.datetime
) -> Submission:
    """Override the computed rating with a written justification (printed on the pack).

    ``rag`` "" removes the override."""
    if rag not in {"", "R", "A", "G", "None"}:
        raise CycleError("Choose Red, Amber, Green or None.")
    if rag and not justification.strip():
        raise CycleError("Write the justification: it is printed on the pack beside the rating.")
    refuse_bad_text("rag_override_justification", justification.strip())
    with transaction.atomic():
        sub = _lock(submission_id)
        _refuse(user, sub, OVERRIDE)
        refusal = rating_override_refusal(sub, rag)
        if refusal:
            raise CycleError(refusal)
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
    *, submission_id: int, user: User, reason: str, now: dt.datetime
) -> Submission:
    """A correction: reopen one approved submission of a published round.

    A round that is still ``published`` is reopened with it, in the same transaction (the
    coordinator corrects straight from the submission's page); a round already reopened stays
    so.
    """
    if not reason.strip():
        raise CycleError("Say what needs correcting: it starts the next version's change note.")
    refuse_bad_text("reopen_reason", reason.strip())
    with transaction.atomic():
        sub = _lock(submission_id)
        _refuse(user, sub, REOPEN)
        sub.status = workflow.next_state(sub.status, workflow.Action.REOPEN)
        round_ = sub.round
        if round_.status == RoundStatus.PUBLISHED:
            round_.status = workflow.next_round_state(round_.status, workflow.RoundAction.REOPEN)
            round_save(
                round_,
                user,
                f"reopened for a correction: {sub.indicator.title}: {reason.strip()}",
                ["status"],
            )
        sub.version += 1
        _save(sub, user, f"reopened for correction: {reason.strip()}", ["status", "version"])
        return sub
