"""The action log in the pack: the actions each indicator's page freezes at publish, and the
summary's count of overdue ones (read from the snapshot, never from the live log)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Q

from indicators.engine.formatting import month_label
from submissions.actions_log.rules import ActionStatus, is_overdue
from submissions.models import Action
from submissions.packs.schema import Page
from submissions.packs.schema_actions import LoggedAction


def _day_label(day: dt.date) -> str:
    return f"{day.day} {month_label(day)}"


def pack_actions(partnership_id: int, month: dt.date) -> dict[int, tuple[LoggedAction, ...]]:
    """Per adoption id, the actions shown in ``month``'s pack (logged by then and not done
    before it), oldest first, as they stand now: one query."""
    first = month.replace(day=1)
    rows = (
        Action.objects.filter(adoption__partnership_id=partnership_id, created_in__lte=first)
        .filter(Q(closed_in__isnull=True) | Q(closed_in__gte=first))
        .select_related("owner_agency", "owner_person")
        .order_by("adoption_id", "created_in", "pk")
    )
    found: dict[int, list[LoggedAction]] = {}
    for a in rows:
        person = a.owner_person
        found.setdefault(a.adoption_id, []).append(
            LoggedAction(
                text=a.text,
                owner=a.owner_agency.name
                if a.owner_agency
                else (person.get_full_name() or person.get_username() if person else ""),
                owner_kind="agency" if a.owner_agency_id else "person",
                due_date=a.due_date.isoformat() if a.due_date else None,
                due_label=_day_label(a.due_date) if a.due_date else "",
                status=a.status,
                status_label=ActionStatus(a.status).label,
                created_in=a.created_in.strftime("%Y-%m"),
                closed_in=a.closed_in.strftime("%Y-%m") if a.closed_in else None,
                overdue=is_overdue(a, first),
            )
        )
    return {adoption: tuple(items) for adoption, items in found.items()}


def overdue_actions(pages: Iterable[Page]) -> int:
    """How many of the pack's actions were overdue at publish (frozen on each action)."""
    return sum(1 for page in pages for a in page.action_log if a.overdue)
