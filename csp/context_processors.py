from typing import Any

from django.http import HttpRequest

from csp import permissions
from csp.models import Partnership
from csp.switcher import working_partnership_id


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Which links the header shows, for the partnership the user works in now, and the
    partnership switcher when they hold roles in several; the pages check permissions again."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": None}
    access = permissions.access_for(user)
    current = working_partnership_id(request)
    switcher = (
        list(Partnership.objects.filter(id__in=access.partnerships).order_by("name"))
        if len(access.partnerships) > 1
        else []
    )
    return {
        "nav": {
            "coordinator": current in access.coordinator_of,
            "settings": current is not None and permissions.can_manage_settings(user, current),
            "lead": current is not None and bool(access.agencies_led(current)),
            "board": bool(access.partnerships),
            "admin": permissions.can_use_admin(user),
            "partnerships": switcher,
            "current": current,
            "region": permissions.reads_regions(user),
        }
    }
