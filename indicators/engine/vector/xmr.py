"""XmR limits and the four rules' "as of" flags for every series at once (``engine.spc``).

Each series' points (its months with a value on the chart, oldest first) are packed to the left
of a (series, points) array; limits come from the first ``baseline`` points with the same
sequential sums as ``spc.compute_limits``; a point's flags use only it and the points before.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from indicators.engine import spc


@dataclass(frozen=True, slots=True)
class XmR:
    has_limits: np.ndarray  # bool (series,)
    mean: np.ndarray
    mr_bar: np.ndarray
    upper: np.ndarray
    lower: np.ndarray
    upper_near: np.ndarray
    lower_near: np.ndarray
    point: np.ndarray  # int (series, months): the month's point index, -1 for no point
    high: np.ndarray  # bool (series, months): flagged high as of that point
    low: np.ndarray


def run_lengths(flags: np.ndarray) -> np.ndarray:
    """Per position, how many consecutive True end there (0 where False)."""
    idx = np.arange(flags.shape[1])
    last_false = np.where(flags, -1, idx)
    np.maximum.accumulate(last_false, axis=1, out=last_false)
    return np.where(flags, idx - last_false, 0)


def xmr(values: np.ndarray, *, baseline: int, shift_run: int, trend_run: int) -> XmR:
    """Limits and as-of flags from ``values`` (series, months), NaN where a month is no point."""
    rows, width = values.shape
    if width <= baseline:  # room for the baseline and one point more
        values = np.hstack([values, np.full((rows, baseline + 1 - width), np.nan)])
    is_point = ~np.isnan(values)
    counts = is_point.sum(axis=1)
    order = np.argsort(~is_point, axis=1, kind="stable")
    xs = np.take_along_axis(values, order, axis=1)  # points first, NaN after
    has = counts > baseline
    base = xs[:, :baseline]
    mean = np.cumsum(base, axis=1)[:, -1] / baseline
    mr_bar = np.cumsum(np.abs(np.diff(base, axis=1)), axis=1)[:, -1] / (baseline - 1)
    upper = mean + spc.PROCESS * mr_bar
    lower = mean - spc.PROCESS * mr_bar
    upper_near = mean + spc.NEAR * mr_bar
    lower_near = mean - spc.NEAR * mr_bar
    col = (slice(None), None)
    with np.errstate(invalid="ignore"):
        high = xs > upper[col]
        low = xs < lower[col]
        high |= run_lengths(xs > mean[col]) >= shift_run
        low |= run_lengths(xs < mean[col]) >= shift_run
        rising = np.zeros(xs.shape, dtype=bool)
        falling = np.zeros(xs.shape, dtype=bool)
        rising[:, 1:] = xs[:, 1:] > xs[:, :-1]
        falling[:, 1:] = xs[:, 1:] < xs[:, :-1]
        high |= run_lengths(rising) + 1 >= trend_run
        low |= run_lengths(falling) + 1 >= trend_run
        for beyond, flag in ((xs > upper_near[col], high), (xs < lower_near[col], low)):
            before = np.zeros(xs.shape, dtype=bool)
            before[:, 1:] = beyond[:, :-1]
            before[:, 2:] |= beyond[:, :-2]
            flag |= beyond & before
    point = np.where(is_point, np.cumsum(is_point, axis=1) - 1, -1)[:, :width]
    is_point = is_point[:, :width]
    safe = np.clip(point, 0, None)
    return XmR(
        has_limits=has,
        mean=mean,
        mr_bar=mr_bar,
        upper=upper,
        lower=lower,
        upper_near=upper_near,
        lower_near=lower_near,
        point=point,
        high=np.take_along_axis(high, safe, axis=1) & is_point,
        low=np.take_along_axis(low, safe, axis=1) & is_point,
    )
