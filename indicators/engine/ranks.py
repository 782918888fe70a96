"""Positions in comparator groups (DESIGN.md: 1 = lowest rate; ties share the lowest position)."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
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
