"""SQLite drops a table's triggers when Django rebuilds the table to add a column (0003 added `record_key`),
so the no-overlap triggers of 0002 are created again. Any later migration that alters `advice_appointment` on
SQLite must do the same; tests/advice/test_database_rule.py fails if the triggers are missing."""

from django.db import migrations

from importlib import import_module

# A module name that starts with a digit cannot be imported with `import`.
_0002 = import_module("advice.migrations.0002_no_overlapping_appointments")


def recreate(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return  # PostgreSQL's exclusion constraints survive ALTER TABLE ADD COLUMN
    for statement in _0002.SQLITE_BACKWARD + _0002.SQLITE_FORWARD:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("advice", "0003_record_key")]

    operations = [migrations.RunPython(recreate, migrations.RunPython.noop)]
