"""Adopt a catalogue indicator, change an adoption, retire it and set the pack order (ADR 0015).

A retired adoption keeps its row, targets and history: the rounds and packs that named it still
do; ``round_create`` skips it. Adopting a retired indicator again brings the same row back."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from csp.models import Agency
from csp.users import User, stamp_change
from indicators.engine.vocabulary import Frequency
from indicators.models import Adoption, Indicator, Portfolio
from indicators.recompute.requests import recompute_request
from indicators.settings import SettingsError
from indicators.settings.common import adoption_locked, reason_check, settings_check


def due_months_clean(text: str, frequency: str) -> str:
    """``'6, 9,12,3'`` -> ``'6,9,12,3'``; blank keeps the catalogue frequency's months (a
    quarterly figure in June, September, December and March). Refuses a month that is not
    1-12, a repeat, a monthly indicator given months, and a quarterly one given other than four
    or an annual one other than one."""
    parts = [p.strip() for p in (text or "").split(",") if p.strip()]
    if not parts:
        return ""
    if not all(p.isdigit() and 1 <= int(p) <= 12 for p in parts):
        raise SettingsError("Due months are month numbers from 1 (January) to 12 (December).")
    months = [int(p) for p in parts]
    if len(set(months)) != len(months):
        raise SettingsError("A due month is given twice.")
    wanted = {Frequency.QUARTERLY: 4, Frequency.ANNUAL: 1}.get(Frequency(frequency))
    if wanted is None:
        raise SettingsError("A monthly indicator is due every month: leave the due months blank.")
    if len(months) != wanted:
        raise SettingsError(f"A {frequency} indicator is due in {wanted} month(s) a year.")
    return ",".join(str(m) for m in months)


def adoption_adopt(
    *,
    partnership_id: int,
    indicator_id: int,
    portfolio_id: int,
    owner_id: int | None,
    user: User,
    reason: str,
) -> Adoption:
    """Adopt an indicator at the end of the pack (or bring a retired adoption back there)."""
    settings_check(user, partnership_id)
    reason = reason_check(reason)
    with transaction.atomic():
        adoptions = Adoption.objects.select_for_update().filter(partnership_id=partnership_id)
        existing = adoptions.filter(indicator_id=indicator_id).first()
        if existing is not None and existing.retired_on is None:
            raise SettingsError(f"{existing.indicator.code} is already adopted.")
        indicator = Indicator.objects.filter(pk=indicator_id).first()
        portfolio = Portfolio.objects.filter(pk=portfolio_id).first()
        if indicator is None or portfolio is None:
            raise SettingsError("Choose an indicator of the catalogue and a portfolio.")
        owner = _owner(partnership_id, owner_id)
        last = adoptions.filter(retired_on__isnull=True).aggregate(m=Max("pack_order"))["m"] or 0
        adoption = existing or Adoption(partnership_id=partnership_id, indicator=indicator)
        adoption.retired_on = None
        adoption.portfolio = portfolio
        adoption.owner = owner
        adoption.pack_order = last + 1
        stamp_change(adoption, user, reason)
        adoption.save()
        _recompute(adoption, f"{indicator.code} adopted by {user}")
        return adoption


def _owner(partnership_id: int, owner_id: int | None) -> Agency | None:
    if owner_id is None:
        return None
    owner = Agency.objects.filter(
        pk=owner_id, partnership_id=partnership_id, retired_on__isnull=True
    ).first()
    if owner is None:
        raise SettingsError("The owner must be a current agency of this partnership.")
    return owner


@dataclass(frozen=True)
class AdoptionChange:
    owner_id: int | None
    portfolio_id: int
    suppression_threshold: int | None
    tolerance: Decimal | None
    due_months: str
    what_good_looks_like: str
    why_important: str
    issues_to_consider: str
    # The plausibility limit: an entry's largest acceptable figure; None, the derived default.
    figure_limit: int | None = None


def adoption_change(
    *, adoption_id: int, partnership_id: int, change: AdoptionChange, user: User, reason: str
) -> Adoption:
    settings_check(user, partnership_id)
    reason = reason_check(reason)
    with transaction.atomic():
        adoption = adoption_locked(adoption_id, partnership_id)
        portfolio = Portfolio.objects.filter(pk=change.portfolio_id).first()
        if portfolio is None:
            raise SettingsError("Choose a portfolio.")
        if change.tolerance is not None and change.tolerance < 0:
            raise SettingsError("The amber band cannot be negative.")
        if change.figure_limit is not None and change.figure_limit < 1:
            raise SettingsError("The plausibility limit is a whole number of 1 or more.")
        adoption.owner = _owner(partnership_id, change.owner_id)
        adoption.portfolio = portfolio
        adoption.suppression_threshold = change.suppression_threshold
        adoption.tolerance = change.tolerance
        adoption.figure_limit = change.figure_limit
        adoption.due_months = due_months_clean(change.due_months, adoption.indicator.frequency)
        adoption.what_good_looks_like = change.what_good_looks_like.strip()
        adoption.why_important = change.why_important.strip()
        adoption.issues_to_consider = change.issues_to_consider.strip()
        stamp_change(adoption, user, reason)
        adoption.save()
        _recompute(adoption, f"{adoption.indicator.code} changed by {user}")
        return adoption


def adoption_retire(
    *, adoption_id: int, partnership_id: int, user: User, reason: str, today: dt.date
) -> Adoption:
    """Retire: new rounds skip it; its rounds, packs, targets and history stay."""
    settings_check(user, partnership_id)
    reason = reason_check(reason)
    with transaction.atomic():
        adoption = adoption_locked(adoption_id, partnership_id)
        if adoption.retired_on is not None:
            raise SettingsError(f"{adoption.indicator.code} is already retired.")
        adoption.retired_on = today
        stamp_change(adoption, user, reason)
        adoption.save(update_fields=["retired_on"])
        _active_renumber(partnership_id, user, reason)
        return adoption


def adoption_move(
    *, adoption_id: int, partnership_id: int, up: bool, user: User, reason: str = ""
) -> None:
    """Move an adopted indicator one place up or down the pack (the no-script reorder)."""
    settings_check(user, partnership_id)
    with transaction.atomic():
        order = _active_order(partnership_id)
        ids = [a.pk for a in order]
        if adoption_id not in ids:
            raise SettingsError("Only an adopted, current indicator has a place in the pack.")
        i = ids.index(adoption_id)
        j = i - 1 if up else i + 1
        if 0 <= j < len(ids):
            ids[i], ids[j] = ids[j], ids[i]
        _renumber(order, ids, user, reason or ("moved up" if up else "moved down"))


def adoptions_reorder(
    *, partnership_id: int, adoption_ids: Sequence[int], user: User, reason: str = ""
) -> None:
    """Set the whole pack order at once (the drag-and-drop list posts every id in order)."""
    settings_check(user, partnership_id)
    with transaction.atomic():
        order = _active_order(partnership_id)
        if sorted(adoption_ids) != sorted(a.pk for a in order):
            raise SettingsError("The new order must name every current indicator once.")
        _renumber(order, list(adoption_ids), user, reason or "pack reordered")


def _active_order(partnership_id: int) -> list[Adoption]:
    return list(
        Adoption.objects.select_for_update(of=("self",))
        .select_related("indicator")
        .filter(partnership_id=partnership_id, retired_on__isnull=True)
        .order_by("pack_order", "indicator__code")
    )


def _renumber(order: list[Adoption], ids: list[int], user: User, reason: str) -> None:
    by_id = {a.pk: a for a in order}
    for place, pk in enumerate(ids, start=1):
        adoption = by_id[pk]
        if adoption.pack_order != place:
            adoption.pack_order = place
            stamp_change(adoption, user, reason)
            adoption.save(update_fields=["pack_order"])


def _active_renumber(partnership_id: int, user: User, reason: str) -> None:
    order = _active_order(partnership_id)
    _renumber(order, [a.pk for a in order], user, reason)


def _recompute(adoption: Adoption, reason: str) -> None:
    # The owner, threshold and tolerance feed the partnership's figures and ratings.
    recompute_request(
        now=timezone.now(),
        reason=reason,
        indicator_id=adoption.indicator_id,
        area_id=adoption.partnership.area_id,
    )
