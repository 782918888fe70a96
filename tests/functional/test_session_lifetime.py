"""A signed-in session ends after SESSION_IDLE_MINUTES without a request, and SESSION_MAX_HOURS
after sign-in however busy it is; sign-out ends it for good."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from csp import security

pytestmark = pytest.mark.django_db
HOUR = 3600
PACK = "/packs/E09000002/2016-12/"


class Clock:
    """Stands in for time.time() in csp.security: the session's clocks, moved by hand."""

    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(security.time, "time", clock)
    return clock


@pytest.fixture
def board(clock, settings) -> Client:
    settings.SESSION_IDLE_SECONDS = 8 * HOUR  # the defaults, whatever the environment says
    settings.SESSION_MAX_SECONDS = 12 * HOUR
    client = Client()
    client.force_login(get_user_model().objects.get(username="board"))
    return client


def _sent_to_sign_in(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_session_idle_for_eight_hours_is_ended(board, clock) -> None:
    assert board.get(PACK).status_code == 200
    clock.advance(8 * HOUR)
    assert _sent_to_sign_in(board.get(PACK))
    clock.advance(-8 * HOUR)  # and it stays ended
    assert _sent_to_sign_in(board.get(PACK))


def test_activity_keeps_a_session_alive_past_the_idle_limit(board, clock) -> None:
    clock.advance(5 * HOUR)
    assert board.get(PACK).status_code == 200
    clock.advance(5 * HOUR)  # ten hours after sign-in, five since the last request
    assert board.get(PACK).status_code == 200


def test_a_busy_session_still_ends_twelve_hours_after_sign_in(board, clock) -> None:
    for _ in range(11):
        clock.advance(HOUR)
        assert board.get(PACK).status_code == 200
    clock.advance(HOUR)
    assert _sent_to_sign_in(board.get(PACK))


def test_the_session_expiry_is_the_idle_limit_not_fourteen_days(clock, settings) -> None:
    client = Client()
    response = client.post(
        "/accounts/login/", {"username": "board", "password": settings.DEMO_PASSWORD}
    )
    assert response.status_code == 302
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] and cookie["max-age"] == settings.SESSION_IDLE_SECONDS == 8 * HOUR
    session = Session.objects.get(session_key=cookie.value)
    remaining = (session.expire_date - timezone.now()).total_seconds()
    assert 8 * HOUR - 120 < remaining <= 8 * HOUR


def test_sign_out_deletes_the_session_so_its_cookie_is_worthless(board) -> None:
    key = board.cookies["sessionid"].value
    board.post("/accounts/logout/")
    assert not Session.objects.filter(session_key=key).exists()
    replay = Client()
    replay.cookies["sessionid"] = key
    assert _sent_to_sign_in(replay.get(PACK))
