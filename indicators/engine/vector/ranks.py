"""Ranks and group averages of one comparator group for many months at once (``engine.ranks``).

Each member is ranked among a field: what the others show of themselves (``seen``) and its own
figures (``own``; the same as ``seen`` where nothing is hidden from the others). Arrays are
(months, members), NaN for no figure; members are given in the order the group average sums
them (sequential sums, so the average is the scalar one to the last bit). Ties share the lowest
position: rates 1, 2, 2, 3 rank 1, 2, 2, 4 (1 + how many in the field are strictly lower).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, slots=True)
class Figures:
    """(months, members) arrays: rate, rolling-12 total and denominator (NaN for none)."""

    rate: np.ndarray
    r12: np.ndarray
    den: np.ndarray


@dataclass(frozen=True, slots=True)
class GroupRanks:
    ranked: np.ndarray  # bool (months, members): the member has a computed rank
    position: np.ndarray  # int
    size: np.ndarray  # int
    average: np.ndarray  # float, NaN for none


def group_ranks(seen: Figures, own: Figures, per_n: int) -> GroupRanks:
    """Each member's rank, field size and group average among ``seen`` with its own ``own``."""
    months, members = seen.rate.shape
    seen_has = ~np.isnan(seen.rate)
    own_has = ~np.isnan(own.rate)
    others = seen_has.sum(axis=1)[:, None] - seen_has
    size = others + 1
    ranked = own_has & (size >= 2) & (size * 2 > members)
    # lower[m, i] = how many others' seen rates are strictly below member i's own rate
    below = seen.rate[:, None, :] < own.rate[:, :, None]
    below &= ~np.eye(members, dtype=bool)[None, :, :]
    position = 1 + below.sum(axis=2)

    def pooled(r12: np.ndarray, den: np.ndarray, has: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        use = has & ~np.isnan(r12) & ~np.isnan(den) & (np.nan_to_num(den) != 0)
        return np.where(use, r12, 0.0), np.where(use, den, 0.0)

    seen_r12, seen_den = pooled(seen.r12, seen.den, seen_has)
    own_r12, own_den = pooled(own.r12, own.den, own_has)
    # The shared field (own = seen): every member's figures summed in order.
    shared_num = np.cumsum(seen_r12, axis=1)[:, -1:]
    shared_den = seen_den.sum(axis=1)[:, None]
    # A member whose own figures differ: the others in order, then its own.
    off = ~np.eye(members, dtype=bool)[None, :, :]
    own_num = np.cumsum(np.where(off, seen_r12[:, None, :], 0.0), axis=2)[:, :, -1] + own_r12
    own_total_den = np.where(off, seen_den[:, None, :], 0.0).sum(axis=2) + own_den
    same = _same(seen.rate, own.rate) & _same(seen.r12, own.r12) & _same(seen.den, own.den)
    num = np.where(same, shared_num, own_num)
    den = np.where(same, shared_den, own_total_den)
    with np.errstate(divide="ignore", invalid="ignore"):
        average = np.where(den == 0, np.nan, num / den * per_n)
    return GroupRanks(ranked=ranked, position=position, size=size, average=average)


def _same(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    same: np.ndarray = (a == b) | (np.isnan(a) & np.isnan(b))
    return same
