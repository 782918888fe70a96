"""Isolation as a matrix (issue 11, item 5): actor × the other partnership's object × surface.

Each cell signs in one person of one partnership (its coordinator, board member or police lead)
and aims one surface (``surfaces.SURFACES``: every page, pack, PDF, export and API endpoint)
at the *other* partnership's objects (and, as ``own-*``, at its own: a page that sets them beside
comparator areas must not show the other's unpublished figures). An object of the other
partnership is refused (403/404) and left unchanged; a page of the actor's own may open, but no
sentinel of the other partnership (its draft and approved commentary and figures, its import
file, its people's names, links to its objects) is ever in what the actor receives.

The region's reader is an actor too (``test_reader_cell``): aimed at either partnership, it
sees the published packs of both (``surfaces.READER_OPENS``) and nothing else of them.
"""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from csp.models import Agency, Invitation, Role
from indicators.models import Adoption, Target
from submissions.models import Action, PackVersion, ReportingRound, Submission
from tests.isolation.cast import JAN
from tests.isolation.surfaces import OPEN, REFUSED, SURFACES, Surface, reader_expect

pytestmark = pytest.mark.django_db

SIDES = {"bd": "barnet", "barnet": "bd"}
ROLES = ["coordinator", "board", "police"]
CELLS = [
    pytest.param(
        side,
        role,
        surface,
        id=f"{side}-{role}--{side if surface.own else SIDES[side]}--{surface.id}",
    )
    for side in SIDES
    for role in ROLES
    for surface in SURFACES
]


def _state(side) -> list:
    subs = Submission.objects.filter(pk__in=[side.draft.pk, side.approved.pk]).order_by("pk")
    actions = Action.objects.filter(adoption__partnership=side.partnership).order_by("pk")
    return [
        list(subs.values_list("status", "version", "rag_override")),
        ReportingRound.objects.get(pk=side.round.pk).status,
        PackVersion.objects.filter(round__partnership=side.partnership).count(),
        list(actions.values_list("pk", "text", "status")),
        list(
            Role.objects.filter(partnership=side.partnership)
            .values_list("pk", "user", "kind", "agency")
            .order_by("pk")
        ),
        list(
            Invitation.objects.filter(partnership=side.partnership)
            .values_list("pk", "token_digest", "revoked_at", "accepted_at")
            .order_by("pk")
        ),
        # The settings (issue 12): its adoptions, targets and agencies.
        list(
            Adoption.objects.filter(partnership=side.partnership)
            .order_by("pk")
            .values_list("pk", "pack_order", "retired_on", "owner_id", "portfolio_id")
        ),
        list(
            Target.objects.filter(adoption__partnership=side.partnership)
            .order_by("pk")
            .values_list("pk", "financial_year", "kind", "value")
        ),
        list(
            Agency.objects.filter(partnership=side.partnership)
            .order_by("pk")
            .values_list("pk", "name", "retired_on")
        ),
    ]


# The region's reader (the demo's ``mopac``, reading London, whose comparator group holds both
# areas) aimed at each partnership's objects: the own-* surfaces repeat the others' paths.
READER_CELLS = [
    pytest.param(side, surface, id=f"reader--{side}--{surface.id}")
    for side in SIDES
    for surface in SURFACES
    if not surface.own
]


def leaked(body: str, sentinels: list[str]) -> list[str]:
    return [s for s in sentinels if s in body]


def _fetch(client: Client, surface: Surface, path: str, expect: str, side):
    if surface.method == "get":
        response = client.get(path, follow=expect != REFUSED)
    elif surface.method == "patch":
        data = json.dumps(surface.payload(side))
        response = client.patch(path, data, content_type="application/json")
    else:
        response = client.post(path, surface.payload(side))
    body = b"".join(response) if response.streaming else response.content
    assert response.status_code < 500, path
    if expect == REFUSED:
        assert response.status_code in {403, 404}, f"{path}: {response.status_code}"
    return response, body.decode("utf-8", "replace")


@pytest.mark.parametrize(("side", "role", "surface"), CELLS)
def test_cell(cast, side: str, role: str, surface: Surface) -> None:
    other = cast[SIDES[side]]
    client = Client()
    client.force_login(cast[side].users[role])
    target = cast[side] if surface.own else other
    path = surface.path(target)
    before = _state(other)
    _, body = _fetch(client, surface, path, surface.expect, target)
    assert leaked(body, other.sentinels) == [], path
    assert _state(other) == before


def _reader_sentinels(side) -> list[str]:
    """The side's sentinels, but of its pack links only the unpublished month's (the reader
    follows links to its published packs), and not the name of whoever published one of its
    packs: a published pack says who published it."""
    area = side.partnership.area.code
    publishers = set(
        PackVersion.objects.filter(round__partnership=side.partnership).values_list(
            "published_by__last_name", flat=True
        )
    )
    kept = [s for s in side.sentinels if s != f"/packs/{area}/" and s not in publishers]
    return [*kept, f"/packs/{area}/{JAN:%Y-%m}/"]


@pytest.mark.parametrize(("side", "surface"), READER_CELLS)
def test_reader_cell(cast, side: str, surface: Surface) -> None:
    client = Client()
    client.force_login(get_user_model().objects.get(username="mopac"))
    path = surface.path(cast[side])
    before = [_state(s) for s in cast.values()]
    expect = reader_expect(surface)
    response, body = _fetch(client, surface, path, expect, cast[side])
    if expect == OPEN:
        assert response.status_code == 200, f"{path}: {response.status_code}"
    sentinels = [s for each in cast.values() for s in _reader_sentinels(each)]
    assert leaked(body, sentinels) == [], path
    assert [_state(s) for s in cast.values()] == before
