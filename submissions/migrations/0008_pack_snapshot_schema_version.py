# Each published version records the shape its snapshot was stored in. Every version stored
# before this migration is schema version 1 (docs/adr/0012-pack-snapshot-schema-versions.md);
# no snapshot is rewritten. On PostgreSQL the column is added in place (no UPDATE, so the
# immutability trigger is not involved). On SQLite Django rebuilds the table to add a NOT NULL
# column, which drops its triggers: the UPDATE trigger of 0003 is created again, both ways.

import importlib

from django.db import migrations, models

IMMUTABLE = importlib.import_module("submissions.migrations.0003_pack_version_immutable")


def sqlite_trigger_again(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in IMMUTABLE.SQLITE_UP:
            schema_editor.execute(
                sql.replace("CREATE TRIGGER ", "CREATE TRIGGER IF NOT EXISTS ", 1)
            )


class Migration(migrations.Migration):
    dependencies = [
        ("submissions", "0007_import_uploads_in_file_storage"),
    ]

    operations = [
        # Undone last: removing the column rebuilds the table on SQLite too.
        migrations.RunPython(migrations.RunPython.noop, sqlite_trigger_again),
        migrations.AddField(
            model_name="packversion",
            name="schema_version",
            field=models.PositiveSmallIntegerField(
                default=1,
                help_text="The shape the snapshot was stored in (1 before versions were named).",
            ),
            preserve_default=False,
        ),
        migrations.AddConstraint(
            model_name="packversion",
            constraint=models.CheckConstraint(
                condition=models.Q(("schema_version__gte", 1)),
                name="pack_snapshot_schema_from_one",
            ),
        ),
        migrations.RunPython(sqlite_trigger_again, migrations.RunPython.noop),
    ]
