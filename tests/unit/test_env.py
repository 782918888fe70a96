"""Configuration from the environment: good values parse, malformed ones fail loudly."""

from __future__ import annotations

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


def _run_check(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL"}
    }
    clean.update(env)
    clean["DJANGO_SETTINGS_MODULE"] = "csp.settings"
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


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
    result = _run_check(DEBUG="false", SECRET_KEY="x" * 50, ALLOWED_HOSTS="csp.example.org")
    assert result.returncode == 0, result.stderr
