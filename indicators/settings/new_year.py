"""The new financial year: from 1 February, which adopted indicators have no target for the
year that starts in April; and copying this year's targets to next year, for all or some, in
one transaction. An April round opens regardless (its page lists "no target set")."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from csp.users import User, stamp_change
from indicators.engine.periods import fy_start_year
from indicators.models import Adoption, Target
from indicators.recompute.requests import recompute_request
from indicators.settings import SettingsError
from indicators.settings.common import reason_check, settings_check

NOTICE_FROM_MONTH = 2  # 1 February: two months before the year starts


@dataclass(frozen=True)
class NewYearNotice:
    year: int  # the coming financial year's first year (2017 for 2017/18)
    missing: list[Adoption]  # current adoptions with no target for it


def coming_year(today: dt.date) -> int | None:
    """The financial year the notice is about: from 1 February to 31 March, the one starting in
    April; at any other time none."""
    if NOTICE_FROM_MONTH <= today.month <= 3:
        return fy_start_year(today) + 1
    return None


def untargeted(partnership_id: int, year: int) -> list[Adoption]:
    """Current adoptions with no target (whole or any category) for ``year``."""
    return list(
        Adoption.objects.filter(partnership_id=partnership_id, retired_on__isnull=True)
        .exclude(targets__financial_year=year)
        .select_related("indicator")
        .order_by("pack_order", "indicator__code")
    )


def new_year_notice(partnership_id: int, *, today: dt.date) -> NewYearNotice | None:
    year = coming_year(today)
    if year is None:
        return None
    return NewYearNotice(year=year, missing=untargeted(partnership_id, year))


def targets_copy_to_next_year(
    *,
    partnership_id: int,
    from_year: int,
    adoption_ids: Sequence[int] | None,
    user: User,
    reason: str,
) -> int:
    """Copy each chosen adoption's targets of ``from_year`` to ``from_year + 1`` (all current
    adoptions when ``adoption_ids`` is None). A target already set for next year is kept.
    Returns the number of targets written; all or nothing."""
    settings_check(user, partnership_id)
    reason = reason_check(reason)
    adoptions = Adoption.objects.filter(partnership_id=partnership_id, retired_on__isnull=True)
    if adoption_ids is not None:
        if not adoption_ids:
            raise SettingsError("Choose the indicators whose targets to copy.")
        adoptions = adoptions.filter(pk__in=adoption_ids)
        if adoptions.count() != len(set(adoption_ids)):
            raise SettingsError("Only this partnership's current indicators can be copied.")
    copied = 0
    with transaction.atomic():
        chosen = list(adoptions.select_for_update().select_related("partnership"))
        sources = Target.objects.filter(adoption__in=chosen, financial_year=from_year)
        have = set(
            Target.objects.filter(adoption__in=chosen, financial_year=from_year + 1).values_list(
                "adoption_id", "category_id"
            )
        )
        for source in sources.order_by("adoption_id", "category_id"):
            if (source.adoption_id, source.category_id) in have:
                continue
            source.pk = None
            source.id = None
            source._state.adding = True
            source.financial_year = from_year + 1
            stamp_change(source, user, reason)
            source.save()
            copied += 1
        for adoption in chosen:
            recompute_request(
                now=timezone.now(),
                reason=f"targets copied to {from_year + 1} by {user}",
                indicator_id=adoption.indicator_id,
                area_id=adoption.partnership.area_id,
            )
    return copied
