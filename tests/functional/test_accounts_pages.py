"""The /accounts/ pages over HTTP (issue 12, item 3): the sign-in (allauth's view, the app's
page) still takes Django's field names; sign-up, e-mail management and allauth's password
pages are not offered; with MFA_REQUIRED a coordinator or administrator without a second factor
is sent to set one up before any page, an agency lead or board member is not; anyone may open
the second factor's page."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client

pytestmark = pytest.mark.django_db

SETUP = "/accounts/2fa/totp/activate/"


def _signed_in(username: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


@pytest.mark.parametrize("field", ["login", "username"])
def test_the_sign_in_takes_allauths_and_djangos_field_name(field) -> None:
    client = Client()
    response = client.post(
        "/accounts/login/", {field: "police", "password": settings.DEMO_PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").wsgi_request.user.username == "police"


def test_a_wrong_password_is_refused_on_the_same_page() -> None:
    response = Client().post("/accounts/login/", {"login": "police", "password": "wrong"})
    assert response.status_code == 200
    assert "Your username and password didn't match" in response.content.decode()


def test_the_sign_in_page_links_to_the_reset_and_offers_no_provider_when_none_is_set() -> None:
    page = Client().get("/accounts/login/").content.decode()
    assert 'href="/accounts/password_reset/"' in page
    assert "Sign in with" not in page


@pytest.mark.parametrize(
    ("path", "to"),
    [
        ("/accounts/signup/", "/accounts/login/"),
        ("/accounts/email/", "/accounts/login/"),
        ("/accounts/password/reset/", "/accounts/password_reset/"),
        ("/accounts/password/change/", "/accounts/password_change/"),
        ("/accounts/password/set/", "/accounts/password_reset/"),
    ],
)
def test_allauth_pages_the_app_does_not_offer_redirect(path, to) -> None:
    response = Client().get(path)
    assert response.status_code == 302 and response["Location"] == to


@pytest.mark.parametrize(
    ("username", "sent_to_set_up"),
    [("coordinator", True), ("admin", True), ("police", False), ("board", False)],
)
def test_mfa_required_sends_coordinators_and_administrators_to_set_up(
    settings, username, sent_to_set_up
) -> None:
    settings.MFA_REQUIRED = True
    client = _signed_in(username)
    response = client.get("/partnership/people/" if username == "coordinator" else "/")
    assert (response.status_code == 302 and response["Location"] == SETUP) is sent_to_set_up
    if sent_to_set_up:
        assert client.get("/api/submissions/").status_code == 403
        # The page itself is reachable (allauth asks for the password first: force_login is no
        # sign-in it recorded).
        again = client.get(SETUP)
        assert again.status_code == 302 and again["Location"].startswith("/accounts/reauth")


def test_without_mfa_required_nobody_is_sent_to_set_up() -> None:
    assert settings.MFA_REQUIRED is False
    response = _signed_in("coordinator").get("/partnership/people/")
    assert response.status_code == 200


@pytest.mark.parametrize("username", ["police", "board", "coordinator"])
def test_everyone_may_open_the_second_factor_page(username) -> None:
    response = _signed_in(username).get("/accounts/2fa/")
    assert response.status_code == 200
    assert "Authenticator App" in response.content.decode()
