"""Running a migration test's script on a database of its own, never on the test database.

A migration test writes rows as an old schema had them, migrates forwards (and back), and prints
what it found as JSON on its last line. ``migration_script_run`` runs that script in a
subprocess (the settings of ``csp.settings``, no broker, no cache, media in ``tmp_path``) on a
scratch database of the suite's kind: SQLite in ``tmp_path``, or, when the suite runs on
PostgreSQL (``DATABASE_URL``), a database of its own on the same server, created empty and
dropped after."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]


@contextlib.contextmanager
def scratch_database(tmp_path: Path, name: str) -> Iterator[str]:
    """A database URL of the same kind as the suite's, empty, for one script to run on."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        yield f"sqlite:///{tmp_path / f'{name}.sqlite3'}"
        return
    import psycopg

    parts = urlsplit(url)
    database = f"{parts.path.lstrip('/') or 'csp'}_{name}"
    server = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database}"')
        conn.execute(f'CREATE DATABASE "{database}"')
    try:
        yield urlunsplit(parts._replace(path=f"/{database}"))
    finally:
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{database}"')


def migration_script_run(script: str, tmp_path: Path, *, name: str) -> dict[str, Any]:
    """Run ``script`` on a scratch database (``name`` tells the scratch databases apart) and
    return the JSON it printed last; a failing script fails the test with its error."""
    with scratch_database(tmp_path, f"{name}_migration") as database_url:
        env = {k: v for k, v in os.environ.items() if k not in {"CELERY_BROKER_URL", "CACHE_URL"}}
        env.update(
            DEBUG="true",
            DJANGO_SETTINGS_MODULE="csp.settings",
            DATABASE_URL=database_url,
            MEDIA_ROOT=str(tmp_path / "media"),
        )
        result = subprocess.run(
            [sys.executable, "-c", script],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])
