"""The header's partnership switcher (ADR 0016): a person with roles in several partnerships
chooses the one whose pages they work in. The choice is kept in the session and checked against
their roles on every request (``permissions.working_partnership``); the switch itself is a POST
with the CSRF token, refused for a partnership the person holds no role in."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from csp import permissions

SESSION_KEY = "csp_partnership"


def chosen_partnership(request: HttpRequest) -> object:
    """What the session holds (unchecked: pass it to ``permissions.working_partnership``)."""
    session = getattr(request, "session", None)
    return session.get(SESSION_KEY) if session is not None else None


def working_partnership_id(request: HttpRequest) -> int | None:
    return permissions.working_partnership(request.user, chosen_partnership(request))


@login_required
@require_POST
def switch_partnership(request: HttpRequest) -> HttpResponse:
    raw = request.POST.get("partnership", "")
    if not raw.isdigit() or not permissions.can_switch_to(request.user, int(raw)):
        return HttpResponseBadRequest(
            "You hold no role in that partnership.", content_type="text/plain"
        )
    request.session[SESSION_KEY] = int(raw)
    return redirect("submissions:home")
