"""Releasing a partnership's rates: what other areas' ranks may use of its figures (ADR 0018).

Publishing a partnership's round for a month releases its figures for that month and every
earlier one, as they stand when the pack is frozen. Called by the publish service inside its
transaction, after the recompute that brings the derived figures up to date; the ranks of every
member of the area's groups are recomputed, in the same transaction, for the months whose
released rates changed, so the other partnerships' live ranks move when the pack is published.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import transaction

from indicators.models import DerivedMetric, ReleasedRate
from indicators.recompute.ranks import ranks_recompute
from indicators.recompute.touches import ranks_touch_record

# (rate, rolling-12 total, denominator): the figures a rank and a group average use.
Figures = tuple[float, float | None, int | None]


def rates_release(*, area_id: int, through: dt.date | None, now: dt.datetime) -> list[dt.date]:
    """Record the area's current rates for months up to ``through`` (None: every month) as
    released, and rerank its groups for the months that changed; returns those months."""
    month_filter: dict[str, object] = {} if through is None else {"month__lte": through}
    live: dict[tuple[int, dt.date], Figures] = {
        (ind, month): (rate, r12, den)
        for ind, month, rate, r12, den in DerivedMetric.objects.filter(
            area_id=area_id, rate__isnull=False, **month_filter
        ).values_list("indicator_id", "month", "rate", "r12", "rate_denominator")
        if rate is not None
    }
    old: dict[tuple[int, dt.date], Figures] = {
        (ind, month): (rate, r12, den)
        for ind, month, rate, r12, den in ReleasedRate.objects.filter(
            area_id=area_id, **month_filter
        ).values_list("indicator_id", "month", "rate", "r12", "rate_denominator")
    }
    changed: dict[dt.date, set[int]] = defaultdict(set)
    for key in live.keys() | old.keys():
        if live.get(key) != old.get(key):
            changed[key[1]].add(key[0])
    if not changed:
        return []
    with transaction.atomic():
        for month, indicator_ids in changed.items():
            stale = [i for i in indicator_ids if (i, month) in old]
            if stale:
                ReleasedRate.objects.filter(
                    area_id=area_id, month=month, indicator_id__in=stale
                ).delete()
        ReleasedRate.objects.bulk_create(
            ReleasedRate(
                indicator_id=ind,
                area_id=area_id,
                month=month,
                rate=figures[0],
                r12=figures[1],
                rate_denominator=figures[2],
                released_at=now,
            )
            for month, indicator_ids in changed.items()
            for ind in indicator_ids
            if (figures := live.get((ind, month))) is not None
        )
        months = sorted(changed)
        changed_ids = sorted({i for ids in changed.values() for i in ids})
        ranks_recompute(indicator_ids=changed_ids, area_ids=[area_id], months=months)
        # A full recompute running now ranked by the rates released before: its swap redoes this.
        ranks_touch_record(indicator_ids=changed_ids, area_ids=[area_id], months=months)
    return months
