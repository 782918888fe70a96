"""Bad input gets a 400 (or the form again) with a message naming the problem, never a 500, and
nothing is stored. Each case is one of the findings of issue 9, tried as the role that met it.

PostgreSQL refuses NUL characters and over-long varchar values where SQLite stores them, so these
run on both (CI runs PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from rest_framework.test import APIClient

from indicators.models import MonthValue
from submissions.cycle.validation import TEXT_LIMITS
from submissions.models import PackVersion, Submission

pytestmark = pytest.mark.django_db
JAN = dt.date(2017, 1, 1)


def api(username: str) -> APIClient:
    client = APIClient()
    client.force_authenticate(get_user_model().objects.get(username=username))
    return client


def web(username: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def jan(code: str) -> Submission:
    return Submission.objects.get(round__month=JAN, indicator__code=code)


def _unchanged(sub: Submission) -> None:
    """Nothing of a refused entry was stored."""
    now = Submission.objects.get(pk=sub.pk)
    assert (now.status, now.version, now.categories, now.value, now.numerator) == (
        sub.status,
        sub.version,
        sub.categories,
        sub.value,
        sub.numerator,
    )


# --- null characters --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "url"),
    [
        ("board", "/packs/%00/2016-12/"),
        ("board", "/packs/E09000002/2016-12/?version=%00"),
        ("board", "/packs/E09000002/2016-12/\x00/"),
        ("coordinator", "/review/?agency=%00"),
        ("coordinator", "/review/?%00=1"),
        ("coordinator", "/review/?agency=\x00"),
        ("board", "/api/areas/%00/"),
        ("coordinator", "/api/month-values/?area=%00"),
        ("coordinator", "/api/submissions/?status=%00"),
    ],
)
def test_a_null_character_in_the_address_is_refused_with_a_message(username: str, url: str) -> None:
    response = web(username).get(url)
    assert response.status_code == 400
    assert b"null character" in response.content


def test_a_null_character_in_a_form_field_is_refused_and_nothing_is_stored() -> None:
    sub = jan("tno")
    Submission.objects.filter(pk=sub.pk).update(status="submitted", value=1400)
    sub.refresh_from_db()
    response = web("coordinator").post(
        f"/submissions/{sub.pk}/return/", {"reason": "Check the\x00 figure"}
    )
    assert response.status_code == 400
    assert b"null character" in response.content
    assert jan("tno").status == "submitted"


def test_a_null_character_in_a_json_body_is_refused() -> None:
    sub = jan("tno")
    response = api("police").put(
        f"/api/submissions/{sub.pk}/",
        {"version": sub.version, "value": 1400, "categories": {"\x00": 1}},
        format="json",
    )
    assert response.status_code == 400
    assert "null character" in response.json()["detail"]
    _unchanged(sub)


def test_a_null_character_in_the_session_cookie_is_refused() -> None:
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = "abcdefgh\x00ijkl"
    response = client.get("/packs/")
    assert response.status_code == 400


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


# --- over-long text ---------------------------------------------------------------------------


def test_a_300_character_reference_period_is_refused_through_the_api() -> None:
    sub = jan("reoffending-all")
    response = api("community-safety").put(
        f"/api/submissions/{sub.pk}/",
        {"version": sub.version, "decimal_value": "25.1", "reference_period": "x" * 300},
        format="json",
    )
    assert response.status_code == 400
    assert "reference_period" in response.json()
    _unchanged(sub)


@pytest.mark.parametrize(
    "field", ["performance_overview", "actions", "benchmarking", "reason", "confirm_note"]
)
def test_over_long_commentary_is_refused_on_the_page_and_through_the_api(field: str) -> None:
    sub = jan("tno")
    too_long = "a" * (TEXT_LIMITS[field] + 1)
    response = api("police").put(
        f"/api/submissions/{sub.pk}/",
        {"version": sub.version, "value": 1400, field: too_long},
        format="json",
    )
    assert response.status_code == 400
    assert field in response.json()
    page = web("police").post(
        f"/submissions/{sub.pk}/",
        {"entry_status": "reported", "value": "1400", "version": sub.version, field: too_long},
    )
    assert page.status_code == 200  # the form again, with the message
    assert f"at most {TEXT_LIMITS[field]:,} characters".encode() in page.content
    _unchanged(sub)


def test_at_the_limit_commentary_is_kept() -> None:
    sub = jan("tno")
    text = "a" * TEXT_LIMITS["performance_overview"]
    response = api("police").put(
        f"/api/submissions/{sub.pk}/",
        {"version": sub.version, "value": 1400, "performance_overview": text},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert jan("tno").performance_overview == text


def test_the_entry_form_does_not_cut_pasted_text_short() -> None:
    # A maxlength attribute makes browsers drop the end of a paste without a word; the server
    # says what is too long instead.
    page = web("police").get(f"/submissions/{jan('tno').pk}/")
    assert page.status_code == 200
    assert b"maxlength" not in page.content


@pytest.mark.parametrize(
    ("path", "field", "limit"),
    [
        ("return/", "reason", "return_reason"),
        ("override/", "justification", "rag_override_justification"),
    ],
)
def test_over_long_review_texts_are_refused(path: str, field: str, limit: str) -> None:
    sub = jan("tno")
    Submission.objects.filter(pk=sub.pk).update(status="submitted", value=1400)
    body = {field: "b" * (TEXT_LIMITS[limit] + 1)}
    if path == "override/":
        body["rag"] = "G"
    response = api("coordinator").post(f"/api/submissions/{sub.pk}/{path}", body, format="json")
    assert response.status_code == 400
    page = web("coordinator").post(f"/submissions/{sub.pk}/{path}", body, follow=True)
    assert page.status_code == 200
    assert f"at most {TEXT_LIMITS[limit]:,} characters".encode() in page.content
    now = jan("tno")
    assert (now.status, now.rag_override) == ("submitted", "")


def test_an_over_long_reopen_reason_is_refused() -> None:
    december = Submission.objects.get(round__month=dt.date(2016, 12, 1), indicator__code="tno")
    reason = "r" * (TEXT_LIMITS["reopen_reason"] + 1)
    page = web("coordinator").post(
        f"/submissions/{december.pk}/reopen/", {"reason": reason}, follow=True
    )
    assert page.status_code == 200
    assert f"at most {TEXT_LIMITS['reopen_reason']:,} characters".encode() in page.content
    assert Submission.objects.get(pk=december.pk).status == "approved"


def test_an_over_long_change_note_is_refused() -> None:
    version = PackVersion.objects.get()
    page = web("coordinator").post(
        f"/rounds/{version.round_id}/",
        {"change_note": "c" * (TEXT_LIMITS["change_note"] + 1)},
        follow=True,
    )
    assert page.status_code == 200
    assert PackVersion.objects.count() == 1


# --- JSON bodies ------------------------------------------------------------------------------


@pytest.mark.parametrize("depth", [40, 5_000, 200_000])
def test_a_deeply_nested_json_body_is_refused(depth: int) -> None:
    sub = jan("tno")
    body = '{"version": 1, "categories": {"a": ' + "[" * depth + "]" * depth + "}}"
    response = api("police").generic(
        "PUT", f"/api/submissions/{sub.pk}/", body, content_type="application/json"
    )
    assert response.status_code == 400
    assert "nested" in response.json()["detail"]
    _unchanged(sub)


def test_a_json_body_larger_than_the_upload_limit_is_refused() -> None:
    sub = jan("tno")
    body = json.dumps(
        {"version": sub.version, "performance_overview": "x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE}
    )
    response = api("police").generic(
        "PUT", f"/api/submissions/{sub.pk}/", body, content_type="application/json"
    )
    assert response.status_code == 400
    assert "too large" in response.json()["detail"]
    _unchanged(sub)


@pytest.mark.parametrize(
    "body",
    [
        b"[1, 2",
        b'{"version": NaN}',
        b'{"version": 1, "value": 1' + b"0" * 5_000 + b"}",
        b'{"version": 1, "performance_overview": "\\ud800"}',
        b"\xff\xfe",
        b"[]",
    ],
)
def test_malformed_json_is_refused(body: bytes) -> None:
    sub = jan("tno")
    response = api("police").generic(
        "PUT", f"/api/submissions/{sub.pk}/", body, content_type="application/json"
    )
    assert response.status_code == 400
    _unchanged(sub)


# --- imports ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "content", "message"),
    [
        (
            "month_values",
            "area,indicator,month,value,reference_period\n"
            "Barnet,tno,2017-01,5,Jan 2017\n"
            "Barnet,tno,2017-02,5," + "x" * 300 + "\n",
            "reference_period is too long: at most 200 characters",
        ),
        (
            "month_values",
            "area,indicator,month,value,status,reason\n"
            "Barnet,tno,2017-01,,not_available," + "x" * 30_000 + "\n",
            "reason is too long: at most 1,000 characters",
        ),
        (
            "month_values",
            "area,indicator,month,value,reason\nBarnet,tno,2017-01,5,a\x00b\n",
            "reason contains a null character",
        ),
        (
            "benchmarks",
            "area,indicator,month,group,position,size,source\n"
            "Barnet,tno,2017-01,MET,3,32," + "s" * 400 + "\n",
            "source is too long: at most 200 characters",
        ),
        (
            "populations",
            "area,kind,series,value,in_force_from,source\n"
            "Barnet,residents,residents-mye,300000,2017-01-01," + "s" * 400 + "\n",
            "source is too long: at most 200 characters",
        ),
    ],
)
def test_an_import_with_over_long_or_null_text_is_refused_naming_the_line(
    kind: str, content: str, message: str
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("figures.csv", content.encode(), content_type="text/csv")
    page = web("coordinator").post("/imports/", {"kind": kind, "file": upload})
    assert page.status_code == 200
    errors = [(e.line, e.message) for e in page.context["report"].errors]
    assert len(errors) == 1 and errors[0][0] == content.count("\n")
    assert message in errors[0][1]


# --- the admin ---------------------------------------------------------------------------------


def test_an_over_long_indicator_text_is_refused_in_the_admin() -> None:
    from django.urls import reverse

    from csp.admin import ADMIN_TEXT_LIMIT
    from indicators.models import Indicator

    tno = Indicator.objects.get(code="tno")
    client = web("admin")
    url = reverse("admin:indicators_indicator_change", args=[tno.pk])
    form = client.get(url).context["adminform"].form
    data = {k: ("" if v is None else v) for k, v in form.initial.items()}
    data.update(
        {
            "denominator_series": tno.denominator_series_id,
            "definition": "d" * (ADMIN_TEXT_LIMIT + 1),
        }
    )
    for prefix in ("categories", "targets", "history"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    page = client.post(url, data)
    assert page.status_code == 200  # the form again
    assert "definition" in page.context["adminform"].form.errors
    assert len(Indicator.objects.get(code="tno").definition) < ADMIN_TEXT_LIMIT
