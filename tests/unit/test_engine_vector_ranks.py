"""Vectorised group ranks against ``engine.ranks`` (the reference), on random groups."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from indicators.engine import ranks as rankmod
from indicators.engine.vector.ranks import Figures, group_ranks

NAN = float("nan")
# Few distinct rates, so ties are common; R12 totals that are not whole, so the order of the
# average's sum matters.
figure = st.one_of(
    st.none(),
    st.tuples(st.sampled_from([1.0, 2.0, 2.0, 3.5]), st.sampled_from([0.1, 0.2, 7.3, 1e6]),
              st.sampled_from([0, 3, 1000])),
)  # fmt: skip


def arrays(rows: list[list[tuple[float, float, int] | None]]) -> Figures:
    parts = [[[NAN if f is None else f[k] for f in row] for row in rows] for k in range(3)]
    return Figures(*(np.array(p, dtype=float) for p in parts))


def reference(
    field: dict[int, tuple[float, float, int]], members: int, who: int
) -> tuple[int, int, float | None] | None:
    """Member ``who``'s (position, size, average) in ``field`` (ordered as summed)."""
    if not rankmod.use_computed_ranks(members, len(field)):
        return None
    ranks = rankmod.rank_positions({k: v[0] for k, v in field.items()})
    average = rankmod.pooled_average(
        {k: v[1] for k, v in field.items()}, {k: v[2] for k, v in field.items()}, 1000
    )
    return ranks[who].position, ranks[who].size, average


@settings(max_examples=300, deadline=None)
@given(
    size=st.integers(1, 9),
    months=st.integers(1, 3),
    data=st.data(),
)
def test_group_ranks_match_the_scalar_ranks(size: int, months: int, data: st.DataObject) -> None:
    seen = [data.draw(st.lists(figure, min_size=size, max_size=size)) for _ in range(months)]
    # Some members see themselves otherwise than the others see them (own figures).
    own = [
        [data.draw(st.one_of(st.just(f), figure)) for f in row] for row in seen
    ]  # fmt: skip
    got = group_ranks(arrays(seen), arrays(own), 1000)
    for m in range(months):
        for i in range(size):
            mine = own[m][i]
            expected = None
            if mine is not None:
                field = {j: f for j, f in enumerate(seen[m]) if f is not None and j != i}
                if mine == seen[m][i]:
                    field = {j: f for j, f in enumerate(seen[m]) if f is not None}
                else:
                    field[i] = mine
                expected = reference(field, size, i)
            if expected is None:
                assert not got.ranked[m, i]
                continue
            assert got.ranked[m, i]
            average = got.average[m, i]
            assert (got.position[m, i], got.size[m, i]) == expected[:2]
            assert (None if np.isnan(average) else float(average)) == expected[2]


def test_ties_share_the_lowest_position() -> None:
    # Rates 1, 2, 2, 3 rank 1, 2, 2, 4 (DESIGN.md); average (1 + 2 + 2 + 3) / 4000 × 1,000.
    seen = arrays([[(1.0, 1.0, 1000), (2.0, 2.0, 1000), (2.0, 2.0, 1000), (3.0, 3.0, 1000)]])
    got = group_ranks(seen, seen, 1000)
    assert got.position[0].tolist() == [1, 2, 2, 4]
    assert got.size[0].tolist() == [4, 4, 4, 4]
    assert got.average[0].tolist() == [2.0] * 4
