"""Configuration from the environment: good values parse, malformed ones fail loudly."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from csp.env import database_from_url, env_bool, env_int, env_list

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1", True), ("true", True), ("YES", True), ("on", True), ("0", False), ("false", False)],
)
def test_env_bool_understands_common_spellings(raw: str, expected: bool) -> None:
    assert env_bool("DEBUG", not expected, environ={"DEBUG": raw}) is expected


def test_env_bool_uses_default_when_unset() -> None:
    assert env_bool("DEBUG", True, environ={}) is True


def test_env_bool_rejects_a_malformed_value_naming_the_variable() -> None:
    with pytest.raises(ImproperlyConfigured, match=r"DEBUG='maybe' is not a boolean"):
        env_bool("DEBUG", False, environ={"DEBUG": "maybe"})


def test_env_int_rejects_text_and_values_below_minimum() -> None:
    with pytest.raises(ImproperlyConfigured, match="EMAIL_PORT='twenty' is not a whole number"):
        env_int("EMAIL_PORT", 25, environ={"EMAIL_PORT": "twenty"})
    with pytest.raises(ImproperlyConfigured, match="must be at least 1"):
        env_int("EMAIL_PORT", 25, minimum=1, environ={"EMAIL_PORT": "0"})
    assert env_int("EMAIL_PORT", 25, environ={"EMAIL_PORT": "2525"}) == 2525


def test_env_list_splits_on_commas_and_rejects_empty_entries() -> None:
    assert env_list("ALLOWED_HOSTS", [], environ={"ALLOWED_HOSTS": "a.org, b.org"}) == [
        "a.org",
        "b.org",
    ]
    with pytest.raises(ImproperlyConfigured, match="has an empty entry"):
        env_list("ALLOWED_HOSTS", [], environ={"ALLOWED_HOSTS": "a.org,,b.org"})


def test_database_url_for_postgres_and_sqlite() -> None:
    pg = database_from_url("postgres://postgres@127.0.0.1:5432/csp")
    assert pg["ENGINE"] == "django.db.backends.postgresql"
    assert (pg["NAME"], pg["HOST"], pg["PORT"], pg["USER"]) == (
        "csp",
        "127.0.0.1",
        5432,
        "postgres",
    )
    lite = database_from_url("sqlite:////tmp/csp.sqlite3")
    assert lite["ENGINE"] == "django.db.backends.sqlite3"
    assert lite["NAME"] == "/tmp/csp.sqlite3"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("127.0.0.1:5432/csp", "is not a database URL"),
        ("mysql://root@localhost/csp", "only sqlite and postgres are supported"),
        ("postgres://postgres@127.0.0.1:5432", "names no database"),
        ("postgres://postgres@127.0.0.1:notaport/csp", "could not be parsed"),
    ],
)
def test_database_url_rejects_malformed_values(url: str, message: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=message):
        database_from_url(url)


# Every variable the settings read, so the developer's or CI's environment cannot leak in.
SETTINGS_VARIABLES = {
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "CACHE_URL",
    "CELERY_BROKER_URL",
    "SECURE_SSL_REDIRECT",
    "SECURE_COOKIES",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "TRUST_X_FORWARDED_PROTO",
    "SESSION_IDLE_MINUTES",
    "SESSION_MAX_HOURS",
}
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "k3Jx9-Qm2vT8wZp4Lr7Yc1Hn6Bd5Fg0Su2Ae8Wq4Xt9Mz3Pk7Vb1Nc6Rj5Ey0Gh",
    "ALLOWED_HOSTS": "csp.example.org",
    # Never connected to by `check`.
    "DATABASE_URL": "postgres://csp@db.invalid:5432/csp",
    "CACHE_URL": "redis://cache.invalid:6379/1",
    "CELERY_BROKER_URL": "redis://broker.invalid:6379/0",
}


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # DJANGO_* too: the browser tests' DJANGO_ALLOW_ASYNC_UNSAFE fails the deploy check.
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in SETTINGS_VARIABLES and not k.startswith("DJANGO_")
    }
    clean.update(env)
    clean["DJANGO_SETTINGS_MODULE"] = "csp.settings"
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )


def _run_check(*options: str, **env: str) -> subprocess.CompletedProcess[str]:
    return _run(["manage.py", "check", *options], env)


def _settings(*names: str, **env: str) -> dict[str, object]:
    """The named settings as a fresh process started with exactly ``env`` sees them."""
    script = (
        "import json, django; from django.conf import settings; django.setup(); "
        f"print(json.dumps({{n: getattr(settings, n, None) for n in {list(names)!r}}}))"
    )
    result = _run(["-c", script], env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_start_up_fails_clearly_on_a_malformed_setting() -> None:
    result = _run_check(DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG='maybe' is not a boolean" in result.stderr


def test_start_up_fails_without_secret_key_when_debug_is_off() -> None:
    result = _run_check(DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_start_up_fails_clearly_on_a_malformed_database_url() -> None:
    result = _run_check(DEBUG="true", DATABASE_URL="not-a-url")
    assert result.returncode != 0
    assert "DATABASE_URL='not-a-url' is not a database URL" in result.stderr


def test_start_up_succeeds_with_production_settings() -> None:
    result = _run_check(
        DEBUG="false",
        SECRET_KEY="x" * 50,
        ALLOWED_HOSTS="csp.example.org",
        CACHE_URL="redis://cache.invalid:6379/1",
    )
    assert result.returncode == 0, result.stderr


def test_the_deploy_check_passes_with_the_six_production_variables() -> None:
    result = _run_check("--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr + result.stdout


def test_production_refuses_to_start_without_a_shared_cache() -> None:
    env = {k: v for k, v in PRODUCTION.items() if k != "CACHE_URL"}
    result = _run_check(**env)
    assert result.returncode != 0
    assert "CACHE_URL is not set" in result.stderr


def test_production_without_a_broker_is_warned_about() -> None:
    env = {k: v for k, v in PRODUCTION.items() if k != "CELERY_BROKER_URL"}
    result = _run_check(**env)
    assert result.returncode == 0, result.stderr
    assert "csp.W001" in result.stderr + result.stdout
    with_broker = _run_check(**PRODUCTION)
    assert "csp.W001" not in with_broker.stderr + with_broker.stdout


def test_production_defaults_are_the_safe_ones() -> None:
    assert _settings(
        "SECURE_SSL_REDIRECT",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "CSRF_COOKIE_HTTPONLY",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_PROXY_SSL_HEADER",
        "SESSION_ENGINE",
        "SESSION_COOKIE_AGE",
        "SESSION_MAX_SECONDS",
        **PRODUCTION,
    ) == {
        "SECURE_SSL_REDIRECT": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "CSRF_COOKIE_HTTPONLY": True,
        "SECURE_HSTS_SECONDS": 31_536_000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_PROXY_SSL_HEADER": None,  # a client could claim HTTPS: only behind a proxy
        "SESSION_ENGINE": "django.contrib.sessions.backends.cached_db",
        "SESSION_COOKIE_AGE": 480 * 60,
        "SESSION_MAX_SECONDS": 12 * 3600,
    }


def test_the_proxy_header_and_lifetimes_follow_their_variables() -> None:
    assert _settings(
        "SECURE_PROXY_SSL_HEADER",
        "SESSION_COOKIE_AGE",
        "SESSION_MAX_SECONDS",
        "SECURE_HSTS_SECONDS",
        **PRODUCTION,
        TRUST_X_FORWARDED_PROTO="true",
        SESSION_IDLE_MINUTES="30",
        SESSION_MAX_HOURS="4",
        SECURE_HSTS_SECONDS="600",
    ) == {
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "SESSION_COOKIE_AGE": 1800,
        "SESSION_MAX_SECONDS": 4 * 3600,
        "SECURE_HSTS_SECONDS": 600,
    }


def test_without_a_shared_cache_sessions_live_in_the_database_only() -> None:
    # A per-process cache in front of sessions kept signed-out sessions alive on other workers.
    assert _settings("SESSION_ENGINE", DEBUG="true") == {
        "SESSION_ENGINE": "django.contrib.sessions.backends.db"
    }
