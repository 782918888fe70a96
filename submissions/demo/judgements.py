"""The seed's own judgements: ratings its coordinator gave that no rule derives.

A page whose printed rating is a judgement carries ``rag_judgement``, the sentence of the page it
rests on. The loader offers it as a coordinator's override, under the rule every override meets
(``rating_override_refusal``): accepted, the pack shows the 2016 rating with the quote and the
computed rating beside it; refused (a Green with no figures), the submission is rated as not
rated with a note saying what the 2016 pack printed and why it does not stand, and the refusal
is in the submission's history.
"""

from __future__ import annotations

from typing import Any

from csp.models import Partnership, Role, RoleKind
from csp.users import stamp_change
from submissions.cycle.ratings import RATING_WORDS, rating_override_refusal
from submissions.demo.common import Loader
from submissions.models import ReportingRound, RoundStatus, Submission


def judgements_load(loader: Loader, partnership: Partnership, pages: list[dict[str, Any]]) -> None:
    """Offer each page's judgement as an override in the published rounds not yet frozen
    (once: an override already there, or a round with a version, is left as it is)."""
    coordinator = Role.objects.filter(partnership=partnership, kind=RoleKind.COORDINATOR).first()
    rounds = ReportingRound.objects.filter(
        partnership=partnership, status=RoundStatus.PUBLISHED, versions__isnull=True
    ).select_related("partnership")
    for round_ in rounds:
        for page in pages:
            quote = (page.get("rag_judgement") or "").strip()
            rag = page.get("rag_printed")
            if not quote or rag not in ("R", "A", "G"):
                continue
            sub = Submission.objects.select_related("round__partnership", "indicator").get(
                round=round_, indicator__code=page["code"]
            )
            if sub.rag_override:
                loader.report.unchanged["judgements"] += 1
                continue
            refusal = rating_override_refusal(sub, rag)
            if refusal is None:
                sub.rag_override, sub.rag_override_justification = rag, quote
                reason = f"rating overridden to {rag}: {quote} (the December 2016 pack's rating)"
            else:
                sub.rag_override = "None"
                sub.rag_override_justification = (
                    f"The 2016 pack rated this {RATING_WORDS[rag]}, but there are no figures: "
                    "not rated."
                )
                reason = f"override to {rag} refused: {refusal}"
            stamp_change(sub, coordinator.user if coordinator else None, reason)
            sub.save(update_fields=["rag_override", "rag_override_justification", "updated_at"])
            loader.report.created["judgements"] += 1
