"""The series of one indicator laid on one grid of months: a row per series, a column per month.

``Grid`` holds what the vectorised measures read: each month's figure (NaN for none), whether it
can enter a sum (YTD, R12), and the denominator in force (0 for none). The grid starts 24 months
before the earliest first month, so every window the measures look back over lies on it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from indicators.engine.periods import month_index
from indicators.engine.series import Obs, SeriesSpec
from indicators.engine.sums import figure, no_figure_due

# Months before a series' first figure that a measure reads (the previous rolling 12 months).
LOOK_BACK = 24


@dataclass(frozen=True, slots=True)
class Grid:
    base: int  # month_index of column 0
    first: np.ndarray  # column of each series' first month
    last: np.ndarray  # column of each series' last month
    fig: np.ndarray  # float64 (series, months): the month's figure, NaN for none
    ok: np.ndarray  # bool: the month can enter a sum
    amount: np.ndarray  # float64: what it adds (0 where it cannot)
    den: np.ndarray  # int64: the denominator in force, 0 for none
    status: np.ndarray  # object: the month's status (None where no row: not submitted)
    value: np.ndarray  # object: the month's figure as the scalar engine reads it (int or float)

    @property
    def shape(self) -> tuple[int, int]:
        rows, width = self.fig.shape
        return rows, width


def grid_build(
    spec: SeriesSpec,
    values: Sequence[Mapping[dt.date, Obs]],
    denominators: Sequence[Sequence[tuple[dt.date, int]]],
) -> Grid:
    """Lay the series (each with at least one month) on one grid of months."""
    firsts = [month_index(min(v)) for v in values]
    lasts = [month_index(max(v)) for v in values]
    base = min(firsts) - LOOK_BACK
    width = max(lasts) - base + 1
    rows = len(values)
    fig = np.full((rows, width), np.nan)
    ok = np.zeros((rows, width), dtype=bool)
    amount = np.zeros((rows, width))
    den = np.zeros((rows, width), dtype=np.int64)
    status = np.full((rows, width), None, dtype=object)
    figures = np.full((rows, width), None, dtype=object)
    for s, series in enumerate(values):
        fig_row, ok_row, amount_row = fig[s], ok[s], amount[s]
        status_row, value_row = status[s], figures[s]
        for m, obs in series.items():
            i = month_index(m) - base
            status_row[i] = obs.status
            value = figure(spec, obs)
            if value is not None:
                fig_row[i] = value
                value_row[i] = value
            # counts_in_sum, on the figure already read
            if no_figure_due(spec, obs, m):
                ok_row[i] = True
            elif value is not None:
                ok_row[i] = True
                amount_row[i] = value
        for start, value in denominators[s]:  # sorted by start: a later one replaces
            i = month_index(start) - base + (1 if start.day > 1 else 0)
            den[s, max(i, 0) :] = value or 0
    return Grid(
        base=base,
        first=np.array(firsts, dtype=np.int64) - base,
        last=np.array(lasts, dtype=np.int64) - base,
        fig=fig,
        ok=ok,
        amount=amount,
        den=den,
        status=status,
        value=figures,
    )
