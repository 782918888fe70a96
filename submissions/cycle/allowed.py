"""What a user may do to a submission now: the one answer that the page offering an action and
the service accepting it both read.

Each rule joins *who* (``csp.permissions``) to the states of the submission and of its round
(``submissions.cycle.workflow``). The services ask ``submission_refusal`` about the rows they have
locked and raise what it returns; the pages ask ``submission_actions`` about what they read, so
a page never offers an action the service would refuse, nor locks a form the service would
accept (a stale tab at worst offers one that the service then refuses, saying why).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied

from csp import permissions
from csp.users import AnyUser
from indicators.engine.formatting import month_label
from submissions.cycle import workflow
from submissions.cycle.errors import CycleError, RoundClosed

if TYPE_CHECKING:
    from submissions.models import Submission

SAVE = workflow.Action.SAVE.value
SUBMIT = workflow.Action.SUBMIT.value
APPROVE = workflow.Action.APPROVE.value
RETURN = workflow.Action.RETURN.value
REOPEN = workflow.Action.REOPEN.value
OVERRIDE = "override"  # the rating: changes no state, so it is in neither table
ACTIONS = (SAVE, SUBMIT, APPROVE, RETURN, OVERRIDE, REOPEN)


def submission_refusal(user: AnyUser, sub: Submission, action: str) -> Exception | None:
    """Why ``user`` may not take ``action`` on ``sub`` now (the exception the service raises:
    ``PermissionDenied``, ``RoundClosed``, ``CycleError`` or ``TransitionError``), or None.

    Validation of the figures and the version check of a save come after, in the service."""
    p = sub.round.partnership_id
    round_state = sub.round.status
    if action in (SAVE, SUBMIT):
        if not permissions.can_edit_submission(user, sub):
            return PermissionDenied("You cannot edit this indicator's submission.")
        coordinator = permissions.is_coordinator(user, p)
        if not workflow.round_takes_entries(round_state, sub.status, coordinator=coordinator):
            month = month_label(sub.round.month)
            if round_state in workflow.CORRECTABLE_ROUNDS:
                return RoundClosed(
                    f"The {month} pack is published: only a submission reopened for correction "
                    "can be changed."
                )
            return RoundClosed(f"The {month} round is not open for entries.")
    elif action == APPROVE:
        if not permissions.can_approve(user, sub):
            return PermissionDenied("Only the partnership coordinator can approve figures.")
    elif action == RETURN:
        if not permissions.can_return(user, sub):
            return PermissionDenied("Only the partnership coordinator can return a submission.")
    elif action == OVERRIDE:
        if not permissions.can_override_rag(user, sub):
            return PermissionDenied("Only the partnership coordinator can override a rating.")
        if round_state not in workflow.RATING_ROUNDS:
            return RoundClosed(
                "The pack is published: reopen the round (or this submission) to correct it."
            )
        return None
    elif action == REOPEN:
        if not permissions.can_correct(user, sub):
            return PermissionDenied("Only the partnership coordinator can reopen a submission.")
        if round_state not in workflow.CORRECTABLE_ROUNDS:
            return CycleError("Only a submission of a published round is corrected this way.")
    else:
        raise ValueError(f"{action!r} is not an action on a submission.")
    try:
        workflow.next_state(sub.status, action)
    except workflow.TransitionError as exc:
        return exc
    return None


def submission_actions(user: AnyUser, sub: Submission) -> frozenset[str]:
    """The actions the page offers ``user`` on ``sub``: those ``submission_refusal`` allows."""
    return frozenset(a for a in ACTIONS if submission_refusal(user, sub, a) is None)
