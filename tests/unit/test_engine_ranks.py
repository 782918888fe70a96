"""Ranks in comparator groups: 1 = lowest rate, ties share the lowest position."""

from __future__ import annotations

from indicators.engine.ranks import Rank, pooled_average, rank_positions, use_computed_ranks


def test_ties_share_the_lowest_position() -> None:
    ranks = rank_positions({"a": 1.0, "b": 2.0, "c": 2.0, "d": 3.0})
    assert [ranks[k].position for k in "abcd"] == [1, 2, 2, 4]
    assert ranks["a"] == Rank(1, 4)


def test_members_without_a_rate_are_left_out_of_the_count() -> None:
    ranks = rank_positions({"a": 5.0, "b": None, "c": 1.0})
    assert ranks == {"c": Rank(1, 2), "a": Rank(2, 2)}


def test_pooled_average_is_sum_of_totals_over_sum_of_denominators() -> None:
    # (100 + 300) / (10,000 + 20,000) x 1,000 = 13.33, not the mean of 10 and 15.
    average = pooled_average(
        {"a": 100, "b": 300, "c": None}, {"a": 10_000, "b": 20_000, "c": 5}, 1000
    )
    assert round(average, 2) == 13.33
    assert pooled_average({"a": None}, {"a": 1}, 1000) is None


def test_computed_ranks_need_most_of_the_group() -> None:
    assert use_computed_ranks(32, 32)
    assert use_computed_ranks(32, 17)
    assert not use_computed_ranks(32, 16)
    assert not use_computed_ranks(32, 1)
    assert not use_computed_ranks(1, 1)
