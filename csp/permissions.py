"""Every permission rule of the application, in one place.

Views, the API, imports, the admin and commands all ask these functions; none of them decides
access on its own. Each rule is a plain function of the user (and the object acted on), so the
tests can assert every cell of the role × action matrix.
"""

from __future__ import annotations

from typing import Any

from csp.models import RoleKind


def _has_role(user: Any, kind: str) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return any(role.kind == kind for role in user.roles.all())


def can_use_admin(user: Any) -> bool:
    """The Django admin (users, agencies, areas, catalogue, targets, denominators).

    Open to active staff who are superusers or hold the administrator role; a coordinator,
    agency lead or board member is refused even if someone ticked "staff status" by mistake.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active or not user.is_staff:
        return False
    return bool(user.is_superuser) or _has_role(user, RoleKind.ADMINISTRATOR)
