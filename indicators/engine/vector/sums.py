"""Year to date, rolling 12 months and the changes on last year, for every series at once.

The same arithmetic as ``engine.sums.PrefixSums`` and ``engine.series.change``, in the same
order of operations (sequential prefix sums, then differences), so the figures are the same to
the last bit.
"""

from __future__ import annotations

import numpy as np

from indicators.engine.vector.grid import Grid


def prefix(grid: Grid) -> tuple[np.ndarray, np.ndarray]:
    """Running totals (from 0.0, as ``itertools.accumulate``) and running counts of bad months."""
    rows, width = grid.shape
    total = np.zeros((rows, width + 1))
    np.cumsum(grid.amount, axis=1, out=total[:, 1:])
    bad = np.zeros((rows, width + 1), dtype=np.int64)
    np.cumsum(~grid.ok, axis=1, out=bad[:, 1:])
    return total, bad


def window(total: np.ndarray, bad: np.ndarray, first: np.ndarray, last: np.ndarray) -> np.ndarray:
    """Per column t, the sum over columns first[t]..last[t] (NaN if any month cannot be summed).

    ``first`` and ``last`` are column offsets per month (one row, broadcast over the series)."""
    lo = np.clip(first, 0, None)
    hi = last + 1
    sums: np.ndarray = total[:, hi] - total[:, lo]
    broken = (bad[:, hi] - bad[:, lo]) != 0
    broken |= (first < 0)[None, :]
    sums[broken] = np.nan
    return sums


def change(current: np.ndarray, previous: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(absolute, %) as ``series.change``: NaN where either is missing; % NaN on a zero base and
    0 when equal."""
    absolute = current - previous
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = absolute / previous * 100
    pct[previous == 0] = np.nan
    pct[absolute == 0] = 0.0
    pct[np.isnan(absolute)] = np.nan
    return absolute, pct


def months_into_fy(base: int, width: int) -> np.ndarray:
    """Months since April for each column (April = 0)."""
    into: np.ndarray = (np.arange(base, base + width) % 12 - 3) % 12
    return into


def period_sums(grid: Grid) -> dict[str, np.ndarray]:
    """ytd, ytd_previous, r12, r12_previous and their changes, per series and month."""
    total, bad = prefix(grid)
    width = grid.shape[1]
    t = np.arange(width)
    into = months_into_fy(grid.base, width)
    out: dict[str, np.ndarray] = {}
    out["ytd"] = window(total, bad, t - into, t)
    out["ytd_previous"] = window(total, bad, t - 12 - into, t - 12)
    out["r12"] = window(total, bad, t - 11, t)
    out["r12_previous"] = window(total, bad, t - 23, t - 12)
    out["ytd_change_abs"], out["ytd_change_pct"] = change(out["ytd"], out["ytd_previous"])
    out["r12_change_abs"], out["r12_change_pct"] = change(out["r12"], out["r12_previous"])
    return out


def last_year(values: np.ndarray) -> np.ndarray:
    """Each column's value twelve columns before (NaN for the first twelve)."""
    out = np.full(values.shape, np.nan)
    out[:, 12:] = values[:, :-12]
    return out


def rate(amount: np.ndarray, den: np.ndarray, per_n: int | None) -> np.ndarray:
    """amount / denominator × per N, NaN without a denominator (or a zero one)."""
    if not per_n:
        return np.full(amount.shape, np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        out: np.ndarray = amount / den * per_n
    out[den == 0] = np.nan
    return out
