"""The rollups' triggers, cheaper on the write path (docs/insights.md, "Rollups").

An update refreshes the rollups only when it changed what they are made of (returning a loan, recording
attendance's effect on who was reached, rescheduling nothing…: a loan's return, the most frequent loan update,
refreshes nothing), and refreshes the old and the new keys in one call. The refresh functions always use their
generic plan: planning them anew at each booking cost more than running them.
"""

from django.db import migrations

FUNCTIONS = """
ALTER FUNCTION insights_refresh_reach(bigint[], bigint[]) SET plan_cache_mode = force_generic_plan;
ALTER FUNCTION insights_refresh_tally(bigint[]) SET plan_cache_mode = force_generic_plan;

CREATE OR REPLACE FUNCTION insights_reach_loans() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM insights_refresh_reach(array_agg(hub_id), array_agg(borrower_id)) FROM new_rows;
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM insights_refresh_reach(array_agg(hub_id), array_agg(borrower_id)) FROM old_rows;
    ELSE
        PERFORM insights_refresh_reach(array_agg(k.hub_id), array_agg(k.person_id))
           FROM new_rows n JOIN old_rows o ON o.id = n.id
           CROSS JOIN LATERAL (VALUES (n.hub_id, n.borrower_id), (o.hub_id, o.borrower_id)) AS k(hub_id, person_id)
          WHERE (n.hub_id, n.borrower_id, n.lent_at) IS DISTINCT FROM (o.hub_id, o.borrower_id, o.lent_at);
    END IF;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION insights_reach_appointments() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM insights_refresh_reach(array_agg(hub_id), array_agg(person_id)) FROM new_rows;
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM insights_refresh_reach(array_agg(hub_id), array_agg(person_id)) FROM old_rows;
    ELSE
        PERFORM insights_refresh_reach(array_agg(k.hub_id), array_agg(k.person_id))
           FROM new_rows n JOIN old_rows o ON o.id = n.id
           CROSS JOIN LATERAL (VALUES (n.hub_id, n.person_id), (o.hub_id, o.person_id)) AS k(hub_id, person_id)
          WHERE (n.hub_id, n.person_id, n.starts_at, n.status = 'cancelled')
                IS DISTINCT FROM (o.hub_id, o.person_id, o.starts_at, o.status = 'cancelled');
    END IF;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION insights_reach_bookings() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM insights_refresh_tally(array_agg(session_id)) FROM new_rows;
        PERFORM insights_refresh_reach(array_agg(a.hub_id), array_agg(n.person_id))
           FROM new_rows n JOIN activities_session s ON s.id = n.session_id
           JOIN activities_activity a ON a.id = s.activity_id WHERE n.status = 'confirmed';
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM insights_refresh_tally(array_agg(session_id)) FROM old_rows;
        PERFORM insights_refresh_reach(array_agg(a.hub_id), array_agg(o.person_id))
           FROM old_rows o JOIN activities_session s ON s.id = o.session_id
           JOIN activities_activity a ON a.id = s.activity_id WHERE o.status = 'confirmed';
    ELSE
        -- The tally is made of the status, the attendance and the record key; who was reached, of the
        -- status (confirmed or not), the person and the session.
        PERFORM insights_refresh_tally(array_agg(k.session_id))
           FROM new_rows n JOIN old_rows o ON o.id = n.id
           CROSS JOIN LATERAL (VALUES (n.session_id), (o.session_id)) AS k(session_id)
          WHERE (n.session_id, n.status, n.attendance, n.record_key)
                IS DISTINCT FROM (o.session_id, o.status, o.attendance, o.record_key);
        PERFORM insights_refresh_reach(array_agg(a.hub_id), array_agg(k.person_id))
           FROM new_rows n JOIN old_rows o ON o.id = n.id
           CROSS JOIN LATERAL (VALUES (n.session_id, n.person_id), (o.session_id, o.person_id))
                AS k(session_id, person_id)
           JOIN activities_session s ON s.id = k.session_id JOIN activities_activity a ON a.id = s.activity_id
          WHERE (n.session_id, n.person_id, n.status = 'confirmed')
                IS DISTINCT FROM (o.session_id, o.person_id, o.status = 'confirmed');
    END IF;
    RETURN NULL;
END $$;
"""

# 0001's functions, for going back.
PREVIOUS = """
ALTER FUNCTION insights_refresh_reach(bigint[], bigint[]) RESET plan_cache_mode;
ALTER FUNCTION insights_refresh_tally(bigint[]) RESET plan_cache_mode;
"""


def run(sql, previous=False):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(sql)  # no parameters: several statements at once
            if previous:
                from importlib import import_module

                first = import_module("carehub.insights.migrations.0001_rollups")
                functions = first.CREATE[first.CREATE.index("CREATE FUNCTION insights_reach_loans()"):
                                         first.CREATE.index("-- A session's status")]
                cursor.execute(functions.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION"))

    return apply


class Migration(migrations.Migration):
    dependencies = [("insights", "0001_rollups")]

    operations = [migrations.RunPython(run(FUNCTIONS), run(PREVIOUS, previous=True))]
