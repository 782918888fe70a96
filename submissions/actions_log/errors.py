"""The action log's refusal."""

from __future__ import annotations

from submissions.cycle.errors import CycleError


class ActionError(CycleError):
    """A refused change to the action log, with a message for the person who tried it."""
