"""Positions in comparator groups (DESIGN.md: 1 = lowest rate; ties share the lowest position)."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True, slots=True)
class Rank:
    position: int
    size: int


def rank_positions(rates: Mapping[K, float | None]) -> dict[K, Rank]:
    """Rank members that have a rate, ascending; members without one are left out.

    Ties share the lowest position: rates 1, 2, 2, 3 rank 1, 2, 2, 4.
    """
    present = sorted((rate, key) for key, rate in rates.items() if rate is not None)
    size = len(present)
    out: dict[K, Rank] = {}
    position = 0
    previous: float | None = None
    for index, (rate, key) in enumerate(present, start=1):
        if rate != previous:
            position = index
            previous = rate
        out[key] = Rank(position, size)
    return out


def pooled_average(
    totals: Mapping[K, float | None], denominators: Mapping[K, int | None], per_n: int
) -> float | None:
    """Group average = sum of the members' R12 / sum of their denominators × per N.

    Only members with both figures count, so the average and the ranks cover the same members.
    """
    numerator = 0.0
    denominator = 0
    for key, total in totals.items():
        den = denominators.get(key)
        if total is None or not den:
            continue
        numerator += total
        denominator += den
    return None if denominator == 0 else numerator / denominator * per_n


def use_computed_ranks(members: int, members_with_rate: int) -> bool:
    """Computed ranks need most of the group: more than half its members with a rate (and 2+).

    Otherwise a rank would compare the area with a handful of others, so the supplied figures
    (e.g. iQuanta's) are shown instead.
    """
    return members_with_rate >= 2 and members_with_rate * 2 > members


# An area's figures for a rank: (rate, rolling-12 total, denominator).
Figures = tuple[float | None, float | None, int | None]


def field_ranks(
    members: Sequence[K],
    seen: Mapping[K, Figures],
    own: Mapping[K, Figures | None],
    per_n: int,
) -> dict[K, tuple[Rank, float | None]]:
    """Each member's rank and group average among the figures it may be compared with.

    ``seen`` holds each member's figures as any other member may see them (a comparator's
    public figures, a partnership's released ones); ``own`` a member's own live figures where
    they may differ from what the others see (a partnership's, None when it has none). A member
    is ranked among what is seen of the others and its own figures (ADR 0018), with the usual
    ties rule, and only where that field holds most of the group (``use_computed_ranks``).
    """
    out: dict[K, tuple[Rank, float | None]] = {}
    shared: tuple[dict[K, Rank], float | None] | None = None
    for member in members:
        mine = own[member] if member in own else seen.get(member)
        if mine is None or mine[0] is None:
            continue
        if member in own and own[member] != seen.get(member):
            field = {k: v for k, v in seen.items() if k != member}
            field[member] = mine
            out.update(_ranked(members, field, per_n, only=member))
            continue
        if shared is None:
            shared = _field(members, seen, per_n)
        positions, average = shared
        if member in positions:
            out[member] = (positions[member], average)
    return out


def _field(
    members: Sequence[K], field: Mapping[K, Figures], per_n: int
) -> tuple[dict[K, Rank], float | None]:
    present = {k: v for k, v in field.items() if v[0] is not None}
    if not use_computed_ranks(len(members), len(present)):
        return {}, None
    positions = rank_positions({k: v[0] for k, v in present.items()})
    average = pooled_average(
        {k: v[1] for k, v in present.items()}, {k: v[2] for k, v in present.items()}, per_n
    )
    return positions, average


def _ranked(
    members: Sequence[K], field: Mapping[K, Figures], per_n: int, *, only: K
) -> dict[K, tuple[Rank, float | None]]:
    positions, average = _field(members, field, per_n)
    return {only: (positions[only], average)} if only in positions else {}
