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


def test_only_djangos_debug_error_pages_go_without_the_policy(settings) -> None:
    settings.DEBUG = True
    # Django's technical 404 page, shown only while debugging, is styled inline.
    assert "Content-Security-Policy" not in Client().get("/no-such-page/")
    settings.DEBUG = False
    not_found = Client().get("/no-such-page/")
    assert not_found.status_code == 404
    assert "script-src 'self'" in not_found["Content-Security-Policy"]


def test_plain_http_is_redirected_except_the_health_probes(settings) -> None:
    settings.SECURE_SSL_REDIRECT = True  # the production default
    client = Client()
    redirect = client.get("/accounts/login/")
    assert redirect.status_code == 301
    assert redirect["Location"] == "https://testserver/accounts/login/"
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code in (200, 503)


def test_https_responses_carry_hsts_for_a_year_and_behind_a_trusted_proxy_too(settings) -> None:
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = settings.SECURE_HSTS_PRELOAD = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    response = Client().get("/accounts/login/", headers={"X-Forwarded-Proto": "https"})
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
