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
from submissions.models import PackVersion, ReportingRound, Submission

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
            "&month_from=2016-12&month_to=2016-12"
        )
        .json()
    )
    assert data["count"] == 1
    assert data["results"][0]["value"] == 1386
    metrics = (
        api("coordinator")
        .get("/api/derived-metrics/?indicator=tno&month_from=2016-12&month_to=2016-12")
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
    response = api(role).get("/api/month-values/?indicator=tno&month_from=2017-01")
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


def test_the_openapi_schema_validates(tmp_path) -> None:
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    text = out.read_text()
    assert "/api/submissions/{id}/approve/" in text
    for path in (
        "/api/rounds/{id}/close/",
        "/api/rounds/{id}/publish/",
        "/api/rounds/{id}/reopen/",
    ):
        assert path in text
    assert "'409':" in text  # the refusals are documented
    assert api("board").get("/api/schema/").status_code == 200


def test_the_browsable_api_is_a_docs_page_for_signed_in_users(client) -> None:
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


# --- rounds: create, close, publish, reopen --------------------------------------------------

DEC = dt.date(2016, 12, 1)
ROUND_CAST = [*CAST, "admin", "other_partnership"]
# Only the partnership's coordinator acts on its rounds. Anyone else with a role in it is told
# no (403); someone from another partnership cannot see the round at all (404), and may not
# open one for an area that is not theirs (403).
ROUND_REFUSED = {
    "own_lead": 403,
    "other_lead": 403,
    "board": 403,
    "admin": 403,
    "other_partnership": 404,
}


def round_api(role: str) -> APIClient:
    if role == "admin":
        client = APIClient()
        client.force_authenticate(get_user_model().objects.get(username="admin"))
        return client
    if role == "other_partnership":
        from csp.models import Area, Partnership, Role

        barnet = Partnership.objects.create(
            name="Barnet CSP", area=Area.objects.get(code="E09000003")
        )
        stranger = get_user_model().objects.create(username="barnet-coordinator")
        Role.objects.create(user=stranger, partnership=barnet, kind="coordinator")
        client = APIClient()
        client.force_authenticate(stranger)
        return client
    return api(role)


def _round(month: dt.date) -> ReportingRound:
    return ReportingRound.objects.get(month=month)


def _round_action(client: APIClient, action: str):
    """Do it; return the response and whether it took effect."""
    if action == "create":
        response = client.post(
            "/api/rounds/",
            {"area": "E09000002", "month": "2017-02", "deadline": "2017-03-10"},
            format="json",
        )
        return response, ReportingRound.objects.filter(month=dt.date(2017, 2, 1)).exists()
    if action == "close":
        response = client.post(f"/api/rounds/{_round(JAN).pk}/close/")
        return response, _round(JAN).status == "closed"
    if action == "publish":
        Submission.objects.filter(round__month=JAN).update(
            status="approved", entry_status="not_available", reason="x"
        )
        response = client.post(
            f"/api/rounds/{_round(JAN).pk}/publish/", {"change_note": ""}, format="json"
        )
        return response, PackVersion.objects.filter(round__month=JAN).exists()
    response = client.post(
        f"/api/rounds/{_round(DEC).pk}/reopen/", {"reason": "Fire figures"}, format="json"
    )
    return response, _round(DEC).status == "reopened"


@pytest.mark.parametrize("action", ["create", "close", "publish", "reopen"])
@pytest.mark.parametrize("role", ROUND_CAST)
def test_round_actions_obey_the_matrix(role: str, action: str) -> None:
    response, took_effect = _round_action(round_api(role), action)
    if role == "coordinator":
        assert response.status_code == (201 if action in {"create", "publish"} else 200)
        assert took_effect, response.content
        return
    assert not took_effect
    if role == "anonymous":
        assert response.status_code in {401, 403}
    elif role == "other_partnership" and action == "create":
        assert response.status_code == 403  # not their partnership's area
    else:
        assert response.status_code == ROUND_REFUSED[role], response.content
    assert response.json()["detail"]


def test_a_round_is_created_for_a_month_with_its_submissions() -> None:
    response = api("coordinator").post(
        "/api/rounds/",
        {"area": "E09000002", "month": "2017-02", "deadline": "2017-03-10"},
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["area"], body["month"], body["deadline"], body["status"]) == (
        "E09000002",
        "2017-02",
        "2017-03-10",
        "open",
    )
    # February: the three quarterly indicators are not due
    assert ReportingRound.objects.get(pk=body["id"]).submissions.count() == 34 - 3


def test_publishing_twice_through_the_api_makes_one_version_and_a_conflict() -> None:
    Submission.objects.filter(round__month=JAN).update(
        status="approved", entry_status="not_available", reason="x"
    )
    client = api("coordinator")
    url = f"/api/rounds/{_round(JAN).pk}/publish/"
    first = client.post(url, {"change_note": ""}, format="json")
    assert first.status_code == 201
    assert (first.json()["number"], first.json()["month"]) == (1, "2017-01")
    second = client.post(url, {"change_note": "Again"}, format="json")
    assert second.status_code == 409
    assert second.json()["detail"].startswith(
        "Version 1 is already published and nothing has been reopened"
    )
    assert PackVersion.objects.filter(round__month=JAN).count() == 1


def test_a_correction_through_the_api_reopens_then_refuses_an_unchanged_version() -> None:
    client = api("coordinator")
    dec = _round(DEC)
    reopened = client.post(f"/api/rounds/{dec.pk}/reopen/", {"reason": "Check"}, format="json")
    assert (reopened.status_code, reopened.json()["status"]) == (200, "reopened")
    unchanged = client.post(
        f"/api/rounds/{dec.pk}/publish/", {"change_note": "Checked"}, format="json"
    )
    assert unchanged.status_code == 409
    assert "Nothing has changed since version 1" in unchanged.json()["detail"]
    no_note = client.post(f"/api/rounds/{dec.pk}/publish/", {}, format="json")
    assert no_note.status_code == 400
    assert "Say what changed" in no_note.json()["detail"]


@pytest.mark.parametrize(
    ("call", "status", "message"),
    [
        (("post", "/api/rounds/{dec}/close/", None), 409, "published round cannot be closed"),
        (("post", "/api/rounds/{jan}/reopen/", {"reason": "x"}), 409, "Only a published round"),
        (("post", "/api/rounds/{dec}/reopen/", {"reason": " "}), 400, "Say what needs correcting"),
        (("post", "/api/rounds/{dec}/reopen/", {}), 400, "reason"),
        (("post", "/api/rounds/{jan}/publish/", {}), 409, "Not everything is approved yet"),
        (("post", "/api/rounds/999999/close/", None), 404, ""),
        (("post", "/api/rounds/999999/publish/", {}), 404, ""),
        (
            (
                "post",
                "/api/rounds/",
                {"area": "E09000002", "month": "2017-01", "deadline": "2017-02-10"},
            ),
            409,
            "already a January 2017 round",
        ),
        (
            (
                "post",
                "/api/rounds/",
                {"area": "E09000002", "month": "Feb 2017", "deadline": "2017-03-10"},
            ),
            400,
            "month",
        ),
        (
            (
                "post",
                "/api/rounds/",
                {"area": "E09000002", "month": "2017-02", "deadline": "2017-01-10"},
            ),
            400,
            "The deadline cannot be before the month",
        ),
        (
            (
                "post",
                "/api/rounds/",
                {"area": "E09999999", "month": "2017-02", "deadline": "2017-03-10"},
            ),
            400,
            "area",
        ),
        (
            (
                "post",
                "/api/rounds/",
                {"area": "E09000003", "month": "2017-02", "deadline": "2017-03-10"},
            ),
            400,
            "area",  # Barnet is a comparator area here, with no partnership of its own
        ),
    ],
)
def test_round_refusals_are_mapped_to_status_codes_with_a_message(
    call: tuple[str, str, dict[str, str] | None], status: int, message: str
) -> None:
    method, url, body = call
    url = url.format(dec=_round(DEC).pk, jan=_round(JAN).pk)
    response = getattr(api("coordinator"), method)(url, body, format="json")
    assert response.status_code == status, response.content
    assert message in str(response.json())
    assert PackVersion.objects.count() == 1  # the demo's December version 1, nothing more
    assert ReportingRound.objects.count() == 2
