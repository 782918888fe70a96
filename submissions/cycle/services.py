"""Every change to the monthly cycle, one function per action: the face that pages, API, imports,
tasks and commands call.

Each action locks the round's row (and then the submission's), checks what
``submissions.cycle.allowed`` says (the permission from ``csp.permissions``, the states from
``submissions.cycle.workflow``: the answer the pages read too), writes the change with an audit
entry naming the user and the reason, and queues the recompute and any e-mail only once the
transaction commits.
The actions live by subject in ``actions`` (a submission), ``rounds`` and ``reminders``; publishing
a round's pack is ``submissions.packs.publish.round_publish``.
"""

from __future__ import annotations

from submissions.cycle.actions import (
    BulkResult,
    approved_figures,
    submission_approve,
    submission_override_rag,
    submission_reopen,
    submission_return,
    submission_save,
    submissions_bulk_approve,
)
from submissions.cycle.entry import ENTRY_FIELDS, entry_context, entry_of
from submissions.cycle.errors import (
    ConcurrentEdit,
    CycleError,
    RoundClosed,
    RoundConflict,
    ValidationFailed,
)
from submissions.cycle.reminders import ReminderReport, reminders_send
from submissions.cycle.rounds import (
    default_deadline,
    round_close,
    round_create,
    round_publish_blockers,
    round_reopen,
    rounds_open_all,
    rounds_open_next,
)

__all__ = [
    "ENTRY_FIELDS",
    "BulkResult",
    "ConcurrentEdit",
    "CycleError",
    "ReminderReport",
    "RoundClosed",
    "RoundConflict",
    "ValidationFailed",
    "approved_figures",
    "default_deadline",
    "entry_context",
    "entry_of",
    "reminders_send",
    "round_close",
    "round_create",
    "round_publish_blockers",
    "round_reopen",
    "rounds_open_all",
    "rounds_open_next",
    "submission_approve",
    "submission_override_rag",
    "submission_reopen",
    "submission_return",
    "submission_save",
    "submissions_bulk_approve",
]
