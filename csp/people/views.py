"""The people page (``/partnership/people/``) and the invitation link's page. Each view parses
the request, makes one service or selector call and turns refusals into messages; the rules
are in ``csp.permissions`` and ``csp.people.services``."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from csp import permissions
from csp.accounts.views import sign_in_policy, sso_button
from csp.invitations import InvitationRefused, invitation_accept, invitation_open, role_words
from csp.people import services
from csp.people.forms import AcceptForm, InviteForm, ReasonForm, RoleChangeForm, role_value
from csp.people.selectors import people_page
from csp.switcher import working_partnership_id
from csp.users import AuthenticatedHttpRequest

SAME_EITHER_WAY = (
    "{email} is invited. If they already have an account, the role is theirs now and they "
    "are told by e-mail; otherwise they are sent a link to choose a password, which works "
    "once, for 7 days."
)


def _partnership(request: AuthenticatedHttpRequest) -> int:
    partnership_id = working_partnership_id(request)
    if partnership_id is None or not permissions.can_manage_people(request.user, partnership_id):
        raise PermissionDenied("Only the partnership's coordinator manages its people.")
    return partnership_id


@login_required
def people(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Everyone with a role in the working partnership, invitations not yet accepted, and the
    invitation form (POST: invite)."""
    partnership_id = _partnership(request)
    now = timezone.now()
    page = people_page(partnership_id, now=now)
    form = InviteForm(request.POST or None, agencies=page.agencies)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_invite(
                actor=request.user,
                partnership_id=partnership_id,
                email=form.cleaned_data["email"],
                role=form.role_asked(),
                reason=form.cleaned_data["reason"],
                now=now,
            )
        except services.PeopleRefused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, SAME_EITHER_WAY.format(email=form.cleaned_data["email"]))
            return redirect("people")
    rows = [
        {
            "person": person,
            "roles": [
                {
                    "role": r,
                    "form": RoleChangeForm(
                        agencies=page.agencies,
                        initial={"role": role_value(r.kind, r.agency_id)},
                        prefix=f"r{r.pk}",
                    ),
                }
                for r in person.roles
            ],
        }
        for person in page.people
    ]
    return render(
        request,
        "people/people.html",
        {"page": page, "rows": rows, "form": form, "status": 400 if form.errors else 200},
        status=400 if form.errors else 200,
    )


def _act(request: AuthenticatedHttpRequest, action: Callable[[int], str]) -> HttpResponse:
    """Run ``action`` (a callable taking the partnership id); refusals become messages, an
    object outside the partnership a 404."""
    partnership_id = _partnership(request)
    try:
        done = action(partnership_id)
    except services.PersonNotFound:
        raise Http404("No such person or invitation in this partnership.") from None
    except services.PeopleRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done)
    return redirect("people")


def _reason(request: AuthenticatedHttpRequest, prefix: str | None = None) -> str | None:
    form = ReasonForm(request.POST, prefix=prefix)
    if not form.is_valid():
        messages.error(request, "Say why, for the audit trail.")
        return None
    return str(form.cleaned_data["reason"])


@login_required
@require_POST
def invitation_resend(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    def run(partnership_id: int) -> str:
        invitation = services.invitation_resend(
            actor=request.user, partnership_id=partnership_id, invitation_id=pk,
            now=timezone.now(),
        )  # fmt: skip
        return f"A new link is sent to {invitation.email}; the old one no longer works."

    return _act(request, run)


@login_required
@require_POST
def invitation_revoke(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    reason = _reason(request)
    if reason is None:
        _partnership(request)
        return redirect("people")

    def run(partnership_id: int) -> str:
        invitation = services.invitation_revoke(
            actor=request.user, partnership_id=partnership_id, invitation_id=pk,
            reason=reason, now=timezone.now(),
        )  # fmt: skip
        return f"The invitation to {invitation.email} is revoked; its link no longer works."

    return _act(request, run)


@login_required
@require_POST
def role_change(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    partnership_id = _partnership(request)
    form = RoleChangeForm(
        request.POST, agencies=people_page(partnership_id, now=timezone.now()).agencies,
        prefix=f"r{pk}",
    )  # fmt: skip
    if not form.is_valid():
        messages.error(request, "Choose a role and say why.")
        return redirect("people")

    def run(partnership_id: int) -> str:
        role = services.role_change(
            actor=request.user, partnership_id=partnership_id, role_id=pk,
            role=form.role_asked(), reason=form.cleaned_data["reason"],
        )  # fmt: skip
        return f"{role.user.get_full_name() or role.user.username} is now {role}."

    return _act(request, run)


@login_required
@require_POST
def person_remove(request: AuthenticatedHttpRequest, user_id: int) -> HttpResponse:
    reason = _reason(request)
    if reason is None:
        _partnership(request)
        return redirect("people")

    def run(partnership_id: int) -> str:
        services.person_remove(
            actor=request.user, partnership_id=partnership_id, user_id=user_id,
            reason=reason, now=timezone.now(),
        )  # fmt: skip
        return "Removed from the partnership; their sessions have ended. Their history stays."

    return _act(request, run)


@never_cache
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The invitation link: choose a password, and you are signed in with your new role."""
    now = timezone.now()
    found = invitation_open(token, now=now)
    if found is None:
        return render(request, "people/invitation.html", {"invitation": None}, status=404)
    what = role_words(found.kind, found.agency.name if found.agency else None,
                      found.partnership.name)  # fmt: skip
    form = AcceptForm(request.POST or None, email=found.email)
    if request.method == "POST" and form.is_valid():
        try:
            account = invitation_accept(
                token, account=None, password=form.cleaned_data["new_password1"], now=now
            )
        except InvitationRefused as exc:
            form.add_error(None, str(exc))
        else:
            login(request, account, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, f"Welcome: you are now {what}.")
            return redirect("submissions:home")
    sso = sso_button()
    if sso is not None:  # single sign-on accepts the invitation too (matched by its address)
        sso["url"] += "?" + urlencode({"process": "login"})
    response = render(
        request,
        "people/invitation.html",
        {"invitation": found, "what": what, "form": form, "sso": sso},
        status=400 if form.errors else 200,
    )
    policy = sign_in_policy()
    if policy is not None:
        response.headers["Content-Security-Policy"] = policy
    return response
