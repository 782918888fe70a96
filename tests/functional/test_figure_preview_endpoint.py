"""The figure in context over HTTP (issue 15 item 3): GET /submissions/<id>/preview/ answers
what a typed figure does to the pack, for whoever may enter or review the submission, and
writes nothing. Figures by hand from the seed: TNO's year to date to December 2016 is 13,207;
with January 2017's 1,421 it is 14,628."""

from __future__ import annotations

import pytest

from indicators.models import DerivedMetric, MonthValue
from submissions.models import Submission
from tests.functional.bad_input_helpers import jan, web

pytestmark = pytest.mark.django_db


def _preview(username: str, query: str = "figure=1%2C421"):
    return web(username).get(f"/submissions/{jan('tno').pk}/preview/?{query}")


def test_the_lead_sees_the_year_to_date_with_the_typed_figure() -> None:
    stored = (MonthValue.objects.count(), DerivedMetric.objects.count())
    history = Submission.history.count()
    response = _preview("police")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    data = response.json()
    assert data["figure"] == "1,421"
    assert (data["before"]["ytd"], data["after"]["ytd"]) == ("13,207", "14,628")
    assert data["after"]["label"] == "April 2016 to January 2017"
    assert data["after"]["reason"]
    assert len(data["chart"]) == 24
    assert (MonthValue.objects.count(), DerivedMetric.objects.count()) == stored
    assert Submission.history.count() == history


def test_the_coordinator_may_preview_too() -> None:
    assert _preview("coordinator").json()["after"]["ytd"] == "14,628"


def test_another_agency_is_told_nothing() -> None:
    assert _preview("fire").status_code == 404


def test_a_figure_not_typed_as_a_number_is_told_so() -> None:
    data = _preview("police", "figure=abc").json()
    assert data["error"] == "Enter the figure as a whole number, like 1421"
    assert data["figure"] == ""
    assert data["after"] == data["before"]


def test_only_get() -> None:
    response = web("police").post(f"/submissions/{jan('tno').pk}/preview/", {"figure": "1"})
    assert response.status_code == 405


def test_without_scripts_the_saved_figure_shows_in_context() -> None:
    sub = jan("tno")
    client = web("police")
    data = {"entry_status": "reported", "version": str(sub.version), "action": "save"}
    assert client.post(f"/submissions/{sub.pk}/", {**data, "value": "1,421"}).status_code == 302
    html = client.get(f"/submissions/{sub.pk}/").content.decode()
    assert 'id="ytd-before">13,207' in html
    assert '<span data-preview="after.ytd">14,628</span>' in html
    assert 'data-preview-url="/submissions/' in html
