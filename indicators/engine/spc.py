"""Statistical process control: XmR charts as NHS England's "Making Data Count" draws them.

Limits come from a fixed baseline (the first ``baseline`` points) and are shown only once there
are more points than the baseline. Four rules flag special cause: a point beyond a process limit;
a shift of ``shift_run`` points on one side of the mean (a point on the mean breaks it); a trend
of ``trend_run`` points each strictly above (or below) the one before; two of three consecutive
points beyond the same near-limit line (points beyond the process limit count).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

PROCESS = 2.66
NEAR = 1.773

COMMON = "common_cause"
IMPROVING = "special_cause_improving"
CONCERNING = "special_cause_concerning"
NEUTRAL_HIGH = "special_cause_neutral_high"
NEUTRAL_LOW = "special_cause_neutral_low"

ASSURE_PASS = "consistently_passing"
ASSURE_FAIL = "consistently_failing"
ASSURE_HIT_MISS = "hit_and_miss"
ASSURE_NONE = "none"
# A target to assure against, but too few points yet for process limits.
ASSURE_TOO_FEW = "too_few_points"
# A target, but no figure for it on the chart's scale this month (no figure from last year to
# move by the stretch, or a change in a count where the chart plots a share).
ASSURE_OFF_SCALE = "target_off_chart"


@dataclass(frozen=True, slots=True)
class Limits:
    mean: float
    mr_bar: float
    upper: float
    lower: float
    upper_near: float
    lower_near: float
    baseline: int


@dataclass(frozen=True, slots=True)
class PointSignal:
    """The sides a point is flagged on, and the rules that flag it."""

    high: bool = False
    low: bool = False
    rules: tuple[str, ...] = ()

    @property
    def special(self) -> bool:
        return self.high or self.low


NO_SIGNAL = PointSignal()


def compute_limits(values: Sequence[float], baseline: int = 12) -> Limits | None:
    """Limits from the first ``baseline`` points; None until there are more points than that."""
    if baseline < 2:
        raise ValueError("an XmR baseline needs at least 2 points")
    if len(values) <= baseline:
        return None
    base = values[:baseline]
    mean = sum(base) / baseline
    mr_bar = sum(abs(base[i] - base[i - 1]) for i in range(1, baseline)) / (baseline - 1)
    return Limits(
        mean=mean,
        mr_bar=mr_bar,
        upper=mean + PROCESS * mr_bar,
        lower=mean - PROCESS * mr_bar,
        upper_near=mean + NEAR * mr_bar,
        lower_near=mean - NEAR * mr_bar,
        baseline=baseline,
    )


def signals(
    values: Sequence[float], limits: Limits, *, shift_run: int = 7, trend_run: int = 7
) -> tuple[list[PointSignal], list[PointSignal]]:
    """Per point: (flags known when that point arrived, flags once the whole series is seen).

    "As of" flags use only the point and those before it, so a month's stored icon never changes
    because later months arrived. "Whole series" flags mark every point of a qualifying run, for
    charts.
    """
    n = len(values)
    high_now = [False] * n
    low_now = [False] * n
    rules_now: list[set[str]] = [set() for _ in range(n)]
    high_all = [False] * n
    low_all = [False] * n
    rules_all: list[set[str]] = [set() for _ in range(n)]

    def mark(i: int, side_high: bool, rule: str, now: bool) -> None:
        if side_high:
            high_all[i] = True
        else:
            low_all[i] = True
        rules_all[i].add(rule)
        if now:
            if side_high:
                high_now[i] = True
            else:
                low_now[i] = True
            rules_now[i].add(rule)

    above_run = below_run = 0
    up_run = down_run = 1
    for i, x in enumerate(values):
        # 1. Beyond a process limit.
        if x > limits.upper:
            mark(i, True, "beyond_limit", True)
        elif x < limits.lower:
            mark(i, False, "beyond_limit", True)

        # 2. Shift: consecutive points on one side of the mean.
        if x > limits.mean:
            above_run, below_run = above_run + 1, 0
        elif x < limits.mean:
            above_run, below_run = 0, below_run + 1
        else:
            above_run = below_run = 0
        for run, side in ((above_run, True), (below_run, False)):
            if run >= shift_run:
                mark(i, side, "shift", True)
                if run == shift_run:
                    for j in range(i - shift_run + 1, i):
                        mark(j, side, "shift", False)

        # 3. Trend: each point strictly above (below) the one before.
        if i > 0:
            if x > values[i - 1]:
                up_run, down_run = up_run + 1, 1
            elif x < values[i - 1]:
                up_run, down_run = 1, down_run + 1
            else:
                up_run = down_run = 1
        for run, side in ((up_run, True), (down_run, False)):
            if run >= trend_run:
                mark(i, side, "trend", True)
                if run == trend_run:
                    for j in range(i - trend_run + 1, i):
                        mark(j, side, "trend", False)

        # 4. Two of three consecutive points beyond the same near-limit line.
        window = range(max(0, i - 2), i + 1)
        for side in (True, False):
            beyond = [
                j
                for j in window
                if (values[j] > limits.upper_near if side else values[j] < limits.lower_near)
            ]
            if len(beyond) >= 2 and len(window) >= 2:
                for j in beyond:
                    mark(j, side, "two_of_three", j == i)

    as_of = [PointSignal(high_now[i], low_now[i], tuple(sorted(rules_now[i]))) for i in range(n)]
    whole = [PointSignal(high_all[i], low_all[i], tuple(sorted(rules_all[i]))) for i in range(n)]
    return as_of, whole


def signal_meaning(signal: PointSignal, polarity: str) -> str | None:
    """'improving', 'concerning', 'neutral' or None; where both apply, improving wins."""
    if not signal.special:
        return None
    if polarity == "neutral":
        return "neutral"
    good_high = polarity == "up"
    improving = (signal.high and good_high) or (signal.low and not good_high)
    return "improving" if improving else "concerning"


def variation_icon(signal: PointSignal, polarity: str, value: float, limits: Limits) -> str:
    meaning = signal_meaning(signal, polarity)
    if meaning is None:
        return COMMON
    if meaning == "improving":
        return IMPROVING
    if meaning == "concerning":
        return CONCERNING
    return NEUTRAL_HIGH if value > limits.mean else NEUTRAL_LOW


def assurance_icon(
    limits: Limits | None,
    polarity: str,
    *,
    target: float | None = None,
    lower: float | None = None,
    upper: float | None = None,
) -> str:
    """Where a target lies against the process limits.

    A single target with polarity "down" is a ceiling, with "up" a minimum; ``lower``/``upper``
    give a range.
    """
    if limits is None:
        return ASSURE_NONE
    if lower is not None and upper is not None:
        if limits.lower >= lower and limits.upper <= upper:
            return ASSURE_PASS
        if limits.upper < lower or limits.lower > upper:
            return ASSURE_FAIL
        return ASSURE_HIT_MISS
    if target is None or polarity == "neutral":
        return ASSURE_NONE
    if polarity == "down":
        if limits.upper < target:
            return ASSURE_PASS
        if limits.lower > target:
            return ASSURE_FAIL
        return ASSURE_HIT_MISS
    if limits.lower > target:
        return ASSURE_PASS
    if limits.upper < target:
        return ASSURE_FAIL
    return ASSURE_HIT_MISS
