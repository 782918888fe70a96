"""What the people page reads: a partnership's people (their roles and last sign-in), its
invitations not yet accepted, and its agencies for the role choices."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from csp.models import Agency, Invitation, Partnership, Role


@dataclass
class PersonRow:
    user_id: int
    name: str
    email: str
    last_login: dt.datetime | None
    roles: list[Role] = field(default_factory=list)


@dataclass(frozen=True)
class PendingRow:
    invitation: Invitation
    expired: bool


@dataclass(frozen=True)
class PeoplePage:
    partnership: Partnership
    people: list[PersonRow]
    pending: list[PendingRow]
    agencies: list[Agency]


def people_page(partnership_id: int, *, now: dt.datetime) -> PeoplePage:
    partnership = Partnership.objects.get(pk=partnership_id)
    people: dict[int, PersonRow] = {}
    roles = (
        Role.objects.filter(partnership_id=partnership_id)
        .select_related("user", "agency")
        .order_by("user__last_name", "user__first_name", "user__username", "kind")
    )
    for role in roles:
        user = role.user
        row = people.setdefault(
            user.pk,
            PersonRow(user.pk, user.get_full_name() or user.username, user.email, user.last_login),
        )
        row.roles.append(role)
    invitations = (
        Invitation.objects.filter(
            partnership_id=partnership_id, accepted_at__isnull=True, revoked_at__isnull=True
        )
        .select_related("agency")
        .order_by("email", "kind")
    )
    pending = [PendingRow(i, expired=i.expires_at <= now) for i in invitations]
    agencies = list(Agency.objects.filter(partnership_id=partnership_id).order_by("name"))
    return PeoplePage(partnership, list(people.values()), pending, agencies)


def partnership_name(partnership_id: int) -> str:
    return Partnership.objects.values_list("name", flat=True).get(pk=partnership_id)
