"""The action log's reads: the rows each user may see (``csp.permissions.can_view_actions``
applied set-wise), the entry form's panel, and the owners an action may have."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from csp import permissions
from csp.models import Agency
from csp.users import AnyUser, User
from indicators.engine.periods import add_months
from indicators.models import Adoption
from submissions.actions_log.errors import ActionError
from submissions.actions_log.rules import ActionStatus, Owner, is_overdue
from submissions.cycle.workflow import RoundState
from submissions.models import Action, ReportingRound, Submission


def actions_visible_to(user: AnyUser) -> QuerySet[Action]:
    """The live log's rows the user may read: every action of the partnerships they coordinate,
    and those of the indicators their agencies own (as ``can_view_actions``)."""
    q = Q(pk__in=[])
    for partnership_id, agencies in permissions.unpublished_scope(user).items():
        if agencies is permissions.EVERY_AGENCY:
            q |= Q(adoption__partnership_id=partnership_id)
        else:
            q |= Q(adoption__partnership_id=partnership_id, adoption__owner_id__in=agencies)
    return (
        Action.objects.filter(q)
        .select_related(
            "adoption__indicator", "adoption__partnership__area", "owner_agency", "owner_person"
        )
        .order_by("adoption__partnership_id", "adoption__pack_order", "created_in", "pk")
    )


def adoptions_editable_by(user: AnyUser) -> QuerySet[Adoption]:
    """The adopted indicators whose log the user may add to (``can_edit_actions``)."""
    q = Q(pk__in=[])
    for partnership_id, agencies in permissions.unpublished_scope(user).items():
        if agencies is permissions.EVERY_AGENCY:
            q |= Q(partnership_id=partnership_id)
        else:
            q |= Q(partnership_id=partnership_id, owner_id__in=agencies)
    return Adoption.objects.filter(q).select_related("indicator", "partnership__area")


def owner_choices(partnership_id: int) -> list[tuple[str, str]]:
    """Who may own an action of the partnership, as the form's choices: ``agency:<id>`` for
    each agency, ``person:<id>`` for each person holding a role in it."""
    agencies = Agency.objects.filter(partnership_id=partnership_id).order_by("name")
    people = (
        get_user_model()
        .objects.filter(roles__partnership_id=partnership_id, is_active=True)
        .distinct()
        .order_by("last_name", "first_name", "username")
    )
    return [(f"agency:{a.pk}", a.name) for a in agencies] + [
        (f"person:{p.pk}", p.get_full_name() or p.get_username()) for p in people
    ]


def owner_name(action: Action) -> str:
    if action.owner_agency is not None:
        return action.owner_agency.name
    person = action.owner_person
    return (person.get_full_name() or person.get_username()) if person else ""


def owner_key(action: Action) -> str:
    if action.owner_agency_id is not None:
        return f"agency:{action.owner_agency_id}"
    return f"person:{action.owner_person_id}"


@dataclass(frozen=True)
class PanelRow:
    action: Action
    owner: str
    owner_key: str
    overdue: bool


@dataclass(frozen=True)
class ActionPanel:
    """The entry form's action log: the indicator's actions open in the round's month (and
    those done in it), whether the user may change them, and who may own one."""

    rows: list[PanelRow]
    month: dt.date
    editable: bool
    owners: list[tuple[str, str]]
    default_owner: str
    statuses: list[tuple[str, str]]


def action_panel(user: User, sub: Submission) -> ActionPanel:
    """The panel for the entry form of ``sub`` (a submission the user may see)."""
    adoption = sub.adoption
    month = sub.round.month
    rows = (
        Action.objects.filter(adoption=adoption, created_in__lte=month)
        .filter(Q(closed_in__isnull=True) | Q(closed_in__gte=month))
        .select_related("owner_agency", "owner_person")
        .order_by("created_in", "pk")
    )
    return ActionPanel(
        rows=[PanelRow(a, owner_name(a), owner_key(a), is_overdue(a, month)) for a in rows],
        month=month,
        editable=permissions.can_edit_actions(user, adoption),
        owners=owner_choices(adoption.partnership_id),
        default_owner=f"agency:{adoption.owner_id}" if adoption.owner_id else "",
        statuses=ActionStatus.choices(),
    )


# --- the API's lookups ------------------------------------------------------------------------


def api_adoption(user: AnyUser, indicator: str, area: str | None) -> Adoption:
    """The adoption an API caller names (an indicator code, and the area when they work in
    several partnerships); refused with 403 for a partnership not theirs to edit."""
    mine = permissions.access_for(user).partnerships
    found = list(
        Adoption.objects.filter(indicator__code=indicator, partnership_id__in=mine)
        .filter(**({"partnership__area__code": area} if area else {}))
        .select_related("indicator", "partnership")[:2]
    )
    if not found:
        if (
            area
            and not Adoption.objects.filter(
                partnership__area__code=area, partnership_id__in=mine
            ).exists()
        ):
            raise PermissionDenied("That area is not one of your partnerships.")
        raise ActionError(f"No indicator {indicator!r} in your partnerships.")
    if len(found) > 1:
        raise ActionError("This indicator is in several of your partnerships: give its area.")
    if not permissions.can_edit_actions(user, found[0]):
        raise PermissionDenied(
            "Only the indicator's owning agency and the coordinator can change its actions."
        )
    return found[0]


def api_owner(partnership_id: int, agency: str | None, person: str | None) -> Owner | None:
    """The owner an API caller names (an agency's code or a person's username) as ids; None
    when they name neither. The services check the person holds a role in the partnership."""
    if agency is not None:
        found = Agency.objects.filter(partnership_id=partnership_id, code=agency).first()
        if found is None:
            raise ActionError(f"No agency {agency!r} in this partnership.")
        return Owner(agency_id=found.pk)
    if person is not None:
        user = (
            get_user_model()
            .objects.filter(username=person, roles__partnership_id=partnership_id)
            .first()
        )
        if user is None:
            raise ActionError(f"No person {person!r} with a role in this partnership.")
        return Owner(person_id=user.pk)
    return None


def reporting_month(partnership_id: int, today: dt.date) -> dt.date:
    """The month a change is made for when the caller names none: the partnership's latest
    round taking entries (open or reopened), else the month before ``today``'s."""
    latest = (
        ReportingRound.objects.filter(
            partnership_id=partnership_id, status__in=[RoundState.OPEN, RoundState.REOPENED]
        )
        .order_by("-month")
        .values_list("month", flat=True)
        .first()
    )
    return latest or add_months(today.replace(day=1), -1)
