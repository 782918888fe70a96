"""The people page and the accounts pages over HTTP (issue 12, item 2): the coordinator's list
shows invitations not yet accepted and each person's last sign-in; inviting says the same for a
known and an unknown address; the invitation link signs the person in with their role; the
sign-in page links to password reset, whose pages wear the app's look and say the same whether
or not an account exists; other roles are refused the people page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from csp.models import Role, RoleKind

pytestmark = pytest.mark.django_db

PASSWORD = "a long enough passphrase 42"


def _signed_in(username: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def _invite(client: Client, email: str, role: str = "board_member"):
    return client.post("/partnership/people/", {"email": email, "role": role, "reason": ""})


def test_the_people_page_lists_people_last_sign_in_and_pending_invitations(
    django_capture_on_commit_callbacks,
) -> None:
    board = get_user_model().objects.get(username="board")
    board.last_login = dt.datetime(2017, 1, 30, 14, 5, tzinfo=dt.UTC)
    board.save(update_fields=["last_login"])
    client = _signed_in("coordinator")
    with django_capture_on_commit_callbacks(execute=True):
        answer = _invite(client, "pending.person@example.org")
    assert answer.status_code == 302
    page = client.get("/partnership/people/")
    html = page.content.decode()
    assert page.status_code == 200
    pending = html.split("Invitations not yet accepted")[2].split("People of the partnership")[0]
    assert "pending.person@example.org" in pending and "Board member" in pending
    assert (
        "30 Jan 2017 14:05" in html
    )  # the board member's last sign-in (UTC; TIME_ZONE London = GMT in January)
    assert "Never" in html  # someone who never signed in


def test_home_header_links_to_people_for_the_coordinator_only() -> None:
    assert (
        'href="/partnership/people/"' in _signed_in("coordinator").get("/rounds/").content.decode()
    )
    for username in ("board", "police"):
        client = _signed_in(username)
        assert 'href="/partnership/people/"' not in client.get("/packs/").content.decode()
        assert client.get("/partnership/people/").status_code == 403


def test_inviting_says_the_same_for_a_known_and_an_unknown_address(
    django_capture_on_commit_callbacks,
) -> None:
    get_user_model().objects.create_user(
        username="known@example.org", email="known@example.org", password=PASSWORD
    )
    said = []
    for email in ("known@example.org", "unknown@example.org"):
        client = _signed_in("coordinator")
        with django_capture_on_commit_callbacks(execute=True):
            page = _invite(client, email)
        page = client.get(page["Location"])
        (message,) = [str(m) for m in page.context["messages"]]
        said.append(message.replace(email, "ADDRESS"))
    assert said[0] == said[1]
    assert len(mail.outbox) == 2  # each told: the known of the role, the unknown sent a link


def test_the_invitation_link_sets_a_password_and_signs_in(
    django_capture_on_commit_callbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _invite(_signed_in("coordinator"), "invited@example.org", role="coordinator")
    path = re.search(r"https?://[^/]+(/invitations/\S+/)", mail.outbox[0].body).group(1)
    browser = Client()
    form = browser.get(path)
    assert form.status_code == 200 and b"invited@example.org" in form.content
    mismatch = browser.post(path, {"new_password1": PASSWORD, "new_password2": "other"})
    assert mismatch.status_code == 400
    done = browser.post(path, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert done.status_code == 302
    assert browser.get("/partnership/people/").status_code == 200  # signed in, as coordinator
    account = get_user_model().objects.get(username="invited@example.org")
    assert Role.objects.filter(user=account, kind=RoleKind.COORDINATOR).exists()
    again = Client().get(path)
    assert again.status_code == 404 and b"no longer works" in again.content


def test_with_single_sign_on_the_invitation_page_offers_it_and_lets_its_form_go_there(
    django_capture_on_commit_callbacks, settings
) -> None:
    issuer = "https://id.council.example.org/o"
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "APPS": [
                {
                    "provider_id": "sso", "name": "Council ID", "client_id": "app",
                    "secret": "s", "settings": {"server_url": issuer},
                }
            ]
        }
    }  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        _invite(_signed_in("coordinator"), "invited@example.org")
    path = re.search(r"https?://[^/]+(/invitations/\S+/)", mail.outbox[0].body).group(1)
    page = Client().get(path)
    assert page.status_code == 200
    body = page.content.decode()
    assert 'action="/accounts/oidc/sso/login/?process=login"' in body
    assert "Sign in with Council ID" in body
    form_action = re.search(r"form-action ([^;]+)", page.headers["Content-Security-Policy"])
    assert form_action and "https://id.council.example.org" in form_action.group(1).split()


def test_the_header_links_to_sign_in_security() -> None:
    body = _signed_in("police").get("/", follow=True).content.decode()
    assert '<a href="/accounts/2fa/">Sign-in security</a>' in body


def test_password_reset_end_to_end_from_the_sign_in_page(demo_password: str) -> None:
    known = get_user_model().objects.create_user(
        username="reset@example.org", email="reset@example.org", password="old passphrase 77"
    )
    browser = Client()
    sign_in = browser.get("/accounts/login/").content.decode()
    link = re.search(r'href="([^"]+)">Forgotten your password\?', sign_in).group(1)
    assert link == "/accounts/password_reset/"
    form = browser.get(link)
    assert b"csp-header" in form.content and b"Django administration" not in form.content
    pages = []
    for email in ("reset@example.org", "nobody@example.org"):
        answer = Client().post(link, {"email": email}, follow=True)
        pages.append(answer.content.decode())
    assert pages[0] == pages[1]  # the same page whether or not the account exists
    (message,) = mail.outbox
    assert message.to == ["reset@example.org"]
    path = re.search(r"https?://[^/]+(/accounts/reset/\S+/)", message.body).group(1)
    confirm = browser.get(path, follow=True)
    assert confirm.context["validlink"] is True and b"csp-header" in confirm.content
    new = "a brand new passphrase 51"
    done = browser.post(
        confirm.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}, follow=True
    )
    assert b"Your password is saved" in done.content
    known.refresh_from_db()
    assert known.check_password(new)
    assert Client().get(path, follow=True).context["validlink"] is False  # used once


def test_the_password_change_pages_wear_the_apps_look() -> None:
    client = _signed_in("board")
    for path in ("/accounts/password_change/", "/accounts/password_change/done/"):
        page = client.get(path)
        assert page.status_code == 200
        assert b"csp-header" in page.content and b"Django administration" not in page.content
