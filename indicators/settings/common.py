"""What every settings service does first: check who acts, and that they said why."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from csp import permissions
from csp.users import User
from indicators.models import Adoption
from indicators.settings import SettingsError


def settings_check(user: User, partnership_id: int) -> None:
    if not permissions.can_manage_settings(user, partnership_id):
        raise PermissionDenied("Only the partnership coordinator can change its settings.")


def reason_check(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise SettingsError("Say why you are making this change: it goes in the history.")
    return reason


def adoption_locked(adoption_id: int, partnership_id: int) -> Adoption:
    """The partnership's adoption, locked; another partnership's is as good as none."""
    adoption = (
        Adoption.objects.select_for_update()
        .select_related("indicator", "partnership")
        .filter(pk=adoption_id, partnership_id=partnership_id)
        .first()
    )
    if adoption is None:
        raise Adoption.DoesNotExist("No such indicator in this partnership.")
    return adoption
