"""`seed_scale` and the insights rollups (PostgreSQL): written once at the end, not row batch by row batch.

The rollups' triggers (migrations/0001_rollups) would refresh every person and session once per COPY batch of
bookings; for a city that is minutes of repeated work. `pause_rollups()` (called by the core's seeder before it
writes anything) disables them for the seeding transaction, and `seed()` (the insights app's `seed_scale` hook,
the last one in INSTALLED_APPS order) fills the rollups in one pass from the events and enables the triggers
again. Both run inside the seeding transaction: if anything fails, the triggers are back as they were.
`load_demo` does the same around its year of history (`written_once()`).
"""

from contextlib import contextmanager

from django.db import connection

TRIGGERS = {
    "lending_loan": ("insights_reach_loans_ins", "insights_reach_loans_upd", "insights_reach_loans_del"),
    "advice_appointment": ("insights_reach_appointments_ins", "insights_reach_appointments_upd",
                           "insights_reach_appointments_del"),
    "activities_booking": ("insights_reach_bookings_ins", "insights_reach_bookings_upd",
                           "insights_reach_bookings_del"),
    "activities_session": ("insights_reach_sessions_upd",),
    "activities_activity": ("insights_reach_activities_upd",),
}


def _switch(action: str) -> None:
    with connection.cursor() as cursor:
        for table, names in TRIGGERS.items():
            for name in names:
                cursor.execute(f"ALTER TABLE {table} {action} TRIGGER {name}")


def pause_rollups() -> None:
    if connection.vendor == "postgresql":
        _switch("DISABLE")


def fill_and_resume() -> None:
    """Fill the rollups from the events in one pass and enable their triggers again (after `pause_rollups`)."""
    if connection.vendor != "postgresql":
        return
    from importlib import import_module

    migration = import_module("carehub.insights.migrations.0001_rollups")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM insights_person_reach; DELETE FROM insights_session_tally;")
        cursor.execute(migration.FILL)
    with connection.cursor() as cursor:
        # ALTER TABLE refuses a table with deferred checks pending (the foreign keys of the rows just written):
        # run them now, as the commit would have.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        _switch("ENABLE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


@contextmanager
def written_once():
    """Inside one transaction: the rollups are not refreshed row by row while the block writes (a demo's year of
    history, thousands of single-row inserts each recomputing its person), and are filled once at its end."""
    pause_rollups()
    yield
    fill_and_resume()


def seed(seeder) -> dict:
    if connection.vendor != "postgresql":
        return {}
    seeder.progress.expect(1)
    seeder.progress.begin("insights rollups")
    fill_and_resume()
    return {}  # nothing new in the summary: the rollups hold what the events hold
