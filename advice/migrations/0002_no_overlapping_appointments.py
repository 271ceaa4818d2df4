"""The database refuses overlapping appointments of one advisor (buffer included) and of one person.

Why here and not in ``Appointment.Meta.constraints``: ``ExclusionConstraint`` only exists on PostgreSQL and
Django emits its PostgreSQL SQL on any backend (SQLite would fail to migrate), and it needs the btree_gist
extension. So this migration creates, per backend:

- PostgreSQL: ``btree_gist`` and two exclusion constraints over ``tstzrange(…, '[)')`` for rows whose status
  is not ``cancelled`` — a cancellation frees the slot at once. Half-open ranges: an appointment may start
  exactly when the previous one's buffer ends.
- SQLite (demo, quick tests): BEFORE INSERT/UPDATE triggers that abort with a constraint error, which Django
  raises as IntegrityError, the same as PostgreSQL.
"""

from django.db import migrations

PG_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    """ALTER TABLE advice_appointment ADD CONSTRAINT advice_appointment_advisor_no_overlap
       EXCLUDE USING gist (advisor_id WITH =, tstzrange(starts_at, blocked_until, '[)') WITH &&)
       WHERE (status <> 'cancelled')""",
    """ALTER TABLE advice_appointment ADD CONSTRAINT advice_appointment_person_no_overlap
       EXCLUDE USING gist (person_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&)
       WHERE (status <> 'cancelled')""",
]
PG_BACKWARD = [
    "ALTER TABLE advice_appointment DROP CONSTRAINT IF EXISTS advice_appointment_person_no_overlap",
    "ALTER TABLE advice_appointment DROP CONSTRAINT IF EXISTS advice_appointment_advisor_no_overlap",
]

_SQLITE_CHECK = """
CREATE TRIGGER advice_appointment_no_overlap_{event}
BEFORE {event_sql} ON advice_appointment
WHEN NEW.status <> 'cancelled'
BEGIN
    SELECT RAISE(ABORT, 'advice_appointment_advisor_no_overlap')
    WHERE EXISTS (
        SELECT 1 FROM advice_appointment AS other
        WHERE other.advisor_id = NEW.advisor_id AND other.status <> 'cancelled' AND other.id IS NOT NEW.id
          AND other.starts_at < NEW.blocked_until AND NEW.starts_at < other.blocked_until
    );
    SELECT RAISE(ABORT, 'advice_appointment_person_no_overlap')
    WHERE EXISTS (
        SELECT 1 FROM advice_appointment AS other
        WHERE other.person_id = NEW.person_id AND other.status <> 'cancelled' AND other.id IS NOT NEW.id
          AND other.starts_at < NEW.ends_at AND NEW.starts_at < other.ends_at
    );
END
"""
SQLITE_FORWARD = [
    _SQLITE_CHECK.format(event="insert", event_sql="INSERT"),
    _SQLITE_CHECK.format(event="update", event_sql="UPDATE"),
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS advice_appointment_no_overlap_insert",
    "DROP TRIGGER IF EXISTS advice_appointment_no_overlap_update",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, ()):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("advice", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": PG_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": PG_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        )
    ]
