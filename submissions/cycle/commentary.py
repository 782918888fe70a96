"""A submission's commentary against its figures: the engine's draft offered beside the lead's
box, and what the figures contradict in the lead's words.

Both read the series as the recompute reads it (``indicators.services.series_inputs_load``),
with the entry's figures in place of the month's approved ones (exactly the rows approving it
would store); nothing is written. The check itself is the engine's
(``indicators.engine.commentary.check_texts``): the entry form, the API and the review panel
call ``commentary_findings`` here; the pack snapshot runs the same check over the approved
figures when it is built, and publishing asks for a confirming note while any stands.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from indicators.engine.commentary import Facts, Finding, check_texts, draft_overview
from submissions.cycle.validation import Entry, EntryStatus

if TYPE_CHECKING:
    from submissions.models import Submission

__all__ = [
    "WHERE_LABELS",
    "CommentaryReview",
    "Finding",
    "commentary_draft",
    "commentary_findings",
    "commentary_review",
    "commentary_review",
    "finding_texts",
]

# What each checked text is called on the pages ("In the actions: …").
WHERE_LABELS = {"overview": "performance overview", "actions": "actions"}


def _facts(submission: Submission, entry: Entry) -> Facts:
    from indicators.services import series_inputs_load
    from submissions.cycle.entry import entry_figures

    ind = submission.indicator
    area = submission.round.partnership.area
    month = submission.round.month
    entered = (
        entry.entry_status in {EntryStatus.NOT_COLLECTED, EntryStatus.NOT_AVAILABLE}
        or entry.categories
        or any(x is not None for x in (entry.value, entry.numerator, entry.decimal_value))
    )
    inputs = series_inputs_load(
        indicator_id=ind.id,
        area_id=area.id,
        replace={month: entry_figures(entry, ind.kind) if entered else []},
    )
    return Facts(
        area=area.name,
        unit=ind.unit or "",
        kind=ind.kind,
        decimals=ind.display_decimals,
        metrics=inputs.metrics([month])[0],
        per_n=ind.per_n,
        rate_unit=ind.denominator_series.rate_unit if ind.denominator_series is not None else "",
        frequency=ind.frequency,
    )


def _entry(submission: Submission, entry: Entry | None) -> Entry:
    from submissions.cycle.entry import entry_of

    return entry if entry is not None else entry_of(submission)


@dataclass(frozen=True)
class CommentaryReview:
    draft: str  # the engine's overview, offered beside the lead's box
    findings: list[Finding]  # what the figures contradict in the lead's overview and actions


def commentary_review(submission: Submission, entry: Entry | None = None) -> CommentaryReview:
    """The draft and the check of one entry (the saved entry's when ``entry`` is None), from
    one read of its series: what the entry form shows."""
    e = _entry(submission, entry)
    facts = _facts(submission, e)
    return CommentaryReview(draft=_draft(submission, facts), findings=_check(e, facts))


def commentary_draft(submission: Submission, entry: Entry | None = None) -> str:
    """The engine's draft overview for a submission's month, with the entered figure in place.

    Offered beside the lead's box ("Use this draft"), never saved as the lead's words unless
    the lead chooses it."""
    return _draft(submission, _facts(submission, _entry(submission, entry)))


def commentary_findings(submission: Submission, entry: Entry | None = None) -> list[Finding]:
    """What the figures contradict in the entry's overview and actions (the saved entry's when
    ``entry`` is None): figures quoted against the table, months named that are not the
    month's, and a rise or fall against the sign of the change. Warnings, never refusals."""
    e = _entry(submission, entry)
    if not (e.performance_overview.strip() or e.actions.strip()):
        return []
    return _check(e, _facts(submission, e))


def _draft(submission: Submission, facts: Facts) -> str:
    from indicators.models import DerivedRank

    ind, area = submission.indicator, submission.round.partnership.area
    ranks = [
        {"group": r.group.code, "position": r.position, "size": r.size}
        for r in DerivedRank.objects.filter(
            indicator=ind, area=area, month=submission.round.month
        ).select_related("group")
    ]
    return draft_overview(facts, ranks)


def _check(entry: Entry, facts: Facts) -> list[Finding]:
    return check_texts(facts, overview=entry.performance_overview, actions=entry.actions)


def finding_texts(findings: list[Finding]) -> list[str]:
    """Findings as the pages print them: "In the actions: refers to October 2016; the figures
    are for December 2016 (“… at October 2016.”)"."""
    return [
        f"In the {WHERE_LABELS.get(f.where, f.where)}: {f.message} (“{f.quote}”)" for f in findings
    ]
