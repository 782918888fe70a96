"""The REST API: same permission rules as the pages, the workflow through its services, and a
schema that validates."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from indicators.models import MonthValue
from submissions.models import Submission

pytestmark = pytest.mark.django_db
JAN = dt.date(2017, 1, 1)
CAST = ["own_lead", "other_lead", "coordinator", "board", "anonymous"]
USERS = {"own_lead": "police", "other_lead": "fire", "coordinator": "coordinator", "board": "board"}


def api(role: str) -> APIClient:
    client = APIClient()
    if role != "anonymous":
        client.force_authenticate(get_user_model().objects.get(username=USERS[role]))
    return client


def tno() -> Submission:
    return Submission.objects.get(round__month=JAN, indicator__code="tno")


def test_token_authentication() -> None:
    token = Token.objects.create(user=get_user_model().objects.get(username="board"))
    client = APIClient()
    assert client.get("/api/indicators/").status_code in {401, 403}
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = client.get("/api/indicators/")
    assert response.status_code == 200
    assert response.json()["count"] == 34


def test_reads_are_paginated_and_filtered() -> None:
    data = (
        api("coordinator")
        .get(
            "/api/month-values/?indicator=tno&area=E09000002"
            "&month_from=2016-12-01&month_to=2016-12-31"
        )
        .json()
    )
    assert data["count"] == 1
    assert data["results"][0]["value"] == 1386
    metrics = (
        api("coordinator")
        .get("/api/derived-metrics/?indicator=tno&month_from=2016-12-01&month_to=2016-12-01")
        .json()["results"][0]
    )
    assert (metrics["ytd"], metrics["r12"], metrics["rag"]) == (13207, 17587, "R")


VISIBLE_SUBMISSION = {
    "own_lead": True,
    "other_lead": False,
    "coordinator": True,
    "board": False,
    "anonymous": False,
}


@pytest.mark.parametrize("role", CAST)
def test_submissions_are_visible_as_on_the_pages(role: str) -> None:
    response = api(role).get(f"/api/submissions/{tno().pk}/")
    expected = 200 if VISIBLE_SUBMISSION[role] else (403 if role == "anonymous" else 404)
    assert response.status_code in ({401, 403} if role == "anonymous" else {expected})


@pytest.mark.parametrize("role", CAST)
def test_an_unpublished_figure_is_visible_only_to_its_agency_and_the_coordinator(role: str) -> None:
    from csp.models import Area
    from indicators.models import Indicator

    MonthValue.objects.create(
        indicator=Indicator.objects.get(code="tno"),
        area=Area.objects.get(code="E09000002"),
        month=JAN,
        value=98765,
    )
    response = api(role).get("/api/month-values/?indicator=tno&month_from=2017-01-01")
    if role == "anonymous":
        assert response.status_code in {401, 403}
        return
    values = [r["value"] for r in response.json()["results"]]
    assert (98765 in values) is (role in {"own_lead", "coordinator"})


ACTIONS = {
    "save": {"own_lead", "coordinator"},
    "submit": {"own_lead", "coordinator"},
    "approve": {"coordinator"},
    "return": {"coordinator"},
    "override": {"coordinator"},
}


@pytest.mark.parametrize("action", sorted(ACTIONS))
@pytest.mark.parametrize("role", CAST)
def test_workflow_actions_obey_the_matrix(role: str, action: str) -> None:
    sub = tno()
    client = api(role)
    if action in {"approve", "return"}:
        Submission.objects.filter(pk=sub.pk).update(status="submitted", value=1420)
    url = f"/api/submissions/{sub.pk}/"
    entry = {"version": sub.version, "value": 1420}
    response = {
        "save": lambda: client.put(url, entry, format="json"),
        "submit": lambda: client.post(url + "submit/", entry, format="json"),
        "approve": lambda: client.post(url + "approve/"),
        "return": lambda: client.post(url + "return/", {"reason": "Check"}, format="json"),
        "override": lambda: client.post(
            url + "override/", {"rag": "G", "justification": "x"}, format="json"
        ),
    }[action]()
    allowed = role in ACTIONS[action]
    assert (response.status_code == 200) is allowed, response.content
    if not allowed:
        assert response.status_code in {401, 403, 404}


def test_bad_input_gets_a_clear_error_and_nothing_saved() -> None:
    sub = tno()
    response = api("own_lead").post(
        f"/api/submissions/{sub.pk}/submit/", {"version": sub.version, "value": -5}, format="json"
    )
    assert response.status_code == 400
    assert "value" in response.json()
    stale = api("own_lead").put(
        f"/api/submissions/{sub.pk}/", {"version": sub.version + 7, "value": 5}, format="json"
    )
    assert stale.status_code == 409
    assert tno().status == "not_started"


def test_published_packs_and_rounds() -> None:
    packs = api("board").get("/api/packs/").json()
    assert packs["count"] == 1 and packs["results"][0]["month"] == "2016-12"
    detail = api("board").get(f"/api/packs/{packs['results'][0]['id']}/").json()
    assert len(detail["snapshot"]["indicators"]) == 34
    rounds = api("board").get("/api/rounds/").json()
    assert {r["month"] for r in rounds["results"]} == {"2016-12", "2017-01"}


def test_the_openapi_schema_validates(tmp_path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    text = out.read_text()
    assert "/api/submissions/{id}/approve/" in text
    assert api("board").get("/api/schema/").status_code == 200


def test_the_browsable_api_is_a_docs_page_for_signed_in_users(client) -> None:  # type: ignore[no-untyped-def]
    client.force_login(get_user_model().objects.get(username="coordinator"))
    page = client.get("/api/", HTTP_ACCEPT="text/html")
    assert page.status_code == 200
    assert b"submissions" in page.content and b"month-values" in page.content


def test_the_partnerships_own_figures_reach_the_board_only_as_published_packs() -> None:
    # A correction approved after publication must not show before the next version.
    board = api("board").get("/api/month-values/?area=E09000002").json()
    assert board["count"] == 0
    barnet_visible = api("board").get("/api/areas/E09000003/")
    assert barnet_visible.status_code == 200
