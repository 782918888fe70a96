"""The migration that moves uploads out of the database keeps a waiting job's file, and can be
undone. It runs on a database of its own (``tests.migration_scripts``: SQLite, or
PostgreSQL when the suite runs on it), never on the test database."""

from __future__ import annotations

import textwrap
from pathlib import Path

from tests.migration_scripts import migration_script_run

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
    out = migration_script_run(SCRIPT, tmp_path, name="import_upload")
    name, background, never_queued = out["after"]["pending"]
    assert name.startswith("imports/") and name.endswith(".csv")
    assert background and never_queued  # the sweep queues it again
    assert out["after"]["done"][0] == ""  # a finished job's upload is not kept
    assert out["waiting"] == out["restored"] == "area,indicator\nBarnet,tno\n"
    assert (tmp_path / "media" / name).exists()
