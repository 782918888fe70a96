"""The database itself refuses to change or delete a published pack version.

PostgreSQL (production): a trigger refuses UPDATE and DELETE of any row. SQLite (the embedded
demo): a trigger refuses UPDATE; DELETE is refused by the model, because a DELETE trigger would
also stop the test suite's table flush (PostgreSQL flushes with TRUNCATE, which row triggers do
not see). See docs/adr/0004-published-packs-are-immutable.md.
"""

from django.db import migrations

PG_UP = """
CREATE OR REPLACE FUNCTION submissions_packversion_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'A published pack version cannot be changed or deleted (pack version %)', OLD.id
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER submissions_packversion_no_update
    BEFORE UPDATE OR DELETE ON submissions_packversion
    FOR EACH ROW EXECUTE FUNCTION submissions_packversion_immutable();
"""
PG_DOWN = """
DROP TRIGGER IF EXISTS submissions_packversion_no_update ON submissions_packversion;
DROP FUNCTION IF EXISTS submissions_packversion_immutable();
"""
SQLITE_UP = [
    """CREATE TRIGGER submissions_packversion_no_update BEFORE UPDATE ON submissions_packversion
    BEGIN SELECT RAISE(ABORT, 'A published pack version cannot be changed or deleted'); END;""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS submissions_packversion_no_update;",
    "DROP TRIGGER IF EXISTS submissions_packversion_no_delete;",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_UP, params=None)  # the SQL has a literal %
    elif schema_editor.connection.vendor == "sqlite":
        for sql in SQLITE_UP:
            schema_editor.execute(sql)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_DOWN, params=None)
    elif schema_editor.connection.vendor == "sqlite":
        for sql in SQLITE_DOWN:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("submissions", "0002_cycle")]
    operations = [migrations.RunPython(forwards, backwards)]
