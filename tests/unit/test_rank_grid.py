"""Rank rows on arrays (``rank_rows``) against the reference, one month and group at a time
(``rank_rows_reference``, through ``engine.ranks.field_ranks``), on random groups: ties,
members without a rate, partnerships seen as released (or not at all), supplied figures."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from indicators.models import SuppliedBenchmark
from indicators.recompute.compute import Rates
from indicators.recompute.ranks import Released, rank_rows, rank_rows_reference

MONTHS = [dt.date(2016, m, 1) for m in (4, 5, 6)]
AREAS = list(range(1, 10))
# Few distinct rates, so ties are common; R12 totals that are not whole, so the order of the
# average's sum matters (1e16 + 1 + 1 is not 1 + 1 + 1e16); denominators of 0 and none, which
# leave a member out of the average.
figures = st.tuples(
    st.sampled_from([1.0, 2.0, 2.0, 3.5]),
    st.sampled_from([None, 0.1, 0.2, 0.7, 1.0, 1e16, 5]),
    st.sampled_from([None, 0, 3, 1000]),
)


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[object, ...]:
    members: dict[int, list[int]] = {}
    for group_id in range(1, draw(st.integers(1, 3)) + 1):
        # Groups overlap; a member's order is the group's, not the areas' ids.
        members[group_id] = draw(st.lists(st.sampled_from(AREAS), max_size=7, unique=True))
    partners = frozenset(draw(st.sets(st.sampled_from(AREAS))))
    rates: Rates = defaultdict(dict)
    released: Rates = defaultdict(dict)
    for ind in (1, 2, 3):
        for month in draw(st.lists(st.sampled_from(MONTHS), unique=True)):
            for area in draw(st.lists(st.sampled_from(AREAS), unique=True)):
                rates[(ind, month)][area] = draw(figures)
            for area in draw(st.lists(st.sampled_from(sorted(partners) or [0]), unique=True)):
                live = rates[(ind, month)].get(area)
                # Mostly released as it stands (a published month), sometimes otherwise.
                shown = draw(st.one_of(st.just(live), figures) if live else figures)
                released[(ind, month)][area] = shown  # type: ignore[assignment]
    supplied = {}
    for _ in range(draw(st.integers(0, 6))):
        ind, month = draw(st.sampled_from([1, 2, 3])), draw(st.sampled_from(MONTHS))
        group_id, area = draw(st.sampled_from([1, 2, 3])), draw(st.sampled_from(AREAS))
        average = draw(st.sampled_from([None, Decimal("12.5")]))
        supplied[(ind, month, group_id, area)] = SuppliedBenchmark(
            indicator_id=ind, area_id=area, group_id=group_id, month=month,
            position=draw(st.integers(1, 5)), size=5, average=average,
        )  # fmt: skip
    per_n = {1: 1000, 2: 100_000, 3: draw(st.sampled_from([None, 0, 10]))}
    return rates, members, supplied, per_n, Released(partners, released)


def keyed(rows: list[tuple[object, ...]]) -> dict[tuple[object, ...], tuple[object, ...]]:
    out = {row[:4]: row for row in rows}
    assert len(out) == len(rows)
    return out


@settings(max_examples=400, deadline=None)
@given(scenario=scenarios())
def test_rank_rows_match_the_reference(scenario: tuple) -> None:  # type: ignore[type-arg]
    expected = keyed(rank_rows_reference(*scenario))
    got = keyed(rank_rows(*scenario))
    assert got == expected
    for key, row in got.items():  # the same types as the reference's (what COPY writes)
        assert [type(v) for v in row] == [type(v) for v in expected[key]]


def test_ties_share_the_lowest_position_and_partnerships_rank_as_released() -> None:
    # Rates 1, 2, 2, 3 rank 1, 2, 2, 4 (DESIGN.md). Area 4 is a partnership whose live rate is
    # 3 but released 0.5: the others rank it first; it ranks itself on its own rate, 4th.
    may = dt.date(2016, 5, 1)
    rates: Rates = defaultdict(dict)
    for area, rate in {1: 1.0, 2: 2.0, 3: 2.0, 4: 3.0}.items():
        rates[(1, may)][area] = (rate, rate, 1000)
    released: Rates = defaultdict(dict)
    released[(1, may)][4] = (0.5, 0.5, 1000)
    rows = keyed(
        rank_rows(rates, {9: [1, 2, 3, 4]}, {}, {1: 1000}, Released(frozenset({4}), released))
    )
    positions = {key[1]: (row[4], row[5]) for key, row in rows.items()}
    assert positions == {1: (2, 4), 2: (3, 4), 3: (3, 4), 4: (4, 4)}


def test_the_average_sums_comparators_first_then_partnerships() -> None:
    # As the reference sums a field: the comparators' totals (areas 1 and 2: 1 + 1 = 2), then
    # the partnership's (area 4: 1e16), 1e16 + 2 exactly; from area 4 first, each 1 would be
    # lost in rounding (1e16 + 1 rounds to 1e16).
    may = dt.date(2016, 5, 1)
    rates: Rates = defaultdict(dict)
    rates[(1, may)] = {4: (3.0, 1e16, 1000), 1: (1.0, 1.0, 1000), 2: (2.0, 1.0, 1000)}
    released: Rates = defaultdict(dict)
    released[(1, may)][4] = (3.0, 1e16, 1000)
    rows = rank_rows(rates, {9: [4, 1, 2]}, {}, {1: 1000}, Released(frozenset({4}), released))
    assert {row[6] for row in rows} == {(1e16 + 2) / 3000 * 1000}
    assert (1e16 + 2) / 3000 * 1000 != 1e16 / 3000 * 1000
