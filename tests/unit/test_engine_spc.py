"""XmR limits and the four special-cause rules, each triggered and not triggered."""

from __future__ import annotations

import pytest

from indicators.engine import spc

BASE = [12, 10, 12, 10, 12, 10, 12, 10, 12, 10, 12, 10]  # mean 11, every moving range 2; ends below


def limits() -> spc.Limits:
    result = spc.compute_limits([*BASE, 11])
    assert result is not None
    return result


def test_limits_from_the_baseline_by_hand() -> None:
    lim = limits()
    assert lim.mean == 11
    assert lim.mr_bar == 2
    assert lim.upper == pytest.approx(11 + 2.66 * 2)  # 16.32
    assert lim.lower == pytest.approx(11 - 2.66 * 2)  # 5.68
    assert lim.upper_near == pytest.approx(11 + 1.773 * 2)  # 14.546


def test_no_limits_until_there_are_more_points_than_the_baseline() -> None:
    assert spc.compute_limits(BASE) is None
    assert spc.compute_limits([*BASE, 11]) is not None


def test_limits_are_held_fixed_whatever_comes_later() -> None:
    later = spc.compute_limits([*BASE, 100, 200, 300])
    assert later == spc.compute_limits([*BASE, 1])


def flags(values: list[float]) -> list[spc.PointSignal]:
    return spc.signals(values, limits())[0]


def test_a_point_beyond_a_process_limit() -> None:
    assert flags([*BASE, 16.4])[-1].rules == ("beyond_limit",)
    assert not flags([*BASE, 16.3])[-1].special
    assert flags([*BASE, 5.6])[-1].low


def test_a_shift_of_seven_points_on_one_side() -> None:
    assert flags([*BASE, *[11.5] * 7])[-1].rules == ("shift",)
    assert not flags([*BASE, *[11.5] * 6])[-1].special
    # A point on the mean breaks the run.
    assert not flags([*BASE, *[11.5] * 3, 11, *[11.5] * 3])[-1].special


def test_a_trend_of_seven_points_each_above_the_one_before() -> None:
    # Crosses the mean and stays inside the near-limits, so no other rule mixes in.
    rising = [8.0, 9.0, 10.0, 10.5, 11.5, 12.5, 13.0]
    assert flags([*BASE, *rising])[-1].rules == ("trend",)
    assert not flags([*BASE, *rising[:6]])[-1].special
    flat = [8.0, 9.0, 9.0, 10.5, 11.5, 12.5, 13.0]
    assert not flags([*BASE, *flat])[-1].special


def test_two_of_three_beyond_a_near_limit_line() -> None:
    assert flags([*BASE, 15, 11, 15])[-1].rules == ("two_of_three",)
    assert not flags([*BASE, 15, 11, 11, 15])[-1].special
    # On opposite sides they do not count together.
    assert not flags([*BASE, 15, 7.4])[-1].special


def test_whole_run_flags_mark_every_point_of_a_shift() -> None:
    now, whole = spc.signals([*BASE, *[11.5] * 7], limits())
    assert [p.special for p in now[12:]] == [False] * 6 + [True]
    assert all(p.special for p in whole[12:])


@pytest.mark.parametrize(
    ("polarity", "high", "expected"),
    [
        ("down", True, "concerning"),
        ("down", False, "improving"),
        ("up", True, "improving"),
        ("up", False, "concerning"),
        ("neutral", True, "neutral"),
    ],
)
def test_improving_or_concerning_by_polarity(polarity: str, high: bool, expected: str) -> None:
    assert spc.signal_meaning(spc.PointSignal(high=high, low=not high), polarity) == expected


def test_improving_wins_where_both_apply() -> None:
    both = spc.PointSignal(high=True, low=True)
    assert spc.signal_meaning(both, "down") == "improving"
    assert spc.signal_meaning(both, "up") == "improving"


def test_variation_icons() -> None:
    lim = limits()
    assert spc.variation_icon(spc.NO_SIGNAL, "down", 11, lim) == spc.COMMON
    assert spc.variation_icon(spc.PointSignal(high=True), "down", 17, lim) == spc.CONCERNING
    assert spc.variation_icon(spc.PointSignal(high=True), "neutral", 17, lim) == spc.NEUTRAL_HIGH
    assert spc.variation_icon(spc.PointSignal(low=True), "neutral", 5, lim) == spc.NEUTRAL_LOW


def test_assurance_from_the_target_against_the_limits() -> None:
    lim = limits()  # 5.68 .. 16.32
    assert spc.assurance_icon(lim, "down", target=20) == spc.ASSURE_PASS
    assert spc.assurance_icon(lim, "down", target=5) == spc.ASSURE_FAIL
    assert spc.assurance_icon(lim, "down", target=11) == spc.ASSURE_HIT_MISS
    assert spc.assurance_icon(lim, "up", target=5) == spc.ASSURE_PASS
    assert spc.assurance_icon(lim, "up", target=20) == spc.ASSURE_FAIL
    assert spc.assurance_icon(lim, "down") == spc.ASSURE_NONE
    assert spc.assurance_icon(None, "down", target=3) == spc.ASSURE_NONE
    assert spc.assurance_icon(lim, "up", lower=5, upper=17) == spc.ASSURE_PASS
    assert spc.assurance_icon(lim, "up", lower=20, upper=30) == spc.ASSURE_FAIL
