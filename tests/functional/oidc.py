"""A real OpenID Connect provider for browser tests: ``tests.oidc_provider`` (django-oauth-toolkit)
started as a subprocess on a loopback port of its own, with its own SQLite database and an RSA
key generated for the run, both in the test's tmp directory."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ROOT = Path(__file__).resolve().parents[2]
PORTS = range(8370, 8400)  # this suite's share of loopback ports
CLIENT_ID = "csp-performance-test"
CLIENT_SECRET = "client-secret-for-the-test-provider-only"
PROVIDER_PASSWORD = "provider password 7"


@dataclass(frozen=True)
class Provider:
    issuer: str
    name: str = "Council ID"

    def app_settings(self) -> dict[str, object]:
        """SOCIALACCOUNT_PROVIDERS as csp.settings builds it from OIDC_* for this provider."""
        return {
            "openid_connect": {
                "OAUTH_PKCE_ENABLED": True,
                "APPS": [
                    {
                        "provider_id": "sso",
                        "name": self.name,
                        "client_id": CLIENT_ID,
                        "secret": CLIENT_SECRET,
                        "settings": {"server_url": self.issuer},
                    }
                ],
            }
        }


def _free_port() -> int:
    for port in PORTS:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {PORTS}")


def _rsa_key() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def start_provider(
    tmp: Path, *, app_url: str, people: list[dict[str, object]]
) -> Iterator[Provider]:
    """Start the provider (people: username, email, name, email_verified), wait until it
    answers its discovery document, yield it, stop it."""
    port = _free_port()
    key_file = tmp / "oidc-key.pem"
    key_file.write_text(_rsa_key())
    config = tmp / "oidc-config.json"
    config.write_text(
        json.dumps(
            {
                "port": port,
                "database": str(tmp / "oidc-provider.sqlite3"),
                "key_file": str(key_file),
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "redirect_uris": [f"{app_url}/accounts/oidc/sso/login/callback/"],
                "people": [{"password": PROVIDER_PASSWORD, **p} for p in people],
            }
        )
    )
    env = {**os.environ, "OIDC_TEST_CONFIG": str(config), "PYTHONPATH": str(ROOT)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    log = (tmp / "oidc-provider.log").open("w")
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "tests.oidc_provider.server"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    issuer = f"http://127.0.0.1:{port}/o"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{issuer}/.well-known/openid-configuration") as r:  # noqa: S310
                    assert json.load(r)["issuer"] == issuer
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        "the test OpenID Connect provider did not start:\n"
                        + (tmp / "oidc-provider.log").read_text()[-3000:]
                    ) from None
                time.sleep(0.25)
        yield Provider(issuer=issuer)
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
