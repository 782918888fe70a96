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
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from indicators.engine.vector.ranks import Figures, group_ranks

# Bound on months x members x members per call (the pairwise comparisons' arrays).
_PAIRS_AT_ONCE = 1_000_000

if TYPE_CHECKING:
    from indicators.recompute.compute import Rates


@dataclass(frozen=True, slots=True)
class RankBlock:
    """The computed rank rows of one indicator and group over a few months, column by column:
    row i is member ``area[i]`` in ``months[month[i]]``."""

    indicator: int
    group: int
    months: Sequence[dt.date]
    area: np.ndarray  # int64
    month: np.ndarray  # int64, an index into ``months``
    position: np.ndarray  # int64
    size: np.ndarray  # int64
    average: np.ndarray  # float64, NaN for none

    def __len__(self) -> int:
        return len(self.area)

    def rows(self) -> list[tuple[object, ...]]:
        """As ``ranks.RANK_COLUMNS`` tuples."""
        months = self.months
        averages = [None if math.isnan(x) else x for x in self.average.tolist()]
        return [
            (self.indicator, area, months[m], self.group, position, size, average, "computed")
            for area, m, position, size, average in zip(
                self.area.tolist(),
                self.month.tolist(),
                self.position.tolist(),
                self.size.tolist(),
                averages,
                strict=True,
            )
        ]


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
    blocks = computed_rank_blocks(rates, members, per_n, partners, released)
    return [row for block in blocks for row in block.rows()]


def computed_rank_blocks(
    rates: Rates,
    members: Mapping[int, Sequence[int]],
    per_n: Mapping[int, int | None],
    partners: frozenset[int],
    released: Rates,
) -> list[RankBlock]:
    """``computed_rank_rows`` as arrays (what a full recompute writes with ``rank_copy_payload``,
    no tuple made)."""
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
    blocks: list[RankBlock] = []
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
                got = group_ranks(
                    Figures(*[np.where(is_partner[None, :], s[window][:, cols], o[window][:, cols])
                              for s, o in zip(shown, live, strict=True)]),
                    Figures(*[g[window][:, cols] for g in live]),
                    n,
                )  # fmt: skip
                m_idx, a_idx = np.nonzero(got.ranked)
                blocks.append(
                    RankBlock(
                        indicator=ind,
                        group=group_id,
                        months=months[window],
                        area=np.asarray(order, dtype=np.int64)[a_idx],
                        month=m_idx,
                        position=got.position[m_idx, a_idx],
                        size=got.size[m_idx, a_idx],
                        average=got.average[m_idx, a_idx],
                    )
                )
    return blocks


# PostgreSQL's binary COPY of a rank row (``ranks.RANK_COLUMNS``: bigint, bigint, date, bigint,
# smallint, smallint, double precision or NULL, "computed"): every field's length, then its
# value, big-endian. All fixed width, so a block's rows are one numpy record array.
_FIELDS: list[tuple[str, str]] = [
    ("indicator", ">i8"), ("area", ">i8"), ("month", ">i4"), ("group", ">i8"),
    ("position", ">i2"), ("size", ">i2"), ("average", ">f8"), ("source", "S8"),
]  # fmt: skip
_PG_EPOCH = dt.date(2000, 1, 1).toordinal()


def _row_type(with_average: bool) -> np.dtype:
    fields: list[tuple[str, str]] = [("count", ">i2")]
    for name, kind in _FIELDS:
        fields.append((f"{name}_length", ">i4"))
        if name != "average" or with_average:
            fields.append((name, kind))
    return np.dtype(fields)


_WITH_AVERAGE, _NO_AVERAGE = _row_type(True), _row_type(False)


def rank_copy_payload(blocks: Sequence[RankBlock]) -> bytes:
    """The rows of ``blocks`` in PostgreSQL's binary COPY format (signature, rows, trailer)."""
    parts = [b"PGCOPY\n\xff\r\n\x00" + bytes(8)]  # signature, flags, no header extension
    for block in blocks:
        days = np.array([m.toordinal() - _PG_EPOCH for m in block.months], dtype=np.int64)
        has = ~np.isnan(block.average)
        for row_type, rows in ((_WITH_AVERAGE, has), (_NO_AVERAGE, ~has)):
            count = int(rows.sum())
            if not count:
                continue
            out = np.zeros(count, dtype=row_type)
            out["count"] = len(_FIELDS)
            for name, kind in _FIELDS:
                width = np.dtype(kind).itemsize
                out[f"{name}_length"] = (
                    width if name != "average" or row_type is _WITH_AVERAGE else -1
                )
            out["indicator"], out["group"], out["source"] = (
                block.indicator,
                block.group,
                b"computed",
            )
            out["area"] = block.area[rows]
            out["month"] = days[block.month[rows]]
            out["position"] = block.position[rows]
            out["size"] = block.size[rows]
            if row_type is _WITH_AVERAGE:
                out["average"] = block.average[rows]
            parts.append(out.tobytes())
    parts.append(b"\xff\xff")  # trailer: a field count of -1
    return b"".join(parts)


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
