"""Targets to date and Red/Amber/Green ratings (DESIGN.md, "RAG rules")."""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from indicators.engine.formatting import number, percent

RED, AMBER, GREEN = "R", "A", "G"
NAMES = {RED: "Red", AMBER: "Amber", GREEN: "Green", None: "None"}
DEFAULT_STRETCH = -5.0
DEFAULT_TOLERANCE = 10.0


@dataclass(frozen=True, slots=True)
class TargetSpec:
    kind: str  # reduce | percent_change | ceiling | minimum | range | monitoring
    value: float | None = None
    lower: float | None = None
    upper: float | None = None
    volume: int | None = None
    tolerance: float | None = None  # % for the amber band; default 10
    text: str = ""


@dataclass(frozen=True, slots=True)
class Rating:
    rag: str | None
    reason: str


def round_half_up(value: Fraction | int) -> int:
    """Halves round away from zero (21.5 → 22), not to even as ``round`` does."""
    value = Fraction(value)
    half = Fraction(1, 2)
    return math.floor(value + half) if value >= 0 else -math.floor(-value + half)


def target_to_date(annual: float | int | Decimal, months_elapsed: int) -> int:
    """round-half-up(annual × k / 12), k = months elapsed: 257 → 21, 43, 64, … 236, 257."""
    if not 1 <= months_elapsed <= 12:
        raise ValueError("months elapsed in a financial year run from 1 (April) to 12 (March)")
    exact = Fraction(Decimal(str(annual))) * months_elapsed / 12
    return round_half_up(exact)


def rate_change(
    change_pct: float | None,
    target: TargetSpec,
    *,
    basis: str,
    decimals: int,
    higher_is_better: bool = False,
) -> Rating:
    """Change on last year against a stretch (default −5%; +5% where higher is better).

    Green at or beyond the stretch, amber between it and no change, red on the wrong side of 0.
    """
    if change_pct is None:
        return Rating(None, f"No {basis} comparison with last year: not rated")
    stretch = stretch_of(target, higher_is_better=higher_is_better)
    sign = -1 if higher_is_better else 1  # compare as if lower were better
    if sign * change_pct <= sign * stretch:
        rag = GREEN
    elif sign * change_pct <= 0:
        rag = AMBER
    else:
        rag = RED
    reason = (
        f"{basis} {percent(change_pct, decimals, signed=True)} on last year against a target of "
        f"{change_target_words(stretch, higher_is_better=higher_is_better)}: {NAMES[rag]}"
    )
    return Rating(rag, reason)


def stretch_of(target: TargetSpec, *, higher_is_better: bool) -> float:
    """The change on last year a change target asks for (the stated one, else ±5%)."""
    if target.value is not None:
        return target.value
    return -DEFAULT_STRETCH if higher_is_better else DEFAULT_STRETCH


def plain_percent(value: float) -> str:
    """A target's own percentage as it is written: 5 → '5%', 7.5 → '7.5%', 25.2 → '25.2%'."""
    value = round(value, 6)
    return percent(value, 0 if float(value).is_integer() else 1)


@functools.lru_cache(maxsize=256)
def change_target_words(stretch: float, *, higher_is_better: bool) -> str:
    """What a change target asks for, in words: −5 → '5% or more below last year'."""
    if stretch == 0:
        return "no worse than last year" if higher_is_better else "at or below last year"
    side = "above" if stretch > 0 else "below"
    good_side = (stretch > 0) == higher_is_better
    size = plain_percent(abs(stretch))
    return (
        f"{size} or more {side} last year" if good_side else f"no more than {size} {side} last year"
    )


def rate_ceiling(ytd: float | None, to_date: int | None, target: TargetSpec) -> Rating:
    if ytd is None or to_date is None:
        return Rating(None, "Year to date incomplete: not rated")
    tolerance = target.tolerance if target.tolerance is not None else DEFAULT_TOLERANCE
    if ytd <= to_date:
        rag = GREEN
    elif ytd <= to_date * (1 + tolerance / 100):
        rag = AMBER
    else:
        rag = RED
    return Rating(
        rag, f"YTD {number(ytd)} against a target to date of {number(to_date)}: {NAMES[rag]}"
    )


def rate_minimum(
    value: float | None,
    target: TargetSpec,
    *,
    what: str,
    decimals: int,
    volume: float | None = None,
    volume_to_date: int | None = None,
) -> Rating:
    if value is None or target.value is None:
        return Rating(None, f"{what} not available: not rated")
    tolerance = target.tolerance if target.tolerance is not None else DEFAULT_TOLERANCE
    if value >= target.value:
        rag = GREEN
    elif value >= target.value * (1 - tolerance / 100):
        rag = AMBER
    else:
        rag = RED
    reason = f"{what} {percent(value, decimals)} against a minimum of {plain_percent(target.value)}"
    if volume is not None and volume_to_date is not None:
        # The volume target to date must be met as well: the rating is the worse of the two.
        if volume >= volume_to_date:
            volume_rag = GREEN
        elif volume >= volume_to_date * (1 - tolerance / 100):
            volume_rag = AMBER
        else:
            volume_rag = RED
        order = {GREEN: 0, AMBER: 1, RED: 2}
        rag = max(rag, volume_rag, key=order.__getitem__)
        reason += f" and {number(volume)} against a volume to date of {number(volume_to_date)}"
    return Rating(rag, f"{reason}: {NAMES[rag]}")


def rate_range(value: float | None, target: TargetSpec, *, what: str, decimals: int) -> Rating:
    if value is None or target.lower is None or target.upper is None:
        return Rating(None, f"{what} not available: not rated")
    tolerance = target.tolerance if target.tolerance is not None else DEFAULT_TOLERANCE
    low, high = target.lower, target.upper
    if low <= value <= high:
        rag = GREEN
    elif low * (1 - tolerance / 100) <= value <= high * (1 + tolerance / 100):
        rag = AMBER
    else:
        rag = RED
    return Rating(
        rag,
        f"{what} {percent(value, decimals)} against a range of {plain_percent(low)} to "
        f"{plain_percent(high)}: {NAMES[rag]}",
    )
