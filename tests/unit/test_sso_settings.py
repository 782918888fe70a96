"""Single sign-on and the second factor from the environment (csp/settings.py): all four OIDC_*
variables or none; the issuer over HTTPS; MFA_REQUIRED on by default with DEBUG off. And the
claims a provider's sign-in is judged by (csp.accounts.sso)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from csp.accounts.sso import merged_claims, verified_address

ROOT = Path(__file__).resolve().parents[2]
PRINT = (
    "import json, django; django.setup(); from django.conf import settings; "
    "print(json.dumps([settings.MFA_REQUIRED, settings.SOCIALACCOUNT_PROVIDERS]))"
)
FOUR = {
    "OIDC_PROVIDER_NAME": "Council account",
    "OIDC_SERVER_URL": "https://login.microsoftonline.com/tenant-id/v2.0",
    "OIDC_CLIENT_ID": "client-id",
    "OIDC_CLIENT_SECRET": "client-secret",
}


def _settings(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("OIDC_", "MFA_", "DEBUG"))}
    clean.update(DEBUG="true", DJANGO_SETTINGS_MODULE="csp.settings", **env)
    return subprocess.run(
        [sys.executable, "-c", PRINT], cwd=ROOT, env=clean, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip


def test_no_provider_and_no_requirement_by_default_in_development() -> None:
    result = _settings()
    assert result.returncode == 0, result.stderr
    required, providers = json.loads(result.stdout.splitlines()[-1])
    assert required is False and providers == {"openid_connect": {"APPS": []}}


def test_the_four_variables_make_one_provider_whose_callback_is_under_sso() -> None:
    result = _settings(**FOUR, MFA_REQUIRED="true")
    assert result.returncode == 0, result.stderr
    required, providers = json.loads(result.stdout.splitlines()[-1])
    (app,) = providers["openid_connect"]["APPS"]
    assert required is True
    assert app["provider_id"] == "sso" and app["name"] == "Council account"
    assert app["settings"]["server_url"] == FOUR["OIDC_SERVER_URL"]


def test_some_but_not_all_variables_stop_start_up_naming_the_missing() -> None:
    partial = {k: v for k, v in FOUR.items() if k != "OIDC_CLIENT_SECRET"}
    result = _settings(**partial)
    assert result.returncode != 0
    assert "OIDC_CLIENT_SECRET not set" in result.stderr


def test_an_issuer_over_plain_http_is_refused() -> None:
    result = _settings(**{**FOUR, "OIDC_SERVER_URL": "http://idp.example.org/"})
    assert result.returncode != 0
    assert "must be an https:// address" in result.stderr


@pytest.mark.parametrize(
    ("claims", "expected"),
    [
        ({"email": "A.Lead@Example.org", "email_verified": True}, "a.lead@example.org"),
        ({"email": "a@example.org", "email_verified": "true"}, "a@example.org"),
        ({"email": "a@example.org", "xms_edov": True}, "a@example.org"),  # Entra ID
        ({"email": "a@example.org", "email_verified": False}, None),
        ({"email": "a@example.org"}, None),  # nothing vouches for it
        ({"email_verified": True}, None),
        ({"email": "not-an-address", "email_verified": True}, None),
    ],
)
def test_only_an_address_the_provider_vouches_for_is_used(claims, expected) -> None:
    assert verified_address(claims) == expected


def test_userinfo_claims_overlay_the_id_tokens() -> None:
    extra = {"id_token": {"email": "old@example.org", "sub": "1"}, "userinfo": {"email": "n@x.org"}}
    assert merged_claims(extra) == {"email": "n@x.org", "sub": "1"}
    assert merged_claims({"email": "plain@x.org"}) == {"email": "plain@x.org"}
