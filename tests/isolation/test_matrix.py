"""Isolation as a matrix (issue 11, item 5): actor × the other partnership's object × surface.

Each cell signs in one person of one partnership (its coordinator, board member or police lead)
and aims one surface (``surfaces.SURFACES``: every page, pack, PDF, export and API endpoint)
at the *other* partnership's objects (and, as ``own-*``, at its own: a page that sets them beside
comparator areas must not show the other's unpublished figures). An object of the other
partnership is refused (403/404) and left unchanged; a page of the actor's own may open, but no
sentinel of the other partnership (its draft and approved commentary and figures, its import
file, its people's names, links to its objects) is ever in what the actor receives.
"""

from __future__ import annotations

import pytest
from django.test import Client

from submissions.models import PackVersion, ReportingRound, Submission
from tests.isolation.surfaces import REFUSED, SURFACES, Surface

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
    return [
        list(subs.values_list("status", "version", "rag_override")),
        ReportingRound.objects.get(pk=side.round.pk).status,
        PackVersion.objects.filter(round__partnership=side.partnership).count(),
    ]


def leaked(body: str, sentinels: list[str]) -> list[str]:
    return [s for s in sentinels if s in body]


@pytest.mark.parametrize(("side", "role", "surface"), CELLS)
def test_cell(cast, side: str, role: str, surface: Surface) -> None:
    other = cast[SIDES[side]]
    client = Client()
    client.force_login(cast[side].users[role])
    path = surface.path(cast[side] if surface.own else other)
    before = _state(other)
    if surface.method == "get":
        response = client.get(path, follow=surface.expect != REFUSED)
    else:
        response = client.post(path, surface.data)
    body = b"".join(response) if response.streaming else response.content
    assert response.status_code < 500, path
    if surface.expect == REFUSED:
        assert response.status_code in {403, 404}, f"{path}: {response.status_code}"
    assert leaked(body.decode("utf-8", "replace"), other.sentinels) == [], path
    assert _state(other) == before
