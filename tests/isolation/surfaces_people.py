"""The people pages (issue 12) aimed at the other partnership's invitations and roles."""

from __future__ import annotations

from csp.models import Agency, Role
from tests.isolation.cast import Side
from tests.isolation.surfaces_base import (  # noqa: F401
    _SET,
    ABSENT,
    ACTION_CHANGE,
    ADOPTION_CHANGE,
    OPEN,
    REFUSED,
    SUB,
    TARGET_SAVE,
    Surface,
    _adoption,
    _agency,
    _approved_value,
    _area,
    _derived,
    _get,
    _pack,
    _post,
    _published,
    _tno,
)


def _police(side: Side) -> int:
    return Agency.objects.get(partnership=side.partnership, code="police").pk


def _role(side: Side) -> int:
    return Role.objects.get(user=side.users["board"], partnership=side.partnership).pk


# The people of a partnership (issue 12, item 2): the list is the actor's own partnership's;
# every change names an object of the other's (its invitation, a role, a person) and is refused;
# an invitation naming the other's agency changes nothing there.
PEOPLE = [
    _get("people", "people", ABSENT, lambda s: "/partnership/people/"),
    Surface(
        "people-invite-other-agency",
        "people",
        ABSENT,
        "post",
        lambda s: "/partnership/people/",
        body=lambda s: {
            "email": "someone.new@example.org",
            "role": f"agency_lead:{_police(s)}",
            "reason": "x",
        },
    ),
    _post(
        "people-resend",
        "people_invitation_resend",
        lambda s: f"/partnership/people/invitations/{s.invitation.pk}/resend/",
    ),
    _post(
        "people-revoke",
        "people_invitation_revoke",
        lambda s: f"/partnership/people/invitations/{s.invitation.pk}/revoke/",
    ),
    Surface(
        "people-role-change",
        "people_role_change",
        REFUSED,
        "post",
        lambda s: f"/partnership/people/roles/{_role(s)}/",
        body=lambda s: {f"r{_role(s)}-role": "coordinator", f"r{_role(s)}-reason": "x"},
    ),
    _post(
        "people-remove",
        "people_remove",
        lambda s: f"/partnership/people/{s.users['board'].pk}/remove/",
    ),
]
# The actor's own objects: the pages that set them beside comparator areas' figures must not
# show the other partnership's unpublished ones.
