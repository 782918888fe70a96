"""One month format in the API (ADR api-months): ``YYYY-MM`` in responses, filters and bodies;
anything else a 400 that says what a month looks like. Figures from the December 2016 pack
(/work/shared/seed/board-pack-2016-12.txt, Total Notifiable Offences)."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from submissions.api.months import MONTH_PATTERN

pytestmark = pytest.mark.django_db


def api(username: str) -> APIClient:
    client = APIClient()
    client.force_authenticate(get_user_model().objects.get(username=username))
    return client


def test_filters_take_months_and_responses_send_them() -> None:
    url = "/api/month-values/?indicator=tno&area=E09000002&month_from=2016-10&month_to=2016-12"
    rows = api("coordinator").get(url).json()["results"]
    # The pack's TNO row: Oct-16 1,403, Nov-16 1,387, Dec-16 1,386.
    assert sorted((r["month"], r["value"]) for r in rows) == [
        ("2016-10", 1403),
        ("2016-11", 1387),
        ("2016-12", 1386),
    ]
    assert all(re.fullmatch(MONTH_PATTERN.strip("^$"), r["month"]) for r in rows)


@pytest.mark.parametrize(
    "bad", ["2016-12-01", "2016-13", "2016-1", "Dec 2016", "0000-01", "%", "%s 100%"]
)
def test_a_filter_refuses_what_is_not_a_month(bad: str) -> None:
    # "%" once raised a server error: the message quoting it was %-formatted (found by schemathesis)
    response = api("coordinator").get("/api/derived-metrics/", {"month_from": bad})
    assert response.status_code == 400
    assert response.json() == {
        "month_from": [f"{bad} is not a month (YYYY-MM): give one as, e.g., 2016-12."]
    }


def test_a_body_takes_a_month_and_refuses_a_date() -> None:
    client = api("coordinator")
    refused = client.post(
        "/api/rounds/", {"area": "E09000002", "month": "2017-02-01"}, format="json"
    )
    assert refused.status_code == 400
    assert refused.json() == {
        "month": ["2017-02-01 is not a month (YYYY-MM): give one as, e.g., 2016-12."]
    }
    created = client.post("/api/rounds/", {"area": "E09000002", "month": "2017-02"}, format="json")
    assert created.status_code == 201
    assert (created.json()["month"], created.json()["deadline"]) == ("2017-02", "2017-03-10")


def test_the_schema_declares_months_as_patterned_strings() -> None:
    schema = api("board").get("/api/schema/?format=json").json()
    month_value = schema["components"]["schemas"]["MonthValue"]["properties"]["month"]
    assert (month_value["type"], month_value["pattern"]) == ("string", MONTH_PATTERN)
    derived = schema["components"]["schemas"]["DerivedMetric"]["properties"]
    assert derived["figure_month"]["nullable"] is True
    params = {p["name"]: p for p in schema["paths"]["/api/month-values/"]["get"]["parameters"]}
    assert params["month_from"]["schema"]["pattern"] == MONTH_PATTERN
    body = schema["components"]["schemas"]["RoundCreate"]["properties"]["month"]
    assert body["pattern"] == MONTH_PATTERN
    months = [
        prop
        for component in schema["components"]["schemas"].values()
        for name, prop in component.get("properties", {}).items()
        if name.endswith("month") or name in {"created_in", "closed_in"}
    ]
    assert len(months) >= 8
    assert all(p.get("pattern") == MONTH_PATTERN and "format" not in p for p in months)
