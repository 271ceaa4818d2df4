"""The insights rollups on PostgreSQL: people reached, and the bookings' counts per session
(carehub/insights/models.py, docs/insights.md "How it stays fast").

`insights_person_reach(hub_id, person_id, moments)`: per (hub, person), the instants the person was reached at
the hub. Kept exact by statement-level triggers (with transition tables, so a COPY or a bulk update refreshes
its rows in one pass) on every table that decides who was reached when: loans, bookings, sessions (their
status, start and activity), activities (their hub) and advice appointments. Each trigger recomputes the
touched (hub, person) rows from the events, under a transaction-scoped advisory lock per (hub, person) taken in
a fixed order, so that two transactions touching the same person never leave a row computed from a stale
snapshot (the lock waits for the other to commit; the recomputation after it sees its events).

SQLite (tests, the demo) has no multirange: nothing is created there and metrics.py computes directly.
"""

from django.db import migrations

EVENTS = """
    SELECT l.hub_id AS hub_id, l.borrower_id AS person_id, l.lent_at AS t
      FROM lending_loan l JOIN keys k ON k.hub_id = l.hub_id AND k.person_id = l.borrower_id
    UNION ALL
    SELECT a.hub_id, bk.person_id, s.starts_at
      FROM activities_booking bk JOIN activities_session s ON s.id = bk.session_id
      JOIN activities_activity a ON a.id = s.activity_id
      JOIN keys k ON k.hub_id = a.hub_id AND k.person_id = bk.person_id
     WHERE s.status = 'scheduled' AND bk.status = 'confirmed'
    UNION ALL
    SELECT ap.hub_id, ap.person_id, ap.starts_at
      FROM advice_appointment ap JOIN keys k ON k.hub_id = ap.hub_id AND k.person_id = ap.person_id
     WHERE ap.status <> 'cancelled'
"""

# A session's bookings, counted as metrics.py counts them (bookings confirmed or on the waitlist).
TALLY = """
    SELECT bk.session_id,
           SUM(CASE WHEN bk.attendance = 'attended' THEN 1 ELSE 0 END) AS attended,
           SUM(CASE WHEN bk.attendance = 'attended' THEN bk.record_key ELSE 0 END) AS attended_key,
           SUM(CASE WHEN bk.attendance = 'no_show' THEN 1 ELSE 0 END) AS no_show,
           SUM(CASE WHEN bk.attendance = 'no_show' THEN bk.record_key ELSE 0 END) AS no_show_key,
           SUM(CASE WHEN bk.status = 'waitlisted' THEN 1 ELSE 0 END) AS waitlisted,
           SUM(CASE WHEN bk.status = 'waitlisted' THEN bk.record_key ELSE 0 END) AS waitlisted_key,
           SUM(CASE WHEN bk.status = 'confirmed' THEN 1 ELSE 0 END) AS confirmed,
           SUM(CASE WHEN bk.status = 'confirmed' THEN bk.record_key ELSE 0 END) AS confirmed_key
      FROM activities_booking bk WHERE bk.status IN ('confirmed', 'waitlisted') GROUP BY bk.session_id
"""

CREATE = f"""
CREATE TABLE insights_person_reach (
    hub_id bigint NOT NULL,
    person_id bigint NOT NULL,
    moments tstzmultirange NOT NULL,
    PRIMARY KEY (hub_id, person_id)
);

-- Recompute the rows of these (hub, person) pairs from the events. First lock them (creating the missing ones):
-- a concurrent transaction that touched the same rows is waited for, and the recomputation, a statement of its
-- own and so with a fresh snapshot, then sees its committed events too. Row locks, not advisory locks: a COPY
-- of a million bookings touches every person, more than the shared lock table holds.
CREATE FUNCTION insights_refresh_reach(hubs bigint[], people bigint[]) RETURNS void
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    INSERT INTO insights_person_reach (hub_id, person_id, moments)
    SELECT DISTINCT hub_id, person_id, '{{}}'::tstzmultirange FROM unnest(hubs, people) AS u(hub_id, person_id)
     WHERE hub_id IS NOT NULL AND person_id IS NOT NULL ORDER BY 1, 2
    ON CONFLICT (hub_id, person_id) DO UPDATE SET moments = insights_person_reach.moments;
    WITH keys AS (SELECT DISTINCT hub_id, person_id FROM unnest(hubs, people) AS u(hub_id, person_id)
                   WHERE hub_id IS NOT NULL AND person_id IS NOT NULL),
    computed AS (SELECT hub_id, person_id, range_agg(tstzrange(t, t, '[]')) AS moments
                   FROM ({EVENTS}) events GROUP BY hub_id, person_id)
    UPDATE insights_person_reach r SET moments = COALESCE(c.moments, '{{}}'::tstzmultirange)
      FROM keys k LEFT JOIN computed c ON c.hub_id = k.hub_id AND c.person_id = k.person_id
     WHERE r.hub_id = k.hub_id AND r.person_id = k.person_id;
    DELETE FROM insights_person_reach r USING unnest(hubs, people) AS u(hub_id, person_id)
     WHERE r.hub_id = u.hub_id AND r.person_id = u.person_id AND isempty(r.moments);
END $$;

-- Per session, its bookings' counts and key sums (the bookings' figures, read with the session's status and
-- start at query time). Locked first like the reach rows, then recomputed in a statement of its own.
CREATE TABLE insights_session_tally (
    session_id bigint PRIMARY KEY,
    attended integer NOT NULL, attended_key bigint NOT NULL,
    no_show integer NOT NULL, no_show_key bigint NOT NULL,
    waitlisted integer NOT NULL, waitlisted_key bigint NOT NULL,
    confirmed integer NOT NULL, confirmed_key bigint NOT NULL
);

CREATE FUNCTION insights_refresh_tally(sessions bigint[]) RETURNS void
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    INSERT INTO insights_session_tally
    SELECT DISTINCT session_id, 0, 0, 0, 0, 0, 0, 0, 0 FROM unnest(sessions) AS u(session_id)
     WHERE session_id IS NOT NULL ORDER BY 1
    ON CONFLICT (session_id) DO UPDATE SET attended = insights_session_tally.attended;
    WITH keys AS (SELECT DISTINCT session_id FROM unnest(sessions) AS u(session_id)),
    computed AS ({TALLY.replace("FROM activities_booking bk",
                                "FROM activities_booking bk JOIN keys k ON k.session_id = bk.session_id")})
    UPDATE insights_session_tally t
       SET attended = COALESCE(c.attended, 0), attended_key = COALESCE(c.attended_key, 0),
           no_show = COALESCE(c.no_show, 0), no_show_key = COALESCE(c.no_show_key, 0),
           waitlisted = COALESCE(c.waitlisted, 0), waitlisted_key = COALESCE(c.waitlisted_key, 0),
           confirmed = COALESCE(c.confirmed, 0), confirmed_key = COALESCE(c.confirmed_key, 0)
      FROM keys k LEFT JOIN computed c ON c.session_id = k.session_id
     WHERE t.session_id = k.session_id;
    DELETE FROM insights_session_tally t USING unnest(sessions) AS u(session_id)
     WHERE t.session_id = u.session_id AND t.attended = 0 AND t.no_show = 0 AND t.waitlisted = 0
       AND t.confirmed = 0;
END $$;

CREATE FUNCTION insights_reach_loans() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM insights_refresh_reach(array_agg(hub_id), array_agg(borrower_id)) FROM new_rows;
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        PERFORM insights_refresh_reach(array_agg(hub_id), array_agg(borrower_id)) FROM old_rows;
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION insights_reach_appointments() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM insights_refresh_reach(array_agg(hub_id), array_agg(person_id)) FROM new_rows;
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        PERFORM insights_refresh_reach(array_agg(hub_id), array_agg(person_id)) FROM old_rows;
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION insights_reach_bookings() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM insights_refresh_tally(array_agg(session_id)) FROM new_rows;
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        PERFORM insights_refresh_tally(array_agg(session_id)) FROM old_rows;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM insights_refresh_reach(array_agg(a.hub_id), array_agg(n.person_id))
           FROM new_rows n JOIN activities_session s ON s.id = n.session_id
           JOIN activities_activity a ON a.id = s.activity_id;
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        PERFORM insights_refresh_reach(array_agg(a.hub_id), array_agg(o.person_id))
           FROM old_rows o JOIN activities_session s ON s.id = o.session_id
           JOIN activities_activity a ON a.id = s.activity_id;
    END IF;
    RETURN NULL;
END $$;

-- A session's status, start or activity decides its confirmed bookings' moments (a delete cascades to its
-- bookings, whose own trigger refreshes them).
CREATE FUNCTION insights_reach_sessions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM insights_refresh_reach(array_agg(hub_id), array_agg(person_id)) FROM (
        SELECT a.hub_id, bk.person_id FROM new_rows n JOIN old_rows o ON o.id = n.id
          JOIN activities_booking bk ON bk.session_id = n.id
          JOIN activities_activity a ON a.id IN (n.activity_id, o.activity_id)
         WHERE (n.status, n.starts_at, n.activity_id) IS DISTINCT FROM (o.status, o.starts_at, o.activity_id)
    ) touched;
    RETURN NULL;
END $$;

CREATE FUNCTION insights_reach_activities() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM insights_refresh_reach(array_agg(hub_id), array_agg(person_id)) FROM (
        SELECT h.hub_id, bk.person_id FROM new_rows n JOIN old_rows o ON o.id = n.id
          CROSS JOIN LATERAL (VALUES (n.hub_id), (o.hub_id)) AS h(hub_id)
          JOIN activities_session s ON s.activity_id = n.id
          JOIN activities_booking bk ON bk.session_id = s.id
         WHERE n.hub_id IS DISTINCT FROM o.hub_id
    ) touched;
    RETURN NULL;
END $$;

CREATE TRIGGER insights_reach_loans_ins AFTER INSERT ON lending_loan
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION insights_reach_loans();
CREATE TRIGGER insights_reach_loans_upd AFTER UPDATE ON lending_loan
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION insights_reach_loans();
CREATE TRIGGER insights_reach_loans_del AFTER DELETE ON lending_loan
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION insights_reach_loans();
CREATE TRIGGER insights_reach_appointments_ins AFTER INSERT ON advice_appointment
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION insights_reach_appointments();
CREATE TRIGGER insights_reach_appointments_upd AFTER UPDATE ON advice_appointment
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION insights_reach_appointments();
CREATE TRIGGER insights_reach_appointments_del AFTER DELETE ON advice_appointment
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION insights_reach_appointments();
CREATE TRIGGER insights_reach_bookings_ins AFTER INSERT ON activities_booking
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION insights_reach_bookings();
CREATE TRIGGER insights_reach_bookings_upd AFTER UPDATE ON activities_booking
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION insights_reach_bookings();
CREATE TRIGGER insights_reach_bookings_del AFTER DELETE ON activities_booking
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION insights_reach_bookings();
CREATE TRIGGER insights_reach_sessions_upd AFTER UPDATE ON activities_session
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION insights_reach_sessions();
CREATE TRIGGER insights_reach_activities_upd AFTER UPDATE ON activities_activity
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION insights_reach_activities();

"""

FILL = f"""
INSERT INTO insights_session_tally {TALLY};
INSERT INTO insights_person_reach (hub_id, person_id, moments)
SELECT hub_id, person_id, range_agg(tstzrange(t, t, '[]'))
  FROM ({EVENTS.replace(" JOIN keys k ON k.hub_id = l.hub_id AND k.person_id = l.borrower_id", "")
                .replace(" JOIN keys k ON k.hub_id = a.hub_id AND k.person_id = bk.person_id", "")
                .replace(" JOIN keys k ON k.hub_id = ap.hub_id AND k.person_id = ap.person_id", "")}) events
 GROUP BY hub_id, person_id;
"""

ANALYZE = "ANALYZE insights_person_reach; ANALYZE insights_session_tally;"

DROP = """
DROP TRIGGER IF EXISTS insights_reach_loans_ins ON lending_loan;
DROP TRIGGER IF EXISTS insights_reach_loans_upd ON lending_loan;
DROP TRIGGER IF EXISTS insights_reach_loans_del ON lending_loan;
DROP TRIGGER IF EXISTS insights_reach_appointments_ins ON advice_appointment;
DROP TRIGGER IF EXISTS insights_reach_appointments_upd ON advice_appointment;
DROP TRIGGER IF EXISTS insights_reach_appointments_del ON advice_appointment;
DROP TRIGGER IF EXISTS insights_reach_bookings_ins ON activities_booking;
DROP TRIGGER IF EXISTS insights_reach_bookings_upd ON activities_booking;
DROP TRIGGER IF EXISTS insights_reach_bookings_del ON activities_booking;
DROP TRIGGER IF EXISTS insights_reach_sessions_upd ON activities_session;
DROP TRIGGER IF EXISTS insights_reach_activities_upd ON activities_activity;
DROP FUNCTION IF EXISTS insights_reach_loans(), insights_reach_appointments(), insights_reach_bookings(),
    insights_reach_sessions(), insights_reach_activities(), insights_refresh_reach(bigint[], bigint[]),
    insights_refresh_tally(bigint[]);
DROP TABLE IF EXISTS insights_person_reach, insights_session_tally;
"""


def run(sql):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            with schema_editor.connection.cursor() as cursor:
                cursor.execute(sql)  # no parameters: several statements at once

    return apply


class Migration(migrations.Migration):
    dependencies = [
        ("carehub", "0001_initial"),
        ("lending", "0006_deposit_flags_removed"),
        ("activities", "0004_companions"),
        ("advice", "0004_sqlite_overlap_triggers_again"),
    ]

    operations = [migrations.RunPython(run(CREATE + FILL + ANALYZE), run(DROP))]
