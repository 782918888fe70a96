"""Bad input gets a 400 (or the form again) with a message naming the problem, never a 500, and
nothing is stored. Each case is one of the findings of issue 9, tried as the role that met it:
here null characters and malformed JSON; test_bad_input_shape.py and test_bad_input_text.py
hold the rest.

PostgreSQL refuses NUL characters and over-long varchar values where SQLite stores them, so these
run on both (CI runs PostgreSQL)."""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.test import Client

from submissions.models import Submission
from tests.functional.bad_input_helpers import _unchanged, api, jan, web

pytestmark = pytest.mark.django_db


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
