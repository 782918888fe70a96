"""Rank rows on arrays: every month of one indicator and group at once (``engine.vector.ranks``).

The same rows as ``ranks.rank_rows_reference`` (the reference, one month and group at a time
through ``engine.ranks.field_ranks``), held to it by a property test
(tests/unit/test_rank_grid.py). Each indicator's rates are laid once on an (areas, months) grid,
the live figures and the released ones; each group then takes its members' columns: what the
others see of a member (its live figures, or a partnership's released ones) and its own (live).
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

from indicators.engine.vector.ranks import Figures, group_ranks

# Bound on months x members x members per call (the pairwise comparisons' arrays).
_PAIRS_AT_ONCE = 1_000_000

if TYPE_CHECKING:
    from indicators.recompute.compute import Rates


def computed_rank_rows(
    rates: Rates,
    members: Mapping[int, Sequence[int]],
    per_n: Mapping[int, int | None],
    partners: frozenset[int],
    released: Rates,
) -> list[tuple[object, ...]]:
    """The computed rank rows (``ranks.RANK_COLUMNS``) of every member whose field holds most
    of its group: ``rank_rows_reference``'s computed rows, in another order. ``partners`` are the
    partnership areas, seen by the others as ``released``."""
    months_of: dict[int, list[dt.date]] = defaultdict(list)
    for ind, month in rates:
        months_of[ind].append(month)
    groups = []
    for group_id, areas in members.items():
        if not areas:
            continue
        # The order the reference sums a field in: comparators first, then the partnerships.
        order = [a for a in areas if a not in partners] + [a for a in areas if a in partners]
        groups.append((group_id, order, np.array([a in partners for a in order], dtype=bool)))
    areas_all = sorted({a for _g, order, _p in groups for a in order})
    column = {a: i for i, a in enumerate(areas_all)}
    rows: list[tuple[object, ...]] = []
    for ind, months in months_of.items():
        n = per_n.get(ind)
        if not n or not groups:
            continue
        live = _grid([rates[(ind, m)] for m in months], column)
        shown = _grid([released.get((ind, m), {}) for m in months], column)
        for group_id, order, is_partner in groups:
            cols = [column[a] for a in order]
            # A few months at a time: the ranks compare every pair of members in a month.
            step = max(1, _PAIRS_AT_ONCE // max(1, len(cols)) ** 2)
            for start in range(0, len(months), step):
                window = slice(start, start + step)
                rows += _group_rows(
                    ind, group_id, order, months[window],
                    [g[window][:, cols] for g in live],
                    [np.where(is_partner[None, :], s[window][:, cols], o[window][:, cols])
                     for s, o in zip(shown, live, strict=True)],
                    n,
                )  # fmt: skip
    return rows


def _group_rows(
    ind: int,
    group_id: int,
    order: Sequence[int],
    months: Sequence[dt.date],
    mine: list[np.ndarray],
    others: list[np.ndarray],
    per_n: int,
) -> list[tuple[object, ...]]:
    got = group_ranks(Figures(*others), Figures(*mine), per_n)
    m_idx, a_idx = np.nonzero(got.ranked)
    averages = [None if math.isnan(x) else x for x in got.average[m_idx, a_idx].tolist()]
    return [
        (ind, order[a], months[m], group_id, position, size, average, "computed")
        for m, a, position, size, average in zip(
            m_idx.tolist(),
            a_idx.tolist(),
            got.position[m_idx, a_idx].tolist(),
            got.size[m_idx, a_idx].tolist(),
            averages,
            strict=True,
        )
    ]


def _grid(
    by_month: Sequence[Mapping[int, tuple[float | None, float | None, int | None]]],
    column: Mapping[int, int],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(months, areas) arrays of rate, rolling-12 total and denominator; NaN for none."""
    shape = (len(by_month), len(column))
    where = [(m, column[a]) for m, by_area in enumerate(by_month) for a in by_area if a in column]
    figures = [f for by_area in by_month for a, f in by_area.items() if a in column]
    at = tuple(np.array(where, dtype=np.int64).reshape(-1, 2).T)
    out = []
    for k in range(3):
        grid = np.full(shape, np.nan)
        grid[at] = np.array([f[k] for f in figures], dtype=float)  # None: NaN
        out.append(grid)
    return out[0], out[1], out[2]
