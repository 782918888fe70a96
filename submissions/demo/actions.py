"""The demo's action log: the December 2016 pack's actions (its free text, kept as it was on
the submissions) become open actions, logged in December 2016 and owned by each indicator's
owning agency, so January 2017's entry forms carry them forward.

One action per indicator whose seed page has actions, its text the seed's whole text. A due
date only where the seed's own words give one (``SEED_DUE_DATES``, quoted); the rest have none.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from csp.models import Partnership
from csp.users import stamp_change
from indicators.models import Adoption
from submissions.actions_log.rules import ActionStatus
from submissions.demo.common import Loader
from submissions.models import Action

LOGGED_IN = dt.date(2016, 12, 1)

SEED_DUE_DATES: dict[str, dt.date] = {
    # "...expecting this to be rectified to be able to update the dashboard online by the end
    # of February at the latest."
    "hate-crime": dt.date(2017, 2, 28),
    # "...to ensure there is enough individuals on a DRR/ATR in order to complete it by the year
    # end." The pack's year is the financial year 2016/17, which ends on 31 March 2017.
    "atr-completions": dt.date(2017, 3, 31),
    "drr-completions": dt.date(2017, 3, 31),
}


def demo_actions_load(
    loader: Loader, partnership: Partnership, pages: list[dict[str, Any]]
) -> None:
    """Create each seed action once (an action already logged for the indicator in December
    2016 with the same text is left as it is, whatever has been done to it since)."""
    adoptions = {
        a.indicator.code: a
        for a in Adoption.objects.filter(partnership=partnership).select_related("indicator")
    }
    for page in pages:
        text = ((page.get("commentary") or {}).get("actions") or "").strip()
        adoption = adoptions.get(page["code"])
        if not text or adoption is None or adoption.owner_id is None:
            continue
        if Action.objects.filter(adoption=adoption, created_in=LOGGED_IN, text=text).exists():
            loader.report.unchanged["actions"] += 1
            continue
        action = Action(
            adoption=adoption,
            text=text,
            owner_agency_id=adoption.owner_id,
            due_date=SEED_DUE_DATES.get(page["code"]),
            status=ActionStatus.OPEN,
            created_in=LOGGED_IN,
        )
        stamp_change(action, None, "From the December 2016 pack's actions (demo data)")
        action.save()
        loader.report.created["actions"] += 1
