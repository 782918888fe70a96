"""The rule an override of a rating must meet: a Red, Amber or Green needs a figure to judge.

A coordinator may rate an indicator by judgement where no rule derives one (a monitoring
indicator, a target the page leaves blank), but never where there is nothing to judge: an
override to Red, Amber or Green needs a figure for the month, or, for an indicator whose figures
arrive late, the latest figure of the twelve months up to it (the one the pack shows). "None"
(rated as not rated) needs none. ``submission_override_rag`` and the demo loader both ask
``rating_override_refusal``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from indicators.engine.formatting import month_label
from indicators.services import latest_figure_month
from submissions.cycle.validation import EntryStatus

if TYPE_CHECKING:
    from submissions.models import Submission

RATING_WORDS = {"R": "Red", "A": "Amber", "G": "Green", "None": "Not rated"}


def _entered_figure(sub: Submission) -> bool:
    """The submission itself holds a figure (entered, not yet approved)."""
    if sub.entry_status not in ("", EntryStatus.REPORTED):
        return False
    return any(
        v not in (None, {}) for v in (sub.value, sub.numerator, sub.decimal_value, sub.categories)
    )


def rating_override_refusal(sub: Submission, rag: str) -> str | None:
    """Why ``sub`` may not be rated ``rag`` by judgement (a sentence for the coordinator), or
    None. Only the figures are checked here: who may override, and when, is ``allowed``'s."""
    if rag not in ("R", "A", "G") or _entered_figure(sub):
        return None
    month = sub.round.month
    if latest_figure_month(
        indicator_id=sub.indicator_id, area_id=sub.round.partnership.area_id, month=month
    ):
        return None
    return (
        f"A rating of {RATING_WORDS[rag]} needs a figure to judge, and {sub.indicator.title} has "
        f"no figure for {month_label(month)} nor in the twelve months before it: "
        "it stays not rated."
    )
