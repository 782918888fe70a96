"""Ranks and group averages: each member of a comparator group against the others, per month.

A member is ranked among the figures it may be compared with (ADR 0018): every comparator
area's, every partnership's as released (``ReleasedRate``: as its published packs show them),
and its own live figures. So no partnership's unpublished figure moves another's rank."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import F, Q

from csp.models import ComparatorGroup, GroupMembership
from indicators.bulk import bulk_insert, copy_payload, copy_types_match
from indicators.engine import ranks as rankmod
from indicators.models import (
    DerivedMetric,
    DerivedRank,
    Indicator,
    ReleasedRate,
    SuppliedBenchmark,
)
from indicators.recompute.compute import Rates, gc_paused
from indicators.recompute.load import as_float
from indicators.recompute.rank_grid import RankBlock, computed_rank_blocks, rank_copy_payload


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
    members, all_areas, partners = group_members(area_ids)
    # One rewrite of a group's ranks at a time (two partnerships publishing at once): the second
    # waits here, then reads the first's rates and releases and replaces its rows. Callers hold
    # a transaction (the recompute's, the publish's).
    list(
        ComparatorGroup.objects.select_for_update()
        .filter(id__in=sorted(members))
        .order_by("id")
        .values_list("id", flat=True)
    )
    return _ranks_rewrite(
        indicator_ids, area_ids, from_month, months, known_rates, members, all_areas, partners
    )


def _ranks_rewrite(
    indicator_ids: Sequence[int],
    area_ids: Sequence[int] | None,
    from_month: dt.date | None,
    months: Sequence[dt.date] | None,
    known_rates: Rates | None,
    members: dict[int, list[int]],
    all_areas: set[int],
    partners: frozenset[int],
) -> int:
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
        ).filter(Q(figure_month__isnull=True) | Q(figure_month=F("month")))  # see compute_rows
        for ind, area, month, rate, r12, den in derived.order_by().values_list(
            "indicator_id", "area_id", "month", "rate", "r12", "rate_denominator"
        ):
            rates[(ind, month)][area] = (rate, r12, den)
    supplied_by, per_n = rank_inputs(indicator_ids, all_areas, **month_filter)
    supplied_by = {k: v for k, v in supplied_by.items() if k[2] in members}
    released = released_load(indicator_ids, partners, **month_filter)
    new = rank_rows(rates, members, supplied_by, per_n, released)
    existing = DerivedRank.objects.filter(indicator_id__in=indicator_ids, **month_filter)
    if area_ids is not None or known_rates is None:
        # Only the groups rebuilt here: an area's other groups keep their ranks.
        existing = existing.filter(area_id__in=all_areas, group_id__in=list(members))
    existing.delete()
    bulk_insert(DerivedRank._meta.db_table, RANK_COLUMNS, new)
    return len(new)


def group_members(
    area_ids: Sequence[int] | None,
) -> tuple[dict[int, list[int]], set[int], frozenset[int]]:
    """Members of every group (or of the groups the given areas belong to), all of them, and
    those of them that a partnership serves."""
    memberships = GroupMembership.objects.all()
    if area_ids is not None:
        groups = GroupMembership.objects.filter(area_id__in=area_ids).values("group_id")
        memberships = memberships.filter(group_id__in=groups)
    members: dict[int, list[int]] = defaultdict(list)
    partners: set[int] = set()
    for group_id, area_id, partnership in memberships.values_list(
        "group_id", "area_id", "area__partnership"
    ):
        members[group_id].append(area_id)
        if partnership is not None:
            partners.add(area_id)
    all_areas = {a for group in members.values() for a in group}
    if area_ids is not None:
        all_areas |= set(area_ids)
    return members, all_areas, frozenset(partners)


def rank_inputs(
    indicator_ids: Sequence[int], area_ids: set[int] | None, **month_filter: object
) -> tuple[dict[tuple[int, dt.date, int, int], SuppliedBenchmark], dict[int, int | None]]:
    supplied = SuppliedBenchmark.objects.filter(
        indicator_id__in=indicator_ids, **month_filter
    ).order_by()
    if area_ids is not None:
        supplied = supplied.filter(area_id__in=area_ids)
    supplied_by = {(s.indicator_id, s.month, s.group_id, s.area_id): s for s in supplied}
    per_n = dict(Indicator.objects.filter(id__in=indicator_ids).values_list("id", "per_n"))
    return supplied_by, per_n


@dataclass(frozen=True, slots=True)
class Released:
    """The partnership areas, and their rates as released (the shape of ``Rates``)."""

    partnership_areas: frozenset[int]
    rates: Rates


def released_load(
    indicator_ids: Sequence[int], partnership_areas: frozenset[int], **month_filter: object
) -> Released:
    """The released rates of the given partnership areas (``group_members``' third answer)."""
    rows = ReleasedRate.objects.filter(
        indicator_id__in=indicator_ids, area_id__in=partnership_areas, **month_filter
    )
    rates: Rates = defaultdict(dict)
    # The query's own SQL on a plain cursor: a national install releases millions of rates,
    # and Django's row handling costs several times the fetch.
    # No order: the model's (by code and name) joins and sorts for nothing.
    try:
        sql, params = (
            rows.order_by()
            .values_list("indicator_id", "area_id", "month", "rate", "r12", "rate_denominator")
            .query.sql_with_params()
        )
    except EmptyResultSet:  # no partnership area, or no indicator: nothing released
        return Released(partnership_areas, rates)
    with connection.cursor() as cursor, gc_paused():
        cursor.execute(sql, params)
        for ind, area, month, rate, r12, den in cursor.fetchall():
            if isinstance(month, str):  # SQLite returns text dates
                month = dt.date.fromisoformat(month)
            rates[(ind, month)][area] = (rate, r12, den)
    return Released(partnership_areas, rates)


def rank_rows(
    rates: Rates,
    members: dict[int, list[int]],
    supplied_by: dict[tuple[int, dt.date, int, int], SuppliedBenchmark],
    per_n: dict[int, int | None],
    released: Released,
) -> list[tuple[object, ...]]:
    """Rank rows: computed where the engine says the member's field has enough rates, else
    supplied. A partnership area is seen by the others as released, and by itself as it is.

    Computed on arrays, every month of an indicator and group at once (``rank_grid``); the
    rows of ``rank_rows_reference``, in another order."""
    blocks, supplied = rank_blocks(rates, members, supplied_by, per_n, released)
    return [row for block in blocks for row in block.rows()] + supplied


def rank_blocks(
    rates: Rates,
    members: dict[int, list[int]],
    supplied_by: dict[tuple[int, dt.date, int, int], SuppliedBenchmark],
    per_n: dict[int, int | None],
    released: Released,
) -> tuple[list[RankBlock], list[tuple[object, ...]]]:
    """``rank_rows`` as the computed rows' arrays and the supplied rows' tuples (what
    ``ranks_write`` takes)."""
    with gc_paused():
        blocks = computed_rank_blocks(
            rates, members, per_n, released.partnership_areas, released.rates
        )
    if not supplied_by:
        return blocks, []
    computed = {
        (block.indicator, area, block.months[m], block.group)
        for block in blocks
        for area, m in zip(block.area.tolist(), block.month.tolist(), strict=True)
    }
    supplied: list[tuple[object, ...]] = [
        (ind, area, month, group_id, s.position, s.size, as_float(s.average), "supplied")
        for (ind, month, group_id, area), s in supplied_by.items()
        if (ind, area, month, group_id) not in computed
    ]
    return blocks, supplied


def ranks_write(table: str, blocks: list[RankBlock], supplied: list[tuple[object, ...]]) -> int:
    """Insert the rank rows ``rank_blocks`` gave; returns how many. On PostgreSQL the computed
    rows go as one binary COPY built on arrays (``rank_copy_payload``), no tuple made."""
    if connection.vendor == "postgresql" and copy_types_match(table, RANK_COLUMNS, RANK_TYPES):
        copy_payload(table, RANK_COLUMNS, rank_copy_payload(blocks))
    else:
        bulk_insert(table, RANK_COLUMNS, [row for block in blocks for row in block.rows()])
    bulk_insert(table, RANK_COLUMNS, supplied)
    return sum(len(block) for block in blocks) + len(supplied)


def rank_rows_reference(
    rates: Rates,
    members: dict[int, list[int]],
    supplied_by: dict[tuple[int, dt.date, int, int], SuppliedBenchmark],
    per_n: dict[int, int | None],
    released: Released,
) -> list[tuple[object, ...]]:
    """``rank_rows`` one month and group at a time through ``engine.ranks.field_ranks``: the
    reference the property test holds ``rank_rows`` to."""
    new: dict[tuple[int, int, dt.date, int], tuple[object, ...]] = {}
    groups = [(g, areas, [a for a in areas if a in released.partnership_areas])
              for g, areas in members.items()]  # fmt: skip
    empty: dict[int, tuple[float | None, float | None, int | None]] = {}
    for (ind, month), by_area in rates.items():
        n = per_n.get(ind)
        if not n:
            continue
        released_by_area = released.rates.get((ind, month), empty)
        for group_id, group_members, partners in groups:
            seen = {a: by_area[a] for a in group_members if a in by_area}
            own = {a: seen.pop(a, None) for a in partners}
            seen.update((a, released_by_area[a]) for a in partners if a in released_by_area)
            ranked = rankmod.field_ranks(group_members, seen, own, n)
            for area, (rank, average) in ranked.items():
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
# The column types ``rank_copy_payload`` writes (PostgreSQL type names, as format_type gives).
RANK_TYPES = [
    "bigint", "bigint", "date", "bigint", "smallint", "smallint", "double precision",
    "character varying(10)",
]  # fmt: skip
