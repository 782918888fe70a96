"""The migration that names snapshot schema versions makes every stored version 1, rewrites no
snapshot and keeps published versions immutable both ways (on SQLite it rebuilds the table,
which drops the trigger; the migration creates it again). It runs on a database of its own
(``tests.migration_scripts``: SQLite, or PostgreSQL when the suite runs on it), never on the
test database."""

from __future__ import annotations

import textwrap
from pathlib import Path

from tests.migration_scripts import migration_script_run

SCRIPT = textwrap.dedent(
    """
    import datetime as dt, json
    import django
    django.setup()
    from django.core.management import call_command
    from django.db import DatabaseError, connection, transaction

    def refuses_update():
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("UPDATE submissions_packversion SET change_note = 'tampered'")
        except DatabaseError:
            return True
        return False

    def row():
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM submissions_packversion")
            names = [c[0] for c in cursor.description]
            return dict(zip(names, cursor.fetchone()))

    call_command("migrate", "submissions", "0007", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO csp_area (code, name, short_name) VALUES ('E09000002', 'A', '')"
        )
        cursor.execute("INSERT INTO csp_partnership (name, area_id) VALUES ('P', 1)")
        cursor.execute(
            "INSERT INTO submissions_reportinground (partnership_id, month, deadline, status,"
            " published_at) VALUES (1, '2016-12-01', '2017-01-10', 'published', %s)",
            [dt.datetime(2017, 1, 12, tzinfo=dt.UTC)],
        )
        cursor.execute(
            "INSERT INTO submissions_packversion (round_id, number, published_at, change_note,"
            " snapshot) VALUES (1, 1, %s, '', %s)",
            [dt.datetime(2017, 1, 12, tzinfo=dt.UTC), json.dumps({"month": "2016-12"})],
        )
    before = row()
    call_command("migrate", "submissions", verbosity=0)
    after = row()
    forwards = refuses_update()
    call_command("migrate", "submissions", "0007", verbosity=0)
    backwards = refuses_update()
    print(json.dumps({
        "schema_version": after["schema_version"],
        "snapshot_kept": after["snapshot"] == before["snapshot"],
        "refused": [forwards, backwards],
        "columns_back": sorted(row()) == sorted(before),
    }))
    """
)


def test_stored_versions_become_schema_1_and_stay_immutable_both_ways(tmp_path: Path) -> None:
    out = migration_script_run(SCRIPT, tmp_path, name="pack_schema")
    assert out == {
        "schema_version": 1,
        "snapshot_kept": True,
        "refused": [True, True],
        "columns_back": True,
    }
