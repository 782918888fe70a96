# A published version keeps the coordinator's confirming note: why the pack was published with
# commentary the figures contradict. Versions stored before have none (""); no snapshot is
# rewritten. As in 0008: on PostgreSQL the column is added in place (no UPDATE, so the
# immutability trigger is not involved); on SQLite Django may rebuild the table, which drops its
# triggers, so the UPDATE trigger of 0003 is created again, both ways.

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
        ("submissions", "0012_action_log"),
    ]

    operations = [
        # Undone last: removing the column rebuilds the table on SQLite too.
        migrations.RunPython(migrations.RunPython.noop, sqlite_trigger_again),
        migrations.AddField(
            model_name="packversion",
            name="confirm_note",
            field=models.TextField(
                blank=True,
                default="",
                help_text="Why the pack was published with commentary the figures contradict "
                "(the coordinator's confirming note; empty when nothing was found).",
            ),
        ),
        migrations.RunPython(sqlite_trigger_again, migrations.RunPython.noop),
    ]
