"""The matrix walks every URL pattern: a new page, endpoint or export cannot escape it. And the
matrix can fail: the same surfaces give each partnership's own coordinator its own sentinels."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.isolation.surfaces import NOT_WALKED, REFUSED, SURFACES

pytestmark = pytest.mark.django_db


def url_names(resolver: URLResolver | None = None, namespace: str = "") -> set[str]:
    """Every named pattern outside the Django admin (which only ``can_use_admin`` opens)."""
    names: set[str] = set()
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            if entry.app_name == "admin":
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            names |= url_names(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            names.add(namespace + entry.name)
    return names


def test_every_url_pattern_is_walked_or_named_as_carrying_no_partnership_data() -> None:
    walked = {surface.url_name for surface in SURFACES}
    unwalked = sorted(url_names() - walked - set(NOT_WALKED))
    assert unwalked == [], f"URL names the isolation matrix does not walk: {unwalked}"
    assert sorted(walked - url_names()) == [], "surfaces naming a pattern that is gone"


def test_the_walk_finds_a_new_pattern() -> None:
    from django.http import HttpResponse
    from django.urls import path

    from csp import urls

    class Conf:
        urlpatterns = [*urls.urlpatterns, path("x/", lambda r: HttpResponse(), name="new-page")]

    assert url_names(get_resolver(Conf)) - url_names() == {"new-page"}


REGIONAL = {"region", "region-csv"}  # a region's readers', never a partnership's (ADR 0017):
# that the reader opens them is a cell of the matrix (``test_matrix.test_reader_cell``)
OWN_OPENS = [
    s
    for s in SURFACES
    if s.expect == REFUSED
    and s.method == "get"
    and "unpublished" not in s.id
    and s.id not in REGIONAL
]


@pytest.mark.parametrize("surface", OWN_OPENS, ids=[s.id for s in OWN_OPENS])
@pytest.mark.parametrize("side", ["bd", "barnet"])
def test_the_partnerships_own_coordinator_opens_what_the_other_is_refused(
    cast, side, surface
) -> None:
    client = Client()
    client.force_login(cast[side].users["coordinator"])
    assert client.get(surface.path(cast[side])).status_code == 200


@pytest.mark.parametrize(
    ("path", "sentinel"),
    [
        ("/review/?status=", "draft-figure"),
        ("/api/submissions/", "draft-text"),
        ("/submissions/", "draft-figure"),
        ("/api/month-values/?area={area}&month_from=2017-01", "approved-figure"),
        ("/api/actions/", "action-text"),
        ("/submissions/{draft}/", "action-text"),
        ("/api/adoptions/?indicator=tno", "adoption-text"),
        ("/api/targets/?indicator=tno", "target-text"),
    ],
)
@pytest.mark.parametrize("side", ["bd", "barnet"])
def test_the_partnerships_own_coordinator_receives_its_sentinels(cast, side, path, sentinel):
    own = cast[side]
    client = Client()
    client.force_login(own.users["coordinator"])
    url = path.format(area=own.partnership.area.code, draft=own.draft.pk)
    body = client.get(url, follow=True).content.decode()
    n = own.sentinels[0].rsplit("-", 1)[1]
    wanted = {
        "draft-figure": f"{900_000 + int(n):,}",
        "draft-text": own.sentinels[0],
        "approved-figure": str(800_000 + int(n)),
        "action-text": own.action.text,
        "adoption-text": f"{side.upper()}-SECRET-ADOPTION-{n}",
        "target-text": f"{side.upper()}-SECRET-TARGET-{n}",
    }[sentinel]
    assert wanted in body
