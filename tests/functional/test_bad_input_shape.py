"""Bad input (issue 9): an entry whose shape does not fit the indicator's kind is refused
naming the field, through the API, on approval and in a bulk approval; nothing is stored."""

from __future__ import annotations

import pytest

from indicators.models import MonthValue
from submissions.models import Submission
from tests.functional.bad_input_helpers import JAN, _unchanged, api, jan, web

pytestmark = pytest.mark.django_db


# --- the entry's shape fits the indicator's kind ----------------------------------------------


def test_a_lead_cannot_send_categories_for_an_indicator_that_has_none() -> None:
    sub = jan("tno")
    response = api("police").post(
        f"/api/submissions/{sub.pk}/submit/",
        {"version": sub.version, "value": 1400, "categories": {"zz": 1}},
        format="json",
    )
    assert response.status_code == 400
    assert "categories" in response.json()["errors"]
    _unchanged(sub)


@pytest.mark.parametrize(
    ("username", "code", "body", "field"),
    [
        ("police", "tno", {"value": 1400, "numerator": 9, "denominator": 3}, "numerator"),
        ("police", "tno", {"value": 1400, "numerator": 5}, "numerator"),
        ("police", "tno", {"value": 1400, "decimal_value": "2.5"}, "decimal_value"),
        ("probation", "atr-completions", {"numerator": 5, "denominator": 9, "value": 3}, "value"),
        ("police", "hate-crime", {"categories": {"all": 40, "martian": 3}}, "categories"),
        ("police", "hate-crime", {"categories": {"all": 40}, "value": 40}, "value"),
        (
            "asb",
            "asb-satisfaction",
            {"categories": {"neither": {"numerator": 1, "denominator": 2, "colour": "red"}}},
            "category-neither",
        ),
    ],
)
def test_an_entry_of_the_wrong_shape_is_refused_naming_the_field(
    username: str, code: str, body: dict[str, object], field: str
) -> None:
    sub = jan(code)
    for url in (f"/api/submissions/{sub.pk}/", f"/api/submissions/{sub.pk}/submit/"):
        send = api(username).put if url.endswith(f"{sub.pk}/") else api(username).post
        response = send(url, {"version": sub.version, "confirm_note": "ok", **body}, format="json")
        assert response.status_code == 400, response.content
        assert field in response.json()["errors"], response.json()
    _unchanged(sub)


def test_unknown_keys_in_a_body_are_refused_naming_them() -> None:
    sub = jan("tno")
    response = api("police").put(
        f"/api/submissions/{sub.pk}/",
        {"version": sub.version, "value": 1400, "colour": "red"},
        format="json",
    )
    assert response.status_code == 400
    assert "colour" in response.json()
    _unchanged(sub)
    Submission.objects.filter(pk=sub.pk).update(status="submitted", value=1400)
    response = api("coordinator").post(
        f"/api/submissions/{sub.pk}/return/", {"reason": "Check", "urgent": True}, format="json"
    )
    assert response.status_code == 400
    assert "urgent" in response.json()


def _stored_bad_draft() -> Submission:
    """A submitted entry of the wrong shape, as the API stored them before the fix."""
    sub = jan("tno")
    Submission.objects.filter(pk=sub.pk).update(
        status="submitted", entry_status="reported", value=1400, categories={"zz": 1}
    )
    sub.refresh_from_db()
    return sub


def test_approving_a_stored_entry_of_the_wrong_shape_is_refused_with_a_message() -> None:
    sub = _stored_bad_draft()
    response = api("coordinator").post(f"/api/submissions/{sub.pk}/approve/")
    assert response.status_code == 400
    assert "categories" in response.json()["errors"]
    page = web("coordinator").post(f"/submissions/{sub.pk}/approve/", follow=True)
    assert page.status_code == 200
    assert b"no categories" in page.content
    assert jan("tno").status == "submitted"
    assert not MonthValue.objects.filter(indicator__code="tno", month=JAN).exists()


def test_bulk_approve_approves_the_others_and_reports_the_one_refused() -> None:
    bad = _stored_bad_draft()
    good = jan("idap-on-programme")  # quarterly: "not collected" in January is clean
    Submission.objects.filter(pk=good.pk).update(status="submitted", entry_status="not_collected")
    page = web("coordinator").post(
        "/review/", {"selected": [str(bad.pk), str(good.pk)]}, follow=True
    )
    assert page.status_code == 200
    text = page.content.decode()
    assert "Approved 1 submission(s)." in text
    assert "Total Notifiable Offences" in text and "no categories" in text
    assert jan("idap-on-programme").status == "approved"
    assert jan("tno").status == "submitted"


@pytest.mark.parametrize("target", ["758", "approve", "https://evil.example/", "//evil.example/"])
def test_a_review_action_with_a_bad_next_address_returns_to_the_submission(target: str) -> None:
    # Found by the form fuzzing: a bare word was taken for a view name, and reversing it failed.
    sub = jan("tno")
    response = web("coordinator").post(f"/submissions/{sub.pk}/override/", {"next": target})
    assert response.status_code == 302
    assert response["Location"] == f"/submissions/{sub.pk}/"
