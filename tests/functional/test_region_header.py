"""The header's "Regions" link (issue 11, ADR 0017) is decided with the roles, in the query the
header already makes: it adds no query to a signed-in page, and a reader removed from a region
loses the link and the pages on their next request."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from csp.models import Region, RegionalReader

pytestmark = pytest.mark.django_db
PACK = "/packs/E09000002/2016-12/"  # the demo's published December 2016 pack
LINK = b'<a href="/packs/region/">Regions</a>'


def _get(client: Client, path: str) -> tuple[bytes, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, path
    return response.content, [q["sql"] for q in queries]


def test_the_regions_link_adds_no_query_to_a_signed_in_page() -> None:
    board = get_user_model().objects.get(username="board")
    client = Client()
    client.force_login(board)
    client.get(PACK)  # the session, warmed
    html, before = _get(client, PACK)
    assert LINK not in html
    RegionalReader.objects.create(user=board, region=Region.objects.get(code="london"))
    html, after = _get(client, PACK)
    assert LINK in html
    assert len(after) == len(before), after
    # The readers' table is read once, in the query that reads the roles.
    readers = [sql for sql in after if "csp_regionalreader" in sql]
    assert len(readers) == 1 and "csp_role" in readers[0], readers


def test_a_removed_reader_loses_the_link_and_the_pages_at_once() -> None:
    client = Client()
    client.force_login(get_user_model().objects.get(username="mopac"))
    comparison = "/packs/region/london/tno/2016-12/"
    assert LINK in client.get("/packs/region/").content
    assert client.get(comparison).status_code == 200
    RegionalReader.objects.filter(user__username="mopac").delete()
    assert client.get(comparison).status_code == 404
    assert client.get("/packs/E09000002/2016-12/").status_code == 404
    assert LINK not in client.get("/packs/").content
