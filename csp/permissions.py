"""Every permission rule of the application, in one place.

Views, the API, imports, the admin and commands all ask these functions; none of them decides
access on its own. Each rule is a plain function of the user and the object acted on, so the
tests can assert every cell of the role × action matrix. Objects are duck-typed (a submission has
``round.partnership_id`` and ``adoption.owner_id``: ``SubmissionLike``; the owner is the
partnership's, ADR 0015) so this module imports no other app. The user is ``csp.users.AnyUser``:
an anonymous one may do nothing.

Workflow *state* rules (a submitted form cannot be saved, an unpublished round cannot be
corrected) live in ``submissions.cycle.workflow``; these rules say only *who* may act.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, Protocol

from django.db import connection
from django.db.models import CharField, Q, Value

from csp.models import Partnership, RegionalReader, Role, RoleKind
from csp.users import AnyUser


@dataclass(frozen=True)
class Access:
    """What one user may do in each partnership, read once per request."""

    coordinator_of: frozenset[int]
    board_member_of: frozenset[int]
    administrator_of: frozenset[int]
    lead_of: frozenset[tuple[int, int]]  # (partnership_id, agency_id)
    # The regions the user reads (``RegionalReader``), read with the roles in the same query so
    # the header's "Regions" link costs none: (region_id, its comparator group's id or None).
    reader_of: frozenset[tuple[int, int | None]] = frozenset()

    @property
    def partnerships(self) -> frozenset[int]:
        return (
            self.coordinator_of
            | self.board_member_of
            | self.administrator_of
            | frozenset(p for p, _ in self.lead_of)
        )

    def agencies_led(self, partnership_id: int) -> frozenset[int]:
        return frozenset(a for p, a in self.lead_of if p == partnership_id)


NO_ACCESS = Access(frozenset(), frozenset(), frozenset(), frozenset())


class _InPartnership(Protocol):
    @property
    def partnership_id(self) -> int: ...


class _Owned(Protocol):
    @property
    def owner_id(self) -> int | None: ...


class SubmissionLike(Protocol):
    """What the rules read of a submission: its round's partnership and its adoption's owner."""

    @property
    def round(self) -> _InPartnership: ...

    @property
    def adoption(self) -> _Owned: ...


_READER = "regional reader"  # no RoleKind: marks the union's rows read from RegionalReader


_ANY_USER = -7_000_001  # stands for the user's id in the query compiled once (no real id)


@functools.cache
def _access_sql(vendor: str) -> tuple[str, tuple[Any, ...]]:
    """The roles and regional readings of ``_ANY_USER``, one query for both (_READER is no
    RoleKind), compiled once per process: building it with the ORM on every request cost a
    fifth of the call-over page's time (bench/pack_profile.py)."""
    roles = (
        Role.objects.filter(user_id=_ANY_USER)
        .order_by()
        .values_list("partnership_id", "kind", "agency_id")
    )
    reads = (
        RegionalReader.objects.filter(user_id=_ANY_USER)
        .order_by()
        .values_list("region_id", Value(_READER, output_field=CharField()), "region__group_id")
    )
    sql, params = roles.union(reads, all=True).query.sql_with_params()
    assert list(params).count(_ANY_USER) == 2, "the user's id must be a parameter"
    return sql, tuple(params)


def access_for(user: AnyUser) -> Access:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return NO_ACCESS
    cached: Access | None = getattr(user, "_csp_access", None)
    if cached is not None:
        return cached
    sql, params = _access_sql(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk if p == _ANY_USER else p for p in params])
        rows = cursor.fetchall()
    access = Access(
        coordinator_of=frozenset(p for p, k, _ in rows if k == RoleKind.COORDINATOR),
        board_member_of=frozenset(p for p, k, _ in rows if k == RoleKind.BOARD_MEMBER),
        administrator_of=frozenset(p for p, k, _ in rows if k == RoleKind.ADMINISTRATOR),
        lead_of=frozenset((p, a) for p, k, a in rows if k == RoleKind.AGENCY_LEAD),
        reader_of=frozenset((r, g) for r, k, g in rows if k == _READER),
    )
    user._csp_access = access  # type: ignore[attr-defined]  # read once per request, kept on the user
    return access


def working_partnership(user: AnyUser, chosen: object) -> int | None:
    """The partnership whose pages the user works in: ``chosen`` (the header's switcher, kept in
    the session) if the user holds a role there, else the first of theirs (lowest id); None if
    they hold none. A stale or forged choice is never trusted: it falls back to the first."""
    ids = access_for(user).partnerships
    if not ids:
        return None
    try:
        wanted = int(str(chosen))
    except ValueError:
        return min(ids)
    return wanted if wanted in ids else min(ids)


def can_switch_to(user: AnyUser, partnership_id: int) -> bool:
    """The header's switcher: only to a partnership the user holds a role in."""
    return partnership_id in access_for(user).partnerships


def is_coordinator(user: AnyUser, partnership_id: int) -> bool:
    return partnership_id in access_for(user).coordinator_of


EVERY_AGENCY = None  # in an ``unpublished_scope``: the whole partnership (its coordinator)


def unpublished_scope(user: AnyUser) -> dict[int, frozenset[int] | None]:
    """Whose unpublished work the user may read, per partnership: every agency's (``None``: the
    coordinator) or only the agencies they lead. Partnerships left out: none of it.

    The one rule behind ``can_view_unpublished`` and ``can_view_submission``, in the shape the
    selectors turn into a query (``submissions.cycle.visibility``), so a list and a page
    never disagree about a row."""
    access = access_for(user)
    scope: dict[int, frozenset[int] | None] = {}
    for partnership_id in access.partnerships:
        if partnership_id in access.coordinator_of:
            scope[partnership_id] = EVERY_AGENCY
        elif access.agencies_led(partnership_id):
            scope[partnership_id] = access.agencies_led(partnership_id)
    return scope


def can_view_unpublished(user: AnyUser, partnership_id: int, agency_id: int | None) -> bool:
    """An unpublished figure or a submission: the coordinator, or a lead of the agency that owns
    it (``agency_id`` None: a figure no agency owns, the coordinator's alone)."""
    scope = unpublished_scope(user)
    if partnership_id not in scope:
        return False
    agencies = scope[partnership_id]
    return agencies is EVERY_AGENCY or agency_id in agencies


# --- submissions ------------------------------------------------------------------------------


def can_view_submission(user: AnyUser, submission: SubmissionLike) -> bool:
    """Drafts and returns: the owning agency's leads and the coordinator."""
    return can_view_unpublished(user, submission.round.partnership_id, submission.adoption.owner_id)


def can_edit_submission(user: AnyUser, submission: SubmissionLike) -> bool:
    """Save figures and commentary: the owning agency's leads and the coordinator."""
    return can_view_submission(user, submission)


def can_submit(user: AnyUser, submission: SubmissionLike) -> bool:
    return can_view_submission(user, submission)


def can_approve(user: AnyUser, submission: SubmissionLike) -> bool:
    """Only the coordinator approves, even a submission of an agency they also lead."""
    return is_coordinator(user, submission.round.partnership_id)


def can_preview_figure(user: AnyUser, submission: SubmissionLike) -> bool:
    """The figure in context (what a typed figure does to the pack): whoever may enter the
    submission or review it."""
    return can_edit_submission(user, submission) or can_approve(user, submission)


def can_return(user: AnyUser, submission: SubmissionLike) -> bool:
    return is_coordinator(user, submission.round.partnership_id)


def can_override_rag(user: AnyUser, submission: SubmissionLike) -> bool:
    return is_coordinator(user, submission.round.partnership_id)


def can_correct(user: AnyUser, submission: SubmissionLike) -> bool:
    """Reopen an approved submission of a published round (a correction)."""
    return is_coordinator(user, submission.round.partnership_id)


# --- the action log ---------------------------------------------------------------------------


class AdoptionLike(Protocol):
    """What the action rules read of an adopted indicator: its partnership and owning agency."""

    @property
    def partnership_id(self) -> int: ...

    @property
    def owner_id(self) -> int | None: ...


def can_view_actions(user: AnyUser, adoption: AdoptionLike) -> bool:
    """An indicator's live action log: whoever sees its submissions (the owning agency's leads
    and the coordinator). The board reads the log as the published pack froze it."""
    return can_view_unpublished(user, adoption.partnership_id, adoption.owner_id)


def can_edit_actions(user: AnyUser, adoption: AdoptionLike) -> bool:
    """Add an action to an indicator's log, change it or mark it done: the owning agency's
    leads and the coordinator, within their partnership."""
    return can_view_actions(user, adoption)


# --- rounds and packs -------------------------------------------------------------------------


def can_manage_rounds(user: AnyUser, partnership_id: int) -> bool:
    """Create, close and publish rounds; see the round overview and review queue."""
    return is_coordinator(user, partnership_id)


def can_manage_settings(user: AnyUser, partnership_id: int) -> bool:
    """The partnership's settings (adopted indicators, targets, the new year, agencies): its
    coordinator, and the partnership's administrators (an install administrator holds that role
    in it). Nobody of another partnership."""
    access = access_for(user)
    return partnership_id in access.coordinator_of or partnership_id in access.administrator_of


def can_publish(user: AnyUser, partnership_id: int) -> bool:
    return is_coordinator(user, partnership_id)


def can_reopen_round(user: AnyUser, partnership_id: int) -> bool:
    """Reopen a published round for a correction (published again as the next version)."""
    return is_coordinator(user, partnership_id)


def can_view_published_pack(user: AnyUser, partnership_id: int) -> bool:
    """Published packs (every version): anyone with a role in the partnership, and the
    regional readers of a region it belongs to (``regional_partnerships``)."""
    return partnership_id in access_for(
        user
    ).partnerships or partnership_id in regional_partnerships(user)


def adoption_partnerships(user: AnyUser) -> frozenset[int]:
    """Whose adoptions (owner, pack place, local texts) and targets the user reads through the
    API: the partnerships they hold a role in. Not a regional reader's: a region's reader reads
    the targets its partnerships *published* in their packs, and nothing of the live set-up."""
    return access_for(user).partnerships


def can_manage_people(user: AnyUser, partnership_id: int) -> bool:
    """Invite people to a partnership, resend or revoke an invitation, change a role, remove a
    person: the partnership's coordinator, its administrators and the install's superusers.
    Nothing outside the partnership: every object acted on is checked to be of it."""
    access = access_for(user)
    if partnership_id in access.coordinator_of or partnership_id in access.administrator_of:
        return True
    return bool(getattr(user, "is_superuser", False)) and bool(user.is_active)


def can_import(user: AnyUser) -> bool:
    """The import page: a coordinator (of any partnership). Each row is then checked against the
    partnership whose area it writes to (``submissions.imports.common``)."""
    return bool(access_for(user).coordinator_of)


def can_use_admin(user: AnyUser) -> bool:
    """The Django admin (users, areas, the shared catalogue, denominators, and every
    partnership's objects): the install's administrators only, active staff superusers (issue
    12). A partnership's administrator role does not open it, since the admin spans every
    partnership: a partnership is run from its own settings and people pages. A coordinator,
    agency lead or board member is refused even if someone ticked "staff status" by mistake.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active or not user.is_staff:
        return False
    return bool(user.is_superuser)


def second_factor_required(user: AnyUser) -> bool:
    """A second factor (TOTP) before any page: coordinators, who publish, and install
    administrators (superusers and the administrator role). Everyone else may set one up.
    A deployment turns the requirement on with MFA_REQUIRED (csp.accounts.second_factor)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    access = access_for(user)
    return bool(user.is_superuser) or bool(access.coordinator_of or access.administrator_of)


# --- regions (ADR 0017) -----------------------------------------------------------------------


@dataclass(frozen=True)
class RegionalAccess:
    """The regions a user reads and their partnerships, read once per request. A regional
    reader holds no ``Role``: no rule above grants them anything of a partnership's own."""

    regions: frozenset[int]
    partnerships: dict[int, frozenset[int]]  # region id -> its partnerships

    @property
    def every_partnership(self) -> frozenset[int]:
        return frozenset().union(*self.partnerships.values())


NO_REGIONS = RegionalAccess(frozenset(), {})


def regional_access_for(user: AnyUser) -> RegionalAccess:
    """The regions the user reads (``RegionalReader``) and the partnerships of each: those named
    and those serving an area of the region's comparator group. The regions come with the roles
    (``access_for``); their partnerships are one more query, for a regional reader only, once
    per request."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return NO_REGIONS
    cached: RegionalAccess | None = getattr(user, "_csp_regions", None)
    if cached is not None:
        return cached
    members: dict[int, set[int]] = {region: set() for region, _ in access_for(user).reader_of}
    if members:
        ids = list(members)
        rows = Partnership.objects.filter(
            Q(regions__in=ids) | Q(area__groups__regions__in=ids)
        ).values_list("id", "regions", "area__groups__regions")
        for partnership_id, named_in, group_of in rows:
            for region in (named_in, group_of):
                if region in members:
                    members[region].add(partnership_id)
    access = RegionalAccess(
        regions=frozenset(members),
        partnerships={region: frozenset(ps) for region, ps in members.items()},
    )
    user._csp_regions = access  # type: ignore[attr-defined]  # read once per request
    return access


def regional_partnerships(user: AnyUser) -> frozenset[int]:
    """Every partnership whose published packs the user reads as a regional reader."""
    return regional_access_for(user).every_partnership


def reads_regions(user: AnyUser) -> bool:
    """Whether the user is a regional reader of any region (the header's "Regions" link; the
    pages ask ``can_view_region``). No query beyond the roles' own."""
    return bool(access_for(user).reader_of)


def can_view_region(user: AnyUser, region_id: int) -> bool:
    """The regional comparison pages of a region: its regional readers only. A partnership's
    own people read their own packs, not a comparison built from other partnerships' packs
    (ADR 0017)."""
    return region_id in regional_access_for(user).regions
