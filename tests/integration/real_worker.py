"""A real Celery worker on the test database, for the tests that run where CI runs them.

They need PostgreSQL and a broker (CI sets DATABASE_URL and CELERY_BROKER_URL); on the embedded
SQLite/eager set-up there is no worker to talk to, so they are skipped.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from csp.celery import app

ROOT = Path(__file__).resolve().parents[2]

NEEDS_A_REAL_WORKER = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not settings.CELERY_BROKER_URL
        or settings.DATABASES["default"]["ENGINE"].split(".")[-1] != "postgresql",
        reason="needs PostgreSQL and a broker (CI sets DATABASE_URL and CELERY_BROKER_URL)",
    ),
]


@contextmanager
def worker_running(
    log_dir: Path,
    *,
    name: str = "celery-worker",
    env_extra: dict[str, str] | None = None,
    purge: bool = True,
) -> Iterator[subprocess.Popen[bytes]]:
    """A worker on the test database, reading uploads from the test run's MEDIA_ROOT; its log is
    ``<name>.log`` in ``log_dir``; ``env_extra`` adds to its environment. The queue is purged
    first unless ``purge`` is false (a second worker taking over a killed one's work)."""
    db = connection.settings_dict
    env = dict(os.environ)
    env["DATABASE_URL"] = (
        f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )
    env["DEBUG"] = "true"
    env["MEDIA_ROOT"] = str(settings.MEDIA_ROOT)
    env.update(env_extra or {})
    if purge:
        app.control.purge()
    with open(log_dir / f"{name}.log", "w") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "csp",
                "worker",
                "--pool=solo",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                f"--hostname={name}@%h",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            yield process
        finally:
            process.terminate()
            process.wait(timeout=30)
