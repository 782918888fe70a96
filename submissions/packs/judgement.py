"""A rating held by the coordinator's judgement, printed with the computed rating beside it.

The board reads what the coordinator decided and what the rules give, side by side: "Amber
(coordinator's judgement: '…'); computed: Not rated — Monitoring only: not rated". An override
to "None" (rated as not rated) is the coordinator's note, such as a 2016 rating refused for want
of figures.
"""

from __future__ import annotations

from submissions.packs.schema import Page

RATING_WORDS = {"R": "Red", "A": "Amber", "G": "Green", None: "Not rated"}


def override_text(page: Page) -> str:
    """The rating sentence of an overridden page, or "" when the rating is the computed one."""
    if not page.rag_override:
        return ""
    justification = (page.rag_override_justification or "").strip()
    held = RATING_WORDS.get(page.rag_effective, "Not rated")
    what = "note" if page.rag_effective is None else "judgement"
    computed = RATING_WORDS.get(page.rag, "Not rated")
    reason = f" — {page.rag_reason}" if page.rag_reason else ""
    return f"{held} (coordinator's {what}: ‘{justification}’); computed: {computed}{reason}"
