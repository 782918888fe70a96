"""Sign-out ends the session on every gunicorn worker, not only the one that served it.

The finding: with sessions cached in each process's memory, replaying the cookie after sign-out
was served as signed in by 14 of 24 requests. Here three real workers share PostgreSQL (and,
in the production profile, Redis); after sign-out every replay must be sent to sign-in.

Runs where CI runs it (DATABASE_URL on PostgreSQL; the production variant also needs Redis, from
CACHE_URL or else CELERY_BROKER_URL). Binds 127.0.0.1 only, on CSP_TEST_PORT if set.
"""

from __future__ import annotations

import http.client
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "replay-test-password-7"
REDIS_URL = os.environ.get("CACHE_URL") or os.environ.get("CELERY_BROKER_URL") or ""

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"].split(".")[-1] != "postgresql",
        reason="needs PostgreSQL shared by the workers (CI sets DATABASE_URL)",
    ),
]


def _port() -> int:
    if os.environ.get("CSP_TEST_PORT"):
        return int(os.environ["CSP_TEST_PORT"])
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Site:
    """Three gunicorn workers, and a client that keeps its cookies by hand (they are Secure,
    and the test talks plain HTTP to the server behind a pretend TLS-terminating proxy)."""

    port: int
    https: bool
    access_log: Path
    cookies: dict[str, str] = field(default_factory=dict)

    @property
    def origin(self) -> str:
        return f"{'https' if self.https else 'http'}://127.0.0.1:{self.port}"

    def request(
        self, method: str, path: str, body: str = "", cookies: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], str]:
        jar = self.cookies if cookies is None else cookies
        headers = {"Host": f"127.0.0.1:{self.port}", "Connection": "close"}
        if self.https:
            headers["X-Forwarded-Proto"] = "https"
        if jar:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in jar.items())
        if method == "POST":
            headers.update(
                {
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Origin": self.origin,
                    "Referer": self.origin + path,
                }
            )
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        try:
            conn.request(method, path, body=body.encode(), headers=headers)
            response = conn.getresponse()
            text = response.read().decode(errors="replace")
            for raw in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(raw).items():
                    if cookies is None:
                        self.cookies[name] = morsel.value
            return response.status, dict(response.headers), text
        finally:
            conn.close()

    def pids(self, path: str) -> set[str]:
        return {
            line.split()[0]
            for line in self.access_log.read_text().splitlines()
            if len(line.split()) == 3 and line.split()[2].startswith(path)
        }


@pytest.fixture
def user() -> str:
    # Hashed as the production settings can check it (the test settings use a faster hasher).
    hashed = PBKDF2PasswordHasher().encode(PASSWORD, "replaysalt", iterations=1000)
    get_user_model().objects.create(username="replayer", password=hashed)
    return "replayer"


def _start(env_extra: dict[str, str], https: bool, tmp_path: Path) -> Iterator[Site]:
    db = connection.settings_dict  # the test database, committed to by this test
    env = {k: v for k, v in os.environ.items() if k not in {"CACHE_URL", "DEBUG"}}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "csp.settings",
            "SECRET_KEY": "replay-" + "k" * 50,
            "ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}",
            "LOG_LEVEL": "WARNING",
            **env_extra,
        }
    )
    port = _port()
    site = Site(port=port, https=https, access_log=tmp_path / "access.log")
    log = open(tmp_path / "gunicorn.log", "w")  # noqa: SIM115
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "csp.wsgi",
            # Django is imported once and forked: three workers boot in the time of one. Each
            # worker still has its own memory (and, without CACHE_URL, its own cache).
            "--preload",
            "--workers",
            "3",
            "--bind",
            f"127.0.0.1:{port}",
            "--access-logfile",
            str(site.access_log),
            "--access-logformat",
            "%(p)s %(s)s %(U)s",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        # Until all three workers have answered (bounded: a slow disk makes the first slow).
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            assert server.poll() is None, (tmp_path / "gunicorn.log").read_text()
            try:
                with ThreadPoolExecutor(6) as pool:
                    list(pool.map(lambda _: site.request("GET", "/healthz", cookies={}), range(6)))
            except OSError:
                time.sleep(0.3)
                continue
            if len(site.pids("/healthz")) == 3:
                break
        assert len(site.pids("/healthz")) == 3, "the three workers did not all start"
        yield site
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


@pytest.fixture
def production_site(tmp_path) -> Iterator[Site]:
    if not REDIS_URL.startswith("redis"):
        pytest.skip("needs Redis: set CACHE_URL or CELERY_BROKER_URL (CI sets the broker)")
    yield from _start(
        {
            "DEBUG": "false",
            "CACHE_URL": REDIS_URL,
            "TRUST_X_FORWARDED_PROTO": "true",
            "MFA_REQUIRED": "false",  # the demo's coordinator has no second factor
        },
        https=True,
        tmp_path=tmp_path,
    )


@pytest.fixture
def debug_site(tmp_path) -> Iterator[Site]:
    """DEBUG on and no CACHE_URL: caches are per process, sessions must not be."""
    yield from _start({"DEBUG": "true"}, https=False, tmp_path=tmp_path)


def _sign_in_browse_sign_out_and_replay(site: Site, username: str) -> None:
    status, _, page = site.request("GET", "/accounts/login/")
    assert status == 200
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    status, headers, _ = site.request(
        "POST",
        "/accounts/login/",
        f"username={username}&password={PASSWORD}&csrfmiddlewaretoken={token}",
    )
    assert status == 302 and headers["Location"] == "/", (status, headers)
    session = dict(site.cookies)
    assert "sessionid" in session

    # Signed in on every worker: each has now read (and, with a local cache, kept) the session.
    with ThreadPoolExecutor(6) as pool:
        signed_in = list(pool.map(lambda _: site.request("GET", "/", cookies=session), range(12)))
    assert [s for s, _, _ in signed_in] == [200] * 12

    status, _, _ = site.request(
        "POST", "/accounts/logout/", f"csrfmiddlewaretoken={site.cookies['csrftoken']}"
    )
    assert status in (200, 302)

    with ThreadPoolExecutor(6) as pool:
        replays = list(pool.map(lambda _: site.request("GET", "/", cookies=session), range(24)))
    served = [(s, h.get("Location", "")) for s, h, _ in replays]
    assert served == [(302, "/accounts/login/?next=/")] * 24
    assert len(site.pids("/")) >= 2, "the replays should have reached several workers"


def test_sign_out_ends_the_session_on_every_worker_in_production(production_site, user) -> None:
    _sign_in_browse_sign_out_and_replay(production_site, user)


def test_sign_out_ends_the_session_on_every_worker_without_a_shared_cache(debug_site, user) -> None:
    _sign_in_browse_sign_out_and_replay(debug_site, user)
