"""The action log's writes: add an action, change it, mark it done. The only writers of
``Action`` rows (the demo loader aside).

Each write asks ``csp.permissions.can_edit_actions``, checks what it is given (the owner is an
agency or a person of the indicator's partnership, the text within its limit), and saves in one
transaction with an audit entry naming the user and what changed. ``month`` is the month the
change is made for (the entry form's round month): an action is logged in it and done in it.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction

from csp import permissions
from csp.models import Agency, Role
from csp.users import User, stamp_change
from indicators.engine.formatting import month_label
from indicators.models import Adoption
from submissions.actions_log.errors import ActionError
from submissions.actions_log.rules import ActionStatus, Owner
from submissions.cycle.errors import refuse_bad_text
from submissions.models import Action

_UNSET = object()


def _first_of(month: dt.date) -> dt.date:
    return month.replace(day=1)


def _owner_checked(adoption: Adoption, owner: Owner) -> Owner:
    if (owner.agency_id is None) == (owner.person_id is None):
        raise ActionError("Name who owns the action: one agency or one person.")
    partnership_id = adoption.partnership_id
    if owner.agency_id is not None:
        if not Agency.objects.filter(pk=owner.agency_id, partnership_id=partnership_id).exists():
            raise ActionError("The owner must be an agency of this partnership.")
    elif (
        owner.person_id is None
        or not Role.objects.filter(user_id=owner.person_id, partnership_id=partnership_id).exists()
    ):
        raise ActionError("The owner must be a person with a role in this partnership.")
    return owner


def _status_checked(status: str) -> ActionStatus:
    try:
        return ActionStatus(status)
    except ValueError:
        names = ", ".join(s.label.lower() for s in ActionStatus)
        raise ActionError(f"{status!r} is not a status: use one of {names}.") from None


def _text_checked(text: str) -> str:
    text = text.strip()
    if not text:
        raise ActionError("Say what the action is.")
    refuse_bad_text("actions", text)
    return text


def _adoption_for(user: User, adoption_id: int) -> Adoption:
    adoption = Adoption.objects.select_related("indicator").filter(pk=adoption_id).first()
    if adoption is None or not permissions.can_view_actions(user, adoption):
        raise ActionError(f"There is no indicator {adoption_id} of yours.")
    if not permissions.can_edit_actions(user, adoption):
        raise PermissionDenied(
            "Only the indicator's owning agency and the coordinator can change its actions."
        )
    return adoption


def action_create(
    *,
    adoption_id: int,
    user: User,
    text: str,
    owner: Owner,
    due_date: dt.date | None,
    status: str = ActionStatus.OPEN,
    month: dt.date,
) -> Action:
    """Log a new action on an adopted indicator in ``month`` (its first month on the log)."""
    with transaction.atomic():
        adoption = _adoption_for(user, adoption_id)
        checked = _status_checked(status)
        action = Action(
            adoption=adoption,
            text=_text_checked(text),
            due_date=due_date,
            status=checked,
            created_in=_first_of(month),
            closed_in=_first_of(month) if checked == ActionStatus.DONE else None,
        )
        _owner_checked(adoption, owner)
        action.owner_agency_id, action.owner_person_id = owner.agency_id, owner.person_id
        stamp_change(action, user, f"Action added in {month_label(action.created_in)}")
        action.save()
    return action


def action_update(
    *,
    action_id: int,
    user: User,
    month: dt.date,
    text: str | None = None,
    owner: Owner | None = None,
    due_date: dt.date | None | object = _UNSET,
    status: str | None = None,
    adoption_id: int | None = None,
) -> Action:
    """Change an action: what is given (None: unchanged; ``due_date=None`` clears it). Marked
    done, it is closed in ``month``; set back to another status, it is open again.
    ``adoption_id``: the indicator the caller's page is about (another's action is refused)."""
    with transaction.atomic():
        action = (
            Action.objects.select_for_update(of=("self",))
            .select_related("adoption")
            .filter(pk=action_id)
            .first()
        )
        if (
            action is None
            or (adoption_id is not None and action.adoption_id != adoption_id)
            or not permissions.can_view_actions(user, action.adoption)
        ):
            raise ActionError(f"There is no action {action_id} of yours.")
        _adoption_for(user, action.adoption_id)
        changes = []
        if text is not None and _text_checked(text) != action.text:
            action.text = _text_checked(text)
            changes.append("text")
        if owner is not None and owner != Owner(action.owner_agency_id, action.owner_person_id):
            _owner_checked(action.adoption, owner)
            action.owner_agency_id, action.owner_person_id = owner.agency_id, owner.person_id
            changes.append("owner")
        if due_date is not _UNSET and due_date != action.due_date:
            assert due_date is None or isinstance(due_date, dt.date)
            action.due_date = due_date
            changes.append("due date")
        if status is not None and _status_checked(status) != action.status:
            new = _status_checked(status)
            if new == ActionStatus.DONE:
                if _first_of(month) < action.created_in:
                    raise ActionError(
                        "An action cannot be done before the month it was logged in "
                        f"({month_label(action.created_in)})."
                    )
                action.closed_in = _first_of(month)
            else:
                action.closed_in = None
            changes.append(
                f"status {ActionStatus(action.status).label} → {new.label}"
                + (f" in {month_label(_first_of(month))}" if new == ActionStatus.DONE else "")
            )
            action.status = new
        if changes:
            stamp_change(action, user, "Changed " + ", ".join(changes))
            action.save()
    return action
