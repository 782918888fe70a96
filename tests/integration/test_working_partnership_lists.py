"""The home page and the pack index list the working partnership's rounds and packs, named in
the heading; the header's switcher leads to the person's other partnerships (ADR 0016, as
amended by 0019). A regional reader's packs of other partnerships stay listed, apart."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from csp.models import Partnership, RegionalReader, Role, RoleKind
from submissions.cycle import services
from submissions.models import ReportingRound
from submissions.packs.publish import round_publish
from tests.integration.conftest import BARNET_COORDINATOR, bd

pytestmark = pytest.mark.django_db
DEC = dt.date(2016, 12, 1)
NOW = dt.datetime(2017, 1, 20, 9, 0, tzinfo=dt.UTC)
BD_DEC, BARNET_DEC = "/packs/E09000002/2016-12/", "/packs/E09000003/2016-12/"


@pytest.fixture
def barnet_published(barnet: Partnership) -> Partnership:
    """Barnet with its January 2017 round open and its December 2016 pack published (every
    item "not available")."""
    coordinator = get_user_model().objects.get(username=BARNET_COORDINATOR)
    dec = services.round_create(
        partnership_id=barnet.id, month=DEC, deadline=dt.date(2017, 1, 10),
        user=coordinator, now=NOW,
    )  # fmt: skip
    dec.submissions.update(status="approved", entry_status="not_available", reason="Not yet")
    round_publish(round_id=dec.pk, user=coordinator, change_note="", now=NOW)
    return barnet


def _person(kind: str, *partnerships: Partnership):
    user = get_user_model().objects.create(username=f"two-{kind}")
    for partnership in partnerships:
        Role.objects.create(user=user, partnership=partnership, kind=kind)
    client = Client()
    client.force_login(user)
    return user, client


def _heading(html: str) -> str:
    return re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1).strip()


def _pack_links(html: str) -> set[str]:
    return set(re.findall(r'href="(/packs/E\d+/\d{4}-\d{2}/)"', html))


def test_the_pack_index_lists_the_working_partnerships_packs(barnet_published) -> None:
    _, client = _person(RoleKind.BOARD_MEMBER, bd(), barnet_published)
    html = client.get("/packs/").content.decode()
    # Barking and Dagenham first (the lower id): the demo published its December 2016 pack only.
    assert _heading(html) == bd().name
    assert _pack_links(html) == {BD_DEC}
    client.post("/partnership/", {"partnership": barnet_published.id})
    html = client.get("/packs/").content.decode()
    assert _heading(html) == "Barnet Community Safety Partnership"
    assert _pack_links(html) == {BARNET_DEC}
    assert client.get(BD_DEC).status_code == 200  # a pack of theirs, whichever they work in


def test_the_home_page_lists_the_working_partnerships_rounds(barnet_published) -> None:
    # An administrator role without staff status lands nowhere in particular: the home page.
    _, client = _person(RoleKind.ADMINISTRATOR, bd(), barnet_published)
    response = client.get("/")
    assert response.status_code == 200
    data = response.context["data"]
    bd_months = list(
        ReportingRound.objects.filter(partnership=bd()).order_by("-month").values_list("month")
    )
    assert (data.partnership, [(r.month,) for r in data.rounds]) == (bd().name, bd_months)
    assert data.other_partnerships == 1
    assert _heading(response.content.decode()) == bd().name
    client.post("/partnership/", {"partnership": barnet_published.id})
    data = client.get("/").context["data"]
    # Barnet's rounds: January 2017 (the fixture's) and December 2016 (published above).
    assert data.partnership == "Barnet Community Safety Partnership"
    assert [r.month for r in data.rounds] == [dt.date(2017, 1, 1), DEC]
    assert len(data.roles) == 1 and "Administrator" in data.roles[0]  # its roles there only


def test_a_member_who_reads_a_region_sees_its_other_partnerships_packs_apart(
    barnet_published,
) -> None:
    from csp.models import Region

    user, client = _person(RoleKind.BOARD_MEMBER, bd())
    RegionalReader.objects.create(user=user, region=Region.objects.get(code="london"))
    html = client.get("/packs/").content.decode()
    own, _, regional = html.partition("Published packs of your regions")
    assert _heading(html) == bd().name
    assert _pack_links(own) == {BD_DEC}
    assert _pack_links(regional) == {BARNET_DEC}  # its own partnership is not listed twice
    assert client.get(BARNET_DEC).status_code == 200


def test_a_regional_reader_with_no_role_sees_the_regions_packs(barnet_published) -> None:
    client = Client()
    client.force_login(get_user_model().objects.get(username="mopac"))  # the demo's reader
    html = client.get("/packs/").content.decode()
    assert _heading(html) == "Board packs"
    assert _pack_links(html) == {BD_DEC, BARNET_DEC}


def test_the_cycle_pages_name_the_working_partnership(analyst, barnet) -> None:
    client = Client()
    client.force_login(analyst)
    caption = '<span class="govuk-caption-m">{}</span>'
    assert caption.format(bd().name) in client.get("/submissions/").content.decode()
    client.post("/partnership/", {"partnership": barnet.id})
    assert caption.format(barnet.name) in client.get("/submissions/").content.decode()
    coordinator = get_user_model().objects.get(username=BARNET_COORDINATOR)
    client.force_login(coordinator)
    for page in ("/rounds/", "/review/"):
        assert caption.format(barnet.name) in client.get(page).content.decode(), page


@pytest.mark.parametrize(
    ("username", "path"),
    [
        ("mopac", "/packs/"),  # the regional reader's index: both boroughs' packs
        ("board", "/"),  # the board member's landing: the latest pack
        ("board", "/api/packs/"),
        (BARNET_COORDINATOR, "/rounds/"),
        (BARNET_COORDINATOR, "round"),
        ("admin", "/admin/submissions/packversion/"),
    ],
)
def test_the_pages_that_list_versions_read_no_snapshot(barnet_published, username, path) -> None:
    """A version's snapshot is a whole pack, read only where that pack is shown: lists of
    versions (the pack index, the landing's latest pack, the API's list, the rounds, a round and
    the admin's list) name versions, and a partnership with ten years of packs would read them
    all."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if path == "round":
        path = f"/rounds/{ReportingRound.objects.get(partnership=barnet_published, month=DEC).pk}/"
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code in {200, 302}, path
    listed = [q["sql"] for q in queries if "submissions_packversion" in q["sql"]]
    assert listed and not any('"snapshot"' in sql for sql in listed), listed
    if path == "/rounds/":
        assert re.search(r"December 2016</a></td><td>[^<]*</td><td>[^<]*</td><td>1</td>",
                         response.content.decode())  # fmt: skip
