"""The API across partnerships (issue 11, item 6), with token authentication: rounds,
submissions, agencies, adoptions and targets scoped to the caller's partnerships; submissions
carry their round, indicator and owning agency; ``POST /api/rounds/`` opens a round in the
caller's partnership through the same service as the page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from csp.models import Agency, Partnership, Role, RoleKind
from submissions.models import ReportingRound, Submission
from tests.integration.conftest import BARNET_COORDINATOR, JAN, bd

pytestmark = pytest.mark.django_db
BARNET, BD = "E09000003", "E09000002"


def api(username: str) -> APIClient:
    token, _ = Token.objects.get_or_create(user=get_user_model().objects.get(username=username))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def everything(client: APIClient, url: str) -> list[dict]:
    rows: list[dict] = []
    while url:
        page = client.get(url).json()
        rows += page["results"]
        url = page["next"]
    return rows


def test_barnets_coordinator_opens_january_with_only_the_month(barnet_without_rounds) -> None:
    bd_january = list(
        ReportingRound.objects.get(partnership=bd(), month=JAN)
        .submissions.order_by("id")
        .values_list("id", "adoption_id", "status", "version")
    )
    response = api(BARNET_COORDINATOR).post("/api/rounds/", {"month": "2017-01"}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["area"], body["month"], body["deadline"], body["status"]) == (
        BARNET,
        "2017-01",
        "2017-02-10",  # the 10th of the following month, as the page suggests
        "open",
    )
    round_ = ReportingRound.objects.get(pk=body["id"])
    owners = set(round_.submissions.values_list("adoption__owner__partnership_id", flat=True))
    # January: the three quarterly indicators are not due
    assert owners == {barnet_without_rounds.id} and round_.submissions.count() == 34 - 3
    # Barking and Dagenham's people see none of it; their round is unchanged.
    for username in ("coordinator", "police", "board"):
        seen = {s["round"] for s in everything(api(username), "/api/submissions/")}
        assert round_.pk not in seen
        assert round_.pk not in {r["id"] for r in everything(api(username), "/api/rounds/")}
    after = ReportingRound.objects.get(partnership=bd(), month=JAN).submissions.order_by("id")
    assert list(after.values_list("id", "adoption_id", "status", "version")) == bd_january


def test_submissions_carry_round_indicator_and_owning_agency(barnet) -> None:
    rows = everything(api(BARNET_COORDINATOR), "/api/submissions/")
    round_ = ReportingRound.objects.get(partnership=barnet, month=JAN)
    # January: the three quarterly indicators are not due
    assert len(rows) == 34 - 3 and {r["round"] for r in rows} == {round_.pk}
    assert {r["area"] for r in rows} == {BARNET}
    tno = next(r for r in rows if r["indicator"] == "tno")
    expected = Submission.objects.get(round=round_, indicator__code="tno").adoption.owner
    assert expected.partnership_id == barnet.id
    assert tno["agency"] == expected.code
    barnet_codes = set(Agency.objects.filter(partnership=barnet).values_list("code", flat=True))
    assert {r["agency"] for r in rows} <= barnet_codes


def test_agencies_adoptions_and_targets_are_the_callers_partnerships(analyst, barnet) -> None:
    def areas(username: str) -> set[str]:
        return {a["area"] for a in everything(api(username), "/api/agencies/")}

    assert areas(BARNET_COORDINATOR) == {BARNET}
    assert areas("coordinator") == {BD}
    assert areas("analyst") == {BD, BARNET}
    assert len(everything(api("analyst"), "/api/agencies/")) == 2 * bd().agencies.count()
    police = Agency.objects.get(partnership=barnet, leads__user=analyst).code
    assert api("analyst").get(f"/api/agencies/{police}/").status_code == 400  # which one?
    one = api("analyst").get(f"/api/agencies/{police}/?area={BARNET}").json()
    assert (one["code"], one["area"]) == (police, BARNET)
    assert api(BARNET_COORDINATOR).get(f"/api/agencies/{police}/").json()["area"] == BARNET
    fires = api(BARNET_COORDINATOR).get("/api/indicators/outdoor-rubbish-fires/").json()
    (adoption,) = fires["adoptions"]
    assert adoption["area"] == BARNET
    assert [(t["kind"], t["value"]) for t in adoption["targets"]] == [("ceiling", "257.000")]
    both = api("analyst").get("/api/indicators/outdoor-rubbish-fires/").json()["adoptions"]
    assert sorted(a["area"] for a in both) == [BD, BARNET]


def test_a_lead_in_two_partnerships_sees_their_agencys_items_in_both(analyst, barnet) -> None:
    rows = [r for r in everything(api("analyst"), "/api/submissions/") if r["month"] == "2017-01"]
    police = Agency.objects.get(partnership=barnet, leads__user=analyst).code
    assert {r["area"] for r in rows} == {BD, BARNET}
    assert {r["agency"] for r in rows} == {police}
    for area in (BD, BARNET):
        owned = Submission.objects.filter(
            round__partnership__area__code=area, round__month=JAN, adoption__owner__code=police
        ).count()
        assert owned and sum(r["area"] == area for r in rows) == owned


def test_another_partnerships_round_is_not_found(barnet) -> None:
    round_ = ReportingRound.objects.get(partnership=barnet, month=JAN)
    client = api("coordinator")
    assert client.get(f"/api/rounds/{round_.pk}/").status_code == 404
    assert client.post(f"/api/rounds/{round_.pk}/close/").status_code == 404
    sub = round_.submissions.order_by("id").first()
    assert client.get(f"/api/submissions/{sub.pk}/").status_code == 404
    assert client.post(f"/api/submissions/{sub.pk}/approve/").status_code == 404
    round_.refresh_from_db()
    assert round_.status == "open"


@pytest.mark.parametrize(
    ("username", "body", "status", "message"),
    [
        (BARNET_COORDINATOR, {"month": "2017-01"}, 409, "already a January 2017 round"),
        (BARNET_COORDINATOR, {"month": "2017-13"}, 400, "2017-13 is not a month (YYYY-MM)"),
        (BARNET_COORDINATOR, {"month": "January"}, 400, "month"),
        (BARNET_COORDINATOR, {}, 400, "month"),
        (BARNET_COORDINATOR, {"month": "2017-02", "partnership": BD}, 403, "coordinator"),
        (BARNET_COORDINATOR, {"month": "2017-02", "partnership": "X1"}, 400, "No partnership"),
        (
            BARNET_COORDINATOR,
            {"month": "2017-02", "partnership": BARNET, "area": BD},
            400,
            "name different partnerships",
        ),
        ("analyst", {"month": "2017-02"}, 403, "Only the partnership coordinator"),
        ("analyst", {"month": "2017-02", "partnership": BARNET}, 403, "coordinator"),
        ("board", {"month": "2017-02"}, 403, "Only the partnership coordinator"),
    ],
)
def test_opening_a_round_is_refused_with_a_clear_message(
    analyst, barnet, username: str, body: dict, status: int, message: str
) -> None:
    rounds = ReportingRound.objects.count()
    response = api(username).post("/api/rounds/", body, format="json")
    assert response.status_code == status, response.content
    assert message in str(response.json())
    assert ReportingRound.objects.count() == rounds


def test_a_coordinator_of_several_partnerships_names_one(barnet) -> None:
    coordinator = get_user_model().objects.get(username="coordinator")
    Role.objects.create(user=coordinator, partnership=barnet, kind=RoleKind.COORDINATOR)
    client = api("coordinator")
    refused = client.post("/api/rounds/", {"month": "2017-02"}, format="json")
    assert refused.status_code == 400
    assert "You coordinate several partnerships" in str(refused.json()["partnership"])
    made = client.post("/api/rounds/", {"month": "2017-02", "partnership": BARNET}, format="json")
    assert made.status_code == 201 and made.json()["area"] == BARNET
    assert not ReportingRound.objects.filter(partnership=bd(), month=dt.date(2017, 2, 1)).exists()
    assert Partnership.objects.get(area__code=BARNET).rounds.count() == 2
