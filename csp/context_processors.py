from typing import Any

from django.http import HttpRequest

from csp import permissions


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Which links the header shows; the pages themselves check permissions again."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": None}
    access = permissions.access_for(user)
    return {
        "nav": {
            "coordinator": bool(access.coordinator_of),
            "lead": bool(access.lead_of),
            "board": bool(access.partnerships),
            "admin": permissions.can_use_admin(user),
            "region": bool(permissions.regional_access_for(user).regions),
        }
    }
