"""Every permission rule of the application, in one place.

Views, the API, imports, the admin and commands all ask these functions; none of them decides
access on its own. Each rule is a plain function of the user and the object acted on, so the
tests can assert every cell of the role × action matrix. Objects are duck-typed (a submission has
``round.partnership_id`` and ``adoption.owner_id``: the owner is the partnership's, ADR 0015) so
this module imports no other app.

Workflow *state* rules (a submitted form cannot be saved, an unpublished round cannot be
corrected) live in ``submissions.cycle.workflow``; these rules say only *who* may act.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from csp.models import Role, RoleKind


@dataclass(frozen=True)
class Access:
    """What one user may do in each partnership, read once per request."""

    coordinator_of: frozenset[int]
    board_member_of: frozenset[int]
    administrator_of: frozenset[int]
    lead_of: frozenset[tuple[int, int]]  # (partnership_id, agency_id)

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


def access_for(user: Any) -> Access:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return NO_ACCESS
    cached = getattr(user, "_csp_access", None)
    if cached is not None:
        return cached
    roles = list(Role.objects.filter(user=user).values_list("partnership_id", "kind", "agency_id"))
    access = Access(
        coordinator_of=frozenset(p for p, k, _ in roles if k == RoleKind.COORDINATOR),
        board_member_of=frozenset(p for p, k, _ in roles if k == RoleKind.BOARD_MEMBER),
        administrator_of=frozenset(p for p, k, _ in roles if k == RoleKind.ADMINISTRATOR),
        lead_of=frozenset((p, a) for p, k, a in roles if k == RoleKind.AGENCY_LEAD),
    )
    user._csp_access = access
    return access


def is_coordinator(user: Any, partnership_id: int) -> bool:
    return partnership_id in access_for(user).coordinator_of


def _owns(user: Any, partnership_id: int, agency_id: int | None) -> bool:
    return agency_id is not None and (partnership_id, agency_id) in access_for(user).lead_of


# --- submissions ------------------------------------------------------------------------------


def can_view_submission(user: Any, submission: Any) -> bool:
    """Drafts and returns: the owning agency's leads and the coordinator."""
    p = submission.round.partnership_id
    return is_coordinator(user, p) or _owns(user, p, submission.adoption.owner_id)


def can_edit_submission(user: Any, submission: Any) -> bool:
    """Save figures and commentary: the owning agency's leads and the coordinator."""
    return can_view_submission(user, submission)


def can_submit(user: Any, submission: Any) -> bool:
    return can_view_submission(user, submission)


def can_approve(user: Any, submission: Any) -> bool:
    """Only the coordinator approves, even a submission of an agency they also lead."""
    return is_coordinator(user, submission.round.partnership_id)


def can_return(user: Any, submission: Any) -> bool:
    return is_coordinator(user, submission.round.partnership_id)


def can_override_rag(user: Any, submission: Any) -> bool:
    return is_coordinator(user, submission.round.partnership_id)


def can_correct(user: Any, submission: Any) -> bool:
    """Reopen an approved submission of a published round (a correction)."""
    return is_coordinator(user, submission.round.partnership_id)


# --- rounds and packs -------------------------------------------------------------------------


def can_manage_rounds(user: Any, partnership_id: int) -> bool:
    """Create, close and publish rounds; see the round overview and review queue."""
    return is_coordinator(user, partnership_id)


def can_publish(user: Any, partnership_id: int) -> bool:
    return is_coordinator(user, partnership_id)


def can_reopen_round(user: Any, partnership_id: int) -> bool:
    """Reopen a published round for a correction (published again as the next version)."""
    return is_coordinator(user, partnership_id)


def can_view_unpublished(user: Any, partnership_id: int, agency_id: int | None) -> bool:
    """An unpublished figure: the coordinator, or a lead of the agency that owns it."""
    return is_coordinator(user, partnership_id) or _owns(user, partnership_id, agency_id)


def can_view_published_pack(user: Any, partnership_id: int) -> bool:
    """Published packs (every version): anyone with a role in the partnership."""
    return partnership_id in access_for(user).partnerships


def can_use_admin(user: Any) -> bool:
    """The Django admin (users, agencies, areas, catalogue, targets, denominators).

    Open to active staff who are superusers or hold the administrator role; a coordinator,
    agency lead or board member is refused even if someone ticked "staff status" by mistake.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active or not user.is_staff:
        return False
    return bool(user.is_superuser) or bool(access_for(user).administrator_of)
