"""The people of a partnership (issue 12, item 2): invite by e-mail to a role, resend or revoke
an invitation, change a role, remove a person. The only writers of ``Role`` and ``Invitation``
besides accepting an invitation (``csp.invitations``) and ``setup_partnership``.

Each action checks ``permissions.can_manage_people`` for the partnership, locks the
partnership's row (so two removals cannot leave it with no coordinator), finds the object
*within* that partnership (another partnership's is ``PersonNotFound``, shown as 404), and is
one transaction with its audit entry (simple-history: who and why). E-mail goes after commit.
Removing a person deletes their roles here and nothing else: the account and every audit entry
stay; their sessions end at once (``csp.people.sessions``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q

from csp import permissions
from csp.invitations import (
    invitation_mail,
    role_added_mail,
    role_words,
    token_issue,
)
from csp.models import Agency, Invitation, Partnership, Role, RoleKind
from csp.people.sessions import sessions_end
from csp.users import User, stamp_change

INVITABLE = (RoleKind.AGENCY_LEAD, RoleKind.BOARD_MEMBER, RoleKind.COORDINATOR)


class PeopleRefused(ValueError):
    """The change cannot be made as asked; the message says why."""


class PersonNotFound(LookupError):
    """No such person, role or invitation in the partnership (another's is not shown)."""


@dataclass(frozen=True)
class RoleAsked:
    kind: str
    agency_id: int | None = None


def _lock(actor: User, partnership_id: int) -> Partnership:
    if not permissions.can_manage_people(actor, partnership_id):
        raise PermissionDenied("Only the partnership's coordinator manages its people.")
    partnership = Partnership.objects.select_for_update().filter(pk=partnership_id).first()
    if partnership is None:
        raise PersonNotFound("No such partnership.")
    return partnership


def _checked_role(partnership: Partnership, asked: RoleAsked) -> Agency | None:
    if asked.kind not in INVITABLE:
        raise PeopleRefused("Choose agency lead, board member or coordinator.")
    if asked.kind != RoleKind.AGENCY_LEAD:
        return None
    agency = (
        Agency.objects.filter(partnership=partnership, pk=asked.agency_id).first()
        if asked.agency_id is not None
        else None
    )
    if agency is None:
        raise PeopleRefused("Choose the agency this person leads.")
    return agency


def _existing_account(email: str) -> User | None:
    """A person who can already sign in with this address (active, and with a password or a
    sign-in behind them); an account made by an unaccepted invitation is not one."""
    accounts = get_user_model().objects.filter(
        Q(username__iexact=email) | Q(email__iexact=email), is_active=True
    )
    for account in accounts.order_by("pk"):
        if account.has_usable_password() or account.last_login is not None:
            return account
    return None


def person_invite(
    *, actor: User, partnership_id: int, email: str, role: RoleAsked, reason: str, now: dt.datetime
) -> None:
    """Invite ``email`` to ``role``. Someone who already has an account is given the role at
    once and told by e-mail; anyone else is sent a single-use link valid for seven days (a
    pending invitation for the same role is re-sent rather than doubled). The caller learns
    nothing of which happened: the coordinator's message is the same either way."""
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise PeopleRefused(f"{email or 'That'} is not an e-mail address.") from None
    with transaction.atomic():
        partnership = _lock(actor, partnership_id)
        agency = _checked_role(partnership, role)
        what = role_words(role.kind, agency.name if agency else None, partnership.name)
        why = reason.strip() or "invited"
        account = _existing_account(email)
        if account is not None:
            held = Role.objects.filter(
                user=account, partnership=partnership, kind=role.kind, agency=agency
            ).exists()
            if not held:
                new_role = Role(
                    user=account, partnership=partnership, kind=role.kind, agency=agency
                )
                stamp_change(new_role, actor, why)
                new_role.save()
                transaction.on_commit(lambda: role_added_mail(account.email or email, what=what))
            return
        invitation = (
            Invitation.objects.select_for_update(of=("self",))
            .filter(
                partnership=partnership,
                email=email,
                kind=role.kind,
                agency=agency,
                accepted_at__isnull=True,
                revoked_at__isnull=True,
            )
            .first()
        ) or Invitation(
            partnership=partnership, email=email, kind=role.kind, agency=agency, created_at=now
        )
        invitation.invited_by = actor
        token = token_issue(invitation, now=now)
        stamp_change(invitation, actor, why)
        invitation.save()
        transaction.on_commit(lambda: invitation_mail(invitation, token))


def _pending(partnership: Partnership, invitation_id: int) -> Invitation:
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("partnership", "agency")
        .filter(pk=invitation_id, partnership=partnership)
        .first()
    )
    if invitation is None:
        raise PersonNotFound("No such invitation.")
    if invitation.accepted_at is not None:
        raise PeopleRefused(f"{invitation.email} has already accepted this invitation.")
    if invitation.revoked_at is not None:
        raise PeopleRefused(f"The invitation to {invitation.email} was revoked.")
    return invitation


def invitation_resend(
    *, actor: User, partnership_id: int, invitation_id: int, now: dt.datetime
) -> Invitation:
    """A new link, valid seven days from now; the old link stops working."""
    with transaction.atomic():
        partnership = _lock(actor, partnership_id)
        invitation = _pending(partnership, invitation_id)
        token = token_issue(invitation, now=now)
        stamp_change(invitation, actor, "resent")
        invitation.save(update_fields=["token_digest", "sent_at", "expires_at"])
        transaction.on_commit(lambda: invitation_mail(invitation, token))
    return invitation


def invitation_revoke(
    *, actor: User, partnership_id: int, invitation_id: int, reason: str, now: dt.datetime
) -> Invitation:
    with transaction.atomic():
        partnership = _lock(actor, partnership_id)
        invitation = _pending(partnership, invitation_id)
        invitation.revoked_at = now
        stamp_change(invitation, actor, reason.strip() or "revoked")
        invitation.save(update_fields=["revoked_at"])
    return invitation


def _coordinators_left(partnership: Partnership, without_user: int) -> bool:
    return (
        Role.objects.filter(partnership=partnership, kind=RoleKind.COORDINATOR)
        .exclude(user_id=without_user)
        .exists()
    )


LAST_COORDINATOR = (
    "{name} is the partnership's only coordinator: make someone else coordinator first."
)


def role_change(
    *, actor: User, partnership_id: int, role_id: int, role: RoleAsked, reason: str
) -> Role:
    """Change one role of a person (kind, and agency for an agency lead)."""
    with transaction.atomic():
        partnership = _lock(actor, partnership_id)
        current = (
            Role.objects.select_for_update(of=("self",))
            .select_related("user")
            .filter(pk=role_id, partnership=partnership)
            .first()
        )
        if current is None:
            raise PersonNotFound("No such role.")
        agency = _checked_role(partnership, role)
        if (current.kind, current.agency_id) == (role.kind, agency.pk if agency else None):
            return current
        if current.kind == RoleKind.COORDINATOR and not _coordinators_left(
            partnership, current.user_id
        ):
            raise PeopleRefused(LAST_COORDINATOR.format(name=_name(current.user)))
        if Role.objects.filter(
            user=current.user, partnership=partnership, kind=role.kind, agency=agency
        ).exists():
            raise PeopleRefused(f"{_name(current.user)} already holds that role.")
        current.kind, current.agency = role.kind, agency
        stamp_change(current, actor, reason.strip() or "role changed")
        current.save(update_fields=["kind", "agency"])
    return current


def person_remove(
    *, actor: User, partnership_id: int, user_id: int, reason: str, now: dt.datetime
) -> int:
    """Remove every role of the person in the partnership and end their sessions at once. The
    account and its history stay. The number of roles removed."""
    with transaction.atomic():
        partnership = _lock(actor, partnership_id)
        roles = list(
            Role.objects.select_for_update(of=("self",))
            .select_related("user")
            .filter(partnership=partnership, user_id=user_id)
        )
        if not roles:
            raise PersonNotFound("No such person in this partnership.")
        person = roles[0].user
        is_coordinator = any(r.kind == RoleKind.COORDINATOR for r in roles)
        if is_coordinator and not _coordinators_left(partnership, user_id):
            raise PeopleRefused(LAST_COORDINATOR.format(name=_name(person)))
        for r in roles:
            stamp_change(r, actor, reason.strip() or "removed from the partnership")
            r.delete()
        sessions_end(user_id, now=now)
    return len(roles)


def _name(user: User) -> str:
    return user.get_full_name() or user.username
