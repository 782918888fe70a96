"""Every response carries the security headers: a Content-Security-Policy with no inline script
or style, a Permissions-Policy, no sniffing, same-origin referrers, no framing."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("username", "url"),
    [
        (None, "/accounts/login/"),
        (None, "/healthz"),
        ("board", "/packs/E09000002/2016-12/"),
        ("board", "/packs/E09000002/2016-12/tno/"),
        ("coordinator", "/imports/"),
        ("coordinator", "/api/areas/"),
        ("admin", "/admin/"),
    ],
)
def test_each_response_carries_the_security_headers(username: str | None, url: str) -> None:
    client = Client()
    if username:
        client.force_login(get_user_model().objects.get(username=username))
    response = client.get(url)
    assert response.status_code == 200
    policy = dict(
        (part.split(" ", 1) + [""])[:2] for part in response["Content-Security-Policy"].split("; ")
    )
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_only_djangos_debug_error_pages_go_without_the_policy(settings) -> None:  # type: ignore[no-untyped-def]
    settings.DEBUG = True
    # Django's technical 404 page, shown only while debugging, is styled inline.
    assert "Content-Security-Policy" not in Client().get("/no-such-page/")
    settings.DEBUG = False
    not_found = Client().get("/no-such-page/")
    assert not_found.status_code == 404
    assert "script-src 'self'" in not_found["Content-Security-Policy"]
