"""The words the catalogue, the approved store and the engine share.

How an indicator is measured (``IndicatorKind``), how often, which way is better and on what
basis it is compared, what kind of target it has, and the status of a month's figure
(``ValueStatus``). The models' choices are built from these enums (same values, same labels), and
code outside the engine compares with their members, never with a literal. A member equals its
value (``IndicatorKind.RATIO == "ratio"``), so rows read from the database and the engine's own
constants (``measures.REPORTED`` …) compare equal to it.
"""

from __future__ import annotations

from enum import StrEnum


class Choice(StrEnum):
    """A value with the label forms, the admin and the pages show (Django's TextChoices without
    Django, so the engine may use it)."""

    label: str

    def __new__(cls, value: str, label: str = "") -> Choice:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        """``[(value, label), …]`` for a model field's ``choices``."""
        return [(m.value, m.label) for m in cls]


class IndicatorKind(Choice):
    COUNT = "count", "Count"
    CEILING = "ceiling", "Count with annual ceiling"
    RATIO = "ratio", "Ratio (numerator and denominator)"
    BREAKDOWN = "breakdown", "Breakdown (a count per category)"
    SNAPSHOT = "snapshot", "Snapshot (a level at month end)"
    ROLLING = "rolling", "Rolling figure (already a rolling total or cohort rate)"


# Kinds with a year to date, a rolling 12 months and a rate; kinds compared month on month.
COUNT_KINDS = frozenset({IndicatorKind.COUNT, IndicatorKind.CEILING})
LEVEL_KINDS = frozenset({IndicatorKind.SNAPSHOT, IndicatorKind.ROLLING})


class Frequency(Choice):
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly (figures due in Jun, Sep, Dec, Mar)"
    ANNUAL = "annual", "Annual"


class Polarity(Choice):
    DOWN = "down", "Lower is better"
    UP = "up", "Higher is better"
    NEUTRAL = "neutral", "Neither (monitoring)"


class ChangeBasis(Choice):
    YTD = "ytd", "Year to date"
    R12 = "r12", "Rolling 12 months"


class TargetKind(Choice):
    REDUCE = "reduce", "Reduce on last year (stretch)"
    PERCENT_CHANGE = "percent_change", "Stated % change on last year"
    CEILING = "ceiling", "Annual ceiling"
    MINIMUM = "minimum", "Minimum rate or volume"
    RANGE = "range", "Range"
    MONITORING = "monitoring", "Monitoring only"


class ValueStatus(Choice):
    """A stored month's status: a figure, or why there is none."""

    REPORTED = "reported", "Reported"
    SUPPRESSED = "suppressed", "Suppressed (below the disclosure threshold)"
    NOT_COLLECTED = "not_collected", "Not collected this month"
    NOT_AVAILABLE = "not_available", "Not available yet"


# A month with no approved figure at all: the engine's and the pack's word, never stored.
NOT_SUBMITTED = "not_submitted"
