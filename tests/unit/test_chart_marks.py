"""The y-axis range of the PDF's charts: from zero unless zero flattens the variation."""

from __future__ import annotations

import pytest

from submissions.packs.chart_marks import axis_range


def test_a_count_that_varies_little_is_not_drawn_from_zero() -> None:
    # TNO 2016/17 months 1,383 to 1,639: spread 256 < 1,639 / 2, so the axis starts near the
    # data: 1,383 - 25.6 = 1,357.4 to 1,639 + 25.6 = 1,664.6.
    lo, hi = axis_range([1383, 1639, 1532])
    assert (lo, hi) == pytest.approx((1357.4, 1664.6))


def test_figures_near_zero_or_spread_widely_start_at_zero() -> None:
    # Vehicle arson 5 to 12: spread 7 >= 12 / 2, so from 0 (a few incidents from zero).
    assert axis_range([6, 12, 5]) == (0.0, 12)
    assert axis_range([0, 3]) == (0.0, 3)
    assert axis_range([-2, 5]) == (-2, 5)  # a change below zero keeps its sign


def test_a_flat_line_still_has_a_height() -> None:
    # All 1,460 (last year's estimated January to March): padded by 5% of 1,460 = 73.
    assert axis_range([1460, 1460]) == pytest.approx((1387.0, 1533.0))
    assert axis_range([0, 0]) == (0.0, 1)
