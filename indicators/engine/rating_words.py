"""The rule behind a rating, in the words a board member reads at a glance.

``rating_rule`` states, for one target, what is Green, Amber and Red, with the bands taken from
the target's own figures and tolerance (``rag.rate_*`` apply the same bands). ``RATING_KEY``,
``VARIATION_KEY`` and ``ASSURANCE_KEY`` are the keys printed on the summary and in the PDF.
"""

from __future__ import annotations

from indicators.engine import spc
from indicators.engine.formatting import number
from indicators.engine.rag import (
    DEFAULT_TOLERANCE,
    TargetSpec,
    change_target_words,
    plain_percent,
    stretch_of,
)
from indicators.engine.vocabulary import IndicatorKind, Polarity, TargetKind


def change_basis_words(kind: str, change_basis: str) -> str:
    """What a change target compares with last year (as ``rating.set_rag`` chooses it)."""
    if kind == IndicatorKind.SNAPSHOT:
        return "the month's figure"
    if kind == IndicatorKind.ROLLING or (change_basis == "r12" and kind != IndicatorKind.RATIO):
        return "rolling 12 months"
    return "year to date"


def _tolerance(target: TargetSpec) -> float:
    return target.tolerance if target.tolerance is not None else DEFAULT_TOLERANCE


def _figure(value: float, as_percent: bool) -> str:
    if as_percent:
        return plain_percent(value)
    value = round(value, 6)
    return number(value, 0 if float(value).is_integer() else 1)


def _change_rule(target: TargetSpec, *, kind: str, polarity: str, change_basis: str) -> str:
    higher = polarity == Polarity.UP
    stretch = stretch_of(target, higher_is_better=higher)
    basis = change_basis_words(kind, change_basis)
    better, worse = ("above", "below") if higher else ("below", "above")
    if target.kind == TargetKind.REDUCE:
        head = "Increase on last year's figures" if higher else "Reduction on last year's figures"
    elif stretch < 0:
        head = f"{plain_percent(-stretch)} decrease on last year"
    elif stretch > 0:
        head = f"{plain_percent(stretch)} increase on last year"
    else:
        head = "No change on last year"
    head += f" ({basis})"
    green = f"Green at {change_target_words(stretch, higher_is_better=higher)}"
    # Amber is better than (or level with) last year but short of the stretch; with a stretch
    # on the worse side of level there is no amber band.
    stretch_better = (stretch > 0) if higher else (stretch < 0)
    if stretch_better:
        size = plain_percent(abs(stretch))
        amber = f", Amber between {size} {better} and level"
        red = f", Red {worse} last year"
    else:
        amber = ""
        red = ", Red beyond that"
    return f"{head}: {green}{amber}{red}"


def rating_rule(
    target: TargetSpec | None,
    *,
    kind: str,
    polarity: str,
    change_basis: str,
    unit: str = "",
) -> str:
    """The rule behind the rating of one indicator against one target, in words.

    ``Reduction on last year's figures (year to date): Green at 5% or more below last year,
    Amber between 5% below and level, Red above last year``.
    """
    if target is None:
        return "No target for this year: not rated"
    tolerance = _tolerance(target)
    tol = plain_percent(tolerance)
    ratio = kind == IndicatorKind.RATIO
    if target.kind == TargetKind.MONITORING:
        return "Monitoring only: not rated"
    if target.kind in {TargetKind.REDUCE, TargetKind.PERCENT_CHANGE}:
        return _change_rule(target, kind=kind, polarity=polarity, change_basis=change_basis)
    if target.kind == TargetKind.CEILING:
        if target.value is None:
            return "Annual ceiling with no figure: not rated"
        most = number(target.value)
        return (
            f"No more than {most}{f' {unit}' if unit else ''} in the year, so a target to date of "
            f"{most} × months so far ÷ 12 (year to date): Green at or below the target to date, "
            f"Amber up to {tol} above it, Red more than {tol} above it"
        )
    if target.kind == TargetKind.MINIMUM:
        if target.value is None:
            return "Minimum with no figure: not rated"
        least = _figure(target.value, ratio)
        amber_from = _figure(target.value * (1 - tolerance / 100), ratio)
        what = "year-to-date rate" if ratio else "year to date"
        rule = (
            f"At least {least} ({what}): Green at {least} or more, Amber from {amber_from} "
            f"(within {tol} of the target), Red below {amber_from}"
        )
        if ratio and target.volume is not None:
            rule += (
                f"; and at least {number(target.volume)} successes in the year, so a volume to "
                f"date of {number(target.volume)} × months so far ÷ 12, rated the same way; the "
                "rating is the worse of the two"
            )
        return rule
    if target.kind == TargetKind.RANGE:
        if target.lower is None or target.upper is None:
            return "Range with no bounds: not rated"
        low, high = _figure(target.lower, ratio), _figure(target.upper, ratio)
        amber_low = _figure(target.lower * (1 - tolerance / 100), ratio)
        amber_high = _figure(target.upper * (1 + tolerance / 100), ratio)
        what = "year-to-date rate" if ratio else "the month's figure"
        return (
            f"Between {low} and {high} ({what}): Green inside the range, Amber within {tol} of "
            f"it ({amber_low} to {amber_high}), Red outside that"
        )
    return f"Unknown target kind {target.kind!r}: not rated"


RATING_KEY: tuple[tuple[str, str], ...] = (
    ("G", "The target is met, by the rule stated beside the rating."),
    (
        "A",
        "Short of the target but within its tolerance (for a change on last year: "
        "better than or level with last year, short of the stretch).",
    ),
    ("R", "Further from the target than its tolerance, or worse than last year."),
    (
        "None",
        "Monitoring only, no target, or no complete figures to rate (the reason is given).",
    ),
)

VARIATION_KEY: tuple[tuple[str, str], ...] = (
    (spc.COMMON, "Common cause: no significant change (grey)."),
    (spc.IMPROVING, "Special cause, improving: H higher or L lower, the good way (blue)."),
    (spc.CONCERNING, "Special cause, concerning: H higher or L lower, the bad way (orange)."),
    (spc.NEUTRAL_HIGH, "Special cause, neither good nor bad: higher (purple)."),
    (spc.NEUTRAL_LOW, "Special cause, neither good nor bad: lower (purple)."),
)

ASSURANCE_KEY: tuple[tuple[str, str], ...] = (
    (
        spc.ASSURE_PASS,
        "P: the process limits are all on the good side of the target: it will "
        "consistently be met (blue).",
    ),
    (
        spc.ASSURE_FAIL,
        "F: the process limits are all on the bad side of the target: it will "
        "consistently be missed without a change (orange).",
    ),
    (
        spc.ASSURE_HIT_MISS,
        "?: the target lies between the process limits: it will be hit "
        "and missed at random (grey).",
    ),
)
