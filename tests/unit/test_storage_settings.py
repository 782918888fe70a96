"""File storage for uploads comes from the environment: a directory by default, S3 on request."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRINT = (
    "import django; django.setup(); from django.conf import settings; "
    "print(settings.STORAGES['default']['BACKEND'], settings.MEDIA_ROOT)"
)


def _settings(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("AWS_") and k not in {"STORAGE_BACKEND", "MEDIA_ROOT"}
    }
    clean.update(DEBUG="true", DJANGO_SETTINGS_MODULE="csp.settings", **env)
    return subprocess.run(
        [sys.executable, "-c", PRINT],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_uploads_go_to_media_root_by_default_and_where_it_says() -> None:
    default = _settings()
    assert default.returncode == 0, default.stderr
    assert default.stdout.split() == [
        "django.core.files.storage.FileSystemStorage",
        str(ROOT / "media"),
    ]
    moved = _settings(MEDIA_ROOT="/srv/csp/media")
    assert moved.stdout.split()[1] == "/srv/csp/media"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"STORAGE_BACKEND": "ftp"}, "STORAGE_BACKEND='ftp' is not 'filesystem'"),
        ({"STORAGE_BACKEND": "s3"}, "STORAGE_BACKEND=s3 needs AWS_STORAGE_BUCKET_NAME"),
    ],
)
def test_start_up_fails_clearly_on_a_storage_it_cannot_use(
    env: dict[str, str], message: str
) -> None:
    result = _settings(**env)
    assert result.returncode != 0 and message in result.stderr


@pytest.mark.skipif(importlib.util.find_spec("boto3") is not None, reason="boto3 is installed")
def test_s3_storage_without_boto3_names_what_to_install() -> None:
    result = _settings(STORAGE_BACKEND="s3", AWS_STORAGE_BUCKET_NAME="csp-uploads")
    assert result.returncode != 0 and "needs boto3" in result.stderr


@pytest.mark.skipif(importlib.util.find_spec("boto3") is None, reason="boto3 is not installed")
def test_s3_storage_is_configured_from_the_environment() -> None:
    result = _settings(
        STORAGE_BACKEND="s3",
        AWS_STORAGE_BUCKET_NAME="csp-uploads",
        AWS_S3_ENDPOINT_URL="https://s3.example.org",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == "storages.backends.s3.S3Storage"
