"""Ranks and group averages: each member of a comparator group against the others, per month."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence

from csp.models import GroupMembership
from indicators.bulk import bulk_insert
from indicators.engine import ranks as rankmod
from indicators.models import (
    DerivedMetric,
    DerivedRank,
    Indicator,
    SuppliedBenchmark,
)
from indicators.recompute.compute import Rates
from indicators.recompute.load import as_float


def ranks_recompute(
    *,
    indicator_ids: Sequence[int],
    area_ids: Sequence[int] | None = None,
    from_month: dt.date | None = None,
    months: Sequence[dt.date] | None = None,
    known_rates: Rates | None = None,
) -> int:
    """Ranks and group averages for every member of the affected areas' groups.

    Computed from the members' stored rates where most of the group has one; otherwise the
    supplied benchmark figures, marked as supplied.
    """
    members, all_areas = group_members(area_ids)
    month_filter: dict[str, object] = {}
    if from_month is not None:
        month_filter["month__gte"] = from_month
    if months is not None:
        month_filter["month__in"] = list(months)
    if known_rates is not None:
        rates = known_rates
    else:
        rates = defaultdict(dict)
        derived = DerivedMetric.objects.filter(
            indicator_id__in=indicator_ids,
            area_id__in=all_areas,
            rate__isnull=False,
            **month_filter,
        )
        for ind, area, month, rate, r12, den in derived.values_list(
            "indicator_id", "area_id", "month", "rate", "r12", "rate_denominator"
        ):
            rates[(ind, month)][area] = (rate, r12, den)
    supplied_by, per_n = rank_inputs(indicator_ids, all_areas, **month_filter)
    supplied_by = {k: v for k, v in supplied_by.items() if k[2] in members}
    new = rank_rows(rates, members, supplied_by, per_n)
    existing = DerivedRank.objects.filter(indicator_id__in=indicator_ids, **month_filter)
    if area_ids is not None or known_rates is None:
        # Only the groups rebuilt here: an area's other groups keep their ranks.
        existing = existing.filter(area_id__in=all_areas, group_id__in=list(members))
    existing.delete()
    bulk_insert(DerivedRank._meta.db_table, RANK_COLUMNS, new)
    return len(new)


def group_members(area_ids: Sequence[int] | None) -> tuple[dict[int, list[int]], set[int]]:
    """Members of every group (or of the groups the given areas belong to), and all of them."""
    memberships = GroupMembership.objects.all()
    if area_ids is not None:
        groups = GroupMembership.objects.filter(area_id__in=area_ids).values("group_id")
        memberships = memberships.filter(group_id__in=groups)
    members: dict[int, list[int]] = defaultdict(list)
    for group_id, area_id in memberships.values_list("group_id", "area_id"):
        members[group_id].append(area_id)
    all_areas = {a for group in members.values() for a in group}
    if area_ids is not None:
        all_areas |= set(area_ids)
    return members, all_areas


def rank_inputs(
    indicator_ids: Sequence[int], area_ids: set[int] | None, **month_filter: object
) -> tuple[dict[tuple[int, dt.date, int, int], SuppliedBenchmark], dict[int, int | None]]:
    supplied = SuppliedBenchmark.objects.filter(indicator_id__in=indicator_ids, **month_filter)
    if area_ids is not None:
        supplied = supplied.filter(area_id__in=area_ids)
    supplied_by = {(s.indicator_id, s.month, s.group_id, s.area_id): s for s in supplied}
    per_n = dict(Indicator.objects.filter(id__in=indicator_ids).values_list("id", "per_n"))
    return supplied_by, per_n


def rank_rows(
    rates: Rates,
    members: dict[int, list[int]],
    supplied_by: dict[tuple[int, dt.date, int, int], SuppliedBenchmark],
    per_n: dict[int, int | None],
) -> list[tuple[object, ...]]:
    """Rank rows: computed where the engine says the group has enough rates, else supplied."""
    new: dict[tuple[int, int, dt.date, int], tuple[object, ...]] = {}
    groups = list(members.items())
    for (ind, month), by_area in rates.items():
        n = per_n.get(ind)
        if not n:
            continue
        for group_id, group_members in groups:
            present = {a: by_area[a] for a in group_members if a in by_area}
            if not rankmod.use_computed_ranks(len(group_members), len(present)):
                continue
            positions = rankmod.rank_positions({a: f[0] for a, f in present.items()})
            average = rankmod.pooled_average(
                {a: f[1] for a, f in present.items()}, {a: f[2] for a, f in present.items()}, n
            )
            for area, rank in positions.items():
                new[(ind, area, month, group_id)] = (
                    ind,
                    area,
                    month,
                    group_id,
                    rank.position,
                    rank.size,
                    average,
                    "computed",
                )
    for (ind, month, group_id, area), s in supplied_by.items():
        if (ind, area, month, group_id) not in new:
            new[(ind, area, month, group_id)] = (
                ind,
                area,
                month,
                group_id,
                s.position,
                s.size,
                as_float(s.average),
                "supplied",
            )
    return list(new.values())


RANK_COLUMNS = [
    "indicator_id",
    "area_id",
    "month",
    "group_id",
    "position",
    "size",
    "average",
    "source",
]
