"""``/api/adoptions/`` and ``/api/targets/`` (issue 11, item 6): read only, the adoptions and
targets of the partnerships the caller holds a role in, filtered by partnership (its area's
code), indicator and financial year; a regional reader, who holds no role, reads none.

Expected values are the demo's transcription of the December 2016 pack
(``submissions/demo/data/indicators/01-tno.yaml``): TNO is first in the pack, in the Crime and
Enforcement portfolio, owned by the police, with the 2016/17 target "Reduction on last years
figures" (a reduction on last year). The demo adopts all 34 indicators; each has one 2016/17
target but PHOF 2.15 (``26-phof-2-15.yaml``), which has one per category (opiate, non-opiate):
33 + 2 = 35 targets."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from rest_framework.test import APIClient

from csp.models import Agency, Partnership, Role, RoleKind
from indicators.models import Adoption
from indicators.partnerships import partnership_setup

pytestmark = pytest.mark.django_db
BD, BARNET = "E09000002", "E09000003"


def api(username: str) -> APIClient:
    client = APIClient()
    client.force_authenticate(get_user_model().objects.get(username=username))
    return client


@pytest.fixture
def analyst() -> str:
    """Barnet set up from Barking and Dagenham's indicators, and a police lead of both."""
    partnership_setup(
        area_code=BARNET,
        name="Barnet Community Safety Partnership",
        coordinator_email="barnet.coordinator@example.org",
        indicators_from=BD,
    )
    user = get_user_model().objects.create(username="analyst")
    for partnership in Partnership.objects.filter(area__code__in=[BD, BARNET]):
        agency = Agency.objects.get(partnership=partnership, code="police")
        Role.objects.create(
            user=user, partnership=partnership, kind=RoleKind.AGENCY_LEAD, agency=agency
        )
    return "analyst"


def test_a_partnerships_people_read_its_adoptions_and_targets() -> None:
    adoptions = api("board").get("/api/adoptions/").json()
    assert adoptions["count"] == 34
    tno = adoptions["results"][0]  # pack order 1
    assert {k: tno[k] for k in ("indicator", "area", "owner", "portfolio", "pack_order")} == {
        "indicator": "tno",
        "area": BD,
        "owner": "police",
        "portfolio": "Crime and Enforcement",
        "pack_order": 1,
    }
    assert [(t["financial_year"], t["kind"], t["text"]) for t in tno["targets"]] == [
        (2016, "reduce", "Reduction on last years figures")
    ]
    assert api("board").get(f"/api/adoptions/{tno['id']}/").json() == tno
    targets = api("police").get("/api/targets/?indicator=tno&financial_year=2016").json()
    (target,) = targets["results"]
    assert (target["area"], target["indicator"], target["adoption"]) == (BD, "tno", tno["id"])
    assert (target["kind"], target["category"]) == ("reduce", None)
    assert api("police").get(f"/api/targets/{target['id']}/").json() == target
    assert api("police").get("/api/targets/").json()["count"] == 35
    assert api("police").get("/api/targets/?financial_year=2017").json()["count"] == 0


def test_a_person_in_two_partnerships_reads_both_and_filters_by_partnership(analyst) -> None:
    client = api(analyst)
    both = client.get("/api/adoptions/?indicator=tno").json()["results"]
    assert [a["area"] for a in both] == [BD, BARNET]
    assert [a["owner"] for a in both] == ["police", "police"]  # each partnership's own agency
    (barnet,) = client.get(f"/api/adoptions/?partnership={BARNET}&indicator=tno").json()["results"]
    assert (
        barnet["id"]
        == Adoption.objects.get(partnership__area__code=BARNET, indicator__code="tno").id
    )
    assert client.get(f"/api/adoptions/?area={BARNET}").json()["count"] == 34
    targets = client.get("/api/targets/?indicator=tno").json()["results"]
    assert [(t["area"], t["financial_year"]) for t in targets] == [(BD, 2016), (BARNET, 2016)]
    assert client.get(f"/api/targets/?partnership={BARNET}").json()["count"] == 35  # copied
    # Barking and Dagenham's people read none of Barnet's.
    assert api("coordinator").get(f"/api/adoptions/{barnet['id']}/").status_code == 404
    assert api("coordinator").get(f"/api/adoptions/?partnership={BARNET}").json()["count"] == 0


def test_a_regional_reader_reads_no_adoption_nor_target() -> None:
    reader = api("mopac")  # the demo's London reader: its packs, not its partnerships' set-up
    assert reader.get("/api/adoptions/").json()["count"] == 0
    assert reader.get("/api/targets/").json()["count"] == 0
    tno = Adoption.objects.get(partnership__area__code=BD, indicator__code="tno")
    assert reader.get(f"/api/adoptions/{tno.id}/").status_code == 404
    assert reader.get(f"/api/targets/{tno.targets.get().id}/").status_code == 404


def test_the_endpoints_are_read_only_and_in_the_schema(tmp_path) -> None:
    tno = Adoption.objects.get(partnership__area__code=BD, indicator__code="tno")
    client = api("coordinator")
    assert client.post("/api/adoptions/", {}).status_code == 405
    assert client.put(f"/api/adoptions/{tno.id}/", {}).status_code == 405
    assert client.delete(f"/api/targets/{tno.targets.get().id}/").status_code == 405
    assert APIClient().get("/api/targets/").status_code in {401, 403}
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    text = out.read_text()
    for path in (
        "/api/adoptions/:",
        "/api/adoptions/{id}/:",
        "/api/targets/:",
        "/api/targets/{id}/:",
    ):
        assert path in text
    for component in ("AdoptionDetail:", "TargetDetail:", "TargetKindEnum:"):
        assert component in text
    assert "name: financial_year" in text
