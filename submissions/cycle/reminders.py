"""Deadline reminders: who is chased, when, and the record that each was chased once."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse

from csp.models import Role, RoleKind
from indicators.engine.formatting import month_label
from submissions.cycle import workflow
from submissions.cycle.actions import agency_leads
from submissions.cycle.workflow import deadline_stage
from submissions.models import (
    RoundStatus,
    Submission,
)


@dataclass
class ReminderReport:
    reminders: int = 0
    emails: int = 0
    digest_sent: bool = False

    def summary(self) -> str:
        return f"{self.reminders} reminder(s) in {self.emails} e-mail(s)" + (
            "; digest sent to the coordinator" if self.digest_sent else ""
        )


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
        # Only the rounds taking the agencies' entries: a closed round's items are overdue, but
        # chasing the agency for what it can no longer enter helps nobody.
        subs = (
            Submission.objects.select_for_update(of=("self",))
            .filter(round__status=RoundStatus.OPEN, status__in=list(workflow.EDITABLE))
            .select_related("round__partnership", "indicator", "adoption__owner")
            .order_by("round__month", "adoption__pack_order")
        )
        sent = set(
            ReminderSent.objects.filter(submission__in=subs).values_list("submission_id", "stage")
        )
        leads_by_agency: dict[tuple[int, int | None], list[Any]] = {}
        for sub in subs:
            stage = deadline_stage(
                round_state=sub.round.status,
                submission_state=sub.status,
                deadline=sub.round.deadline,
                today=today,
                days_before=days_before,
            )
            if stage is None or (sub.id, stage) in sent:
                continue
            key = (sub.round.partnership_id, sub.adoption.owner_id)
            if key not in leads_by_agency:
                leads_by_agency[key] = agency_leads(sub)
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
        for due, items in stages.items():
            lines.append(f"{words[due].capitalize()}:")
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
    for partnership_id, digest in escalate.items():
        coordinator = coordinators.get(partnership_id)
        if coordinator is None or not coordinator.email:
            continue
        overdue = [s for due, s in digest if due == "overdue"]
        lines = [
            f"  - {s.indicator.title} ({s.adoption.owner}): {words[due]}" for due, s in digest
        ]
        send_mail(
            subject=f"CSP Performance digest: {len(digest)} reminder(s), {len(overdue)} overdue",
            message="Reminders sent today:\n\n" + "\n".join(lines) + "\n",
            from_email=None,
            recipient_list=[coordinator.email],
        )
        report.digest_sent = True
    return report
