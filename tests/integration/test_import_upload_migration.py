"""The migration that moves uploads out of the database keeps a waiting job's file, and can be
undone. It runs on a database of its own (a subprocess), never on the test database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = textwrap.dedent(
    """
    import json, os
    import django
    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor
    from django.utils import timezone

    call_command("migrate", "submissions", "0005", verbosity=0)
    STATE = ("submissions", "0005_import_job")
    old = MigrationExecutor(connection).loader.project_state(STATE).apps
    user = old.get_model("auth", "User").objects.create(username="c")
    Job = old.get_model("submissions", "ImportJob")
    for status, content in [("pending", b"area,indicator\\nBarnet,tno\\n"), ("done", b"x")]:
        Job.objects.create(kind="month_values", filename="f.csv", content=content, user=user,
                           status=status, created_at=timezone.now())
    call_command("migrate", "submissions", verbosity=0)
    from submissions.models import ImportJob
    from django.core.files.storage import default_storage
    after = {j.status: [j.file.name, j.background, j.queued_at] for j in ImportJob.objects.all()}
    waiting = default_storage.open(after["pending"][0]).read().decode()
    call_command("migrate", "submissions", "0005", verbosity=0)
    back = MigrationExecutor(connection).loader.project_state(STATE).apps
    restored = back.get_model("submissions", "ImportJob").objects.get(status="pending")
    restored = bytes(restored.content)
    print(json.dumps({"after": {k: v[:2] + [v[2] is None] for k, v in after.items()},
                      "waiting": waiting, "restored": restored.decode()}))
    """
)


def test_a_waiting_jobs_upload_moves_to_file_storage_and_back(tmp_path: Path) -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL"}
    }
    env.update(
        DEBUG="true",
        DJANGO_SETTINGS_MODULE="csp.settings",
        DATABASE_URL=f"sqlite:///{tmp_path / 'migration.sqlite3'}",
        MEDIA_ROOT=str(tmp_path / "media"),
    )
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    out = json.loads(result.stdout.strip().splitlines()[-1])
    name, background, never_queued = out["after"]["pending"]
    assert name.startswith("imports/") and name.endswith(".csv")
    assert background and never_queued  # the sweep queues it again
    assert out["after"]["done"][0] == ""  # a finished job's upload is not kept
    assert out["waiting"] == out["restored"] == "area,indicator\nBarnet,tno\n"
    assert (tmp_path / "media" / name).exists()
