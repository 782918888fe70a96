"""Ranks in comparator groups: 1 = lowest rate, ties share the lowest position."""

from __future__ import annotations

from indicators.engine.ranks import (
    Rank,
    field_ranks,
    pooled_average,
    rank_positions,
    use_computed_ranks,
)


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


def test_a_member_is_ranked_among_what_it_may_see_of_the_others_and_its_own_figures() -> None:
    """``c`` is a comparator (public figures); ``p`` and ``q`` partnerships. ``p`` released 3.0
    and now holds 5.0; ``q`` released nothing and holds 1.0. Figures: (rate, R12, denominator)."""
    seen = {"c": (2.0, 20.0, 10_000), "p": (3.0, 30.0, 10_000)}
    own = {"p": (5.0, 50.0, 10_000), "q": (1.0, 10.0, 10_000)}
    ranks = field_ranks(["c", "p", "q"], seen, own, 1000)
    # c: among c 2.0 and p's released 3.0 -> 1 of 2; average (20 + 30) / 20,000 x 1,000 = 2.5
    assert ranks["c"] == (Rank(1, 2), 2.5)
    # p: c 2.0 and its own 5.0 -> 2 of 2; average (20 + 50) / 20,000 x 1,000 = 3.5
    assert ranks["p"] == (Rank(2, 2), 3.5)
    # q: c 2.0, p's released 3.0, its own 1.0 -> 1 of 3; average 60 / 30,000 x 1,000 = 2.0
    assert ranks["q"] == (Rank(1, 3), 2.0)


def test_a_member_without_its_own_figure_is_not_ranked_and_a_thin_field_gives_no_rank() -> None:
    seen = {"c": (2.0, 20.0, 10_000), "p": (3.0, 30.0, 10_000)}
    # p has no live rate now: not ranked, though the others still see what it released.
    assert set(field_ranks(["c", "p", "q"], seen, {"p": None}, 1000)) == {"c"}
    # q alone with c among five members: 2 of 5 is not most of the group.
    ranks = field_ranks(["c", "p", "q", "r", "s"], {"c": seen["c"]}, {"q": (1.0, 1.0, 1)}, 1000)
    assert ranks == {}
