"""Activities' part of `manage.py seed_scale` (the registry hook `seed_scale`, see carehub/scale.py): four
weekly activities per hub, their sessions over the period, and bookings, waitlists and attendance. Each
session's `confirmed_count` is the exact number of its confirmed bookings, never above its places."""

from datetime import time, timedelta

from carehub.scale import Seeder, local

from .models import Activity, Booking, Session

ACTIVITIES = [("Xerrada: cuidar qui cuida", "talk", 0, time(17, 30), 25),
              ("Taller de mobilitzacions segures", "workshop", 2, time(10, 0), 15),
              ("Passejada pel barri", "outdoor", 3, time(10, 30), 20),
              ("Cafè de persones cuidadores", "other", 1, time(17, 0), 18)]
BOOKING_COLUMNS = ["session_id", "person_id", "status", "attendance", "created_at", "confirmed_at", "cancelled_at"]
COPY_EVERY = 200_000  # bookings held in memory before they are written


def seed(seeder: Seeder) -> dict:
    rng = seeder.rng
    seeder.progress.expect(seeder.n_hubs * len(ACTIVITIES) * seeder.weeks * 16)
    seeder.progress.begin("activities and sessions")
    activities = seeder.bulk(Activity, [
        Activity(hub=hub, title=title, kind=kind, capacity=capacity, frequency="weekly",
                 created_at=local(seeder.start, time(9)))
        for hub in seeder.hubs for title, kind, _wd, _at, capacity in ACTIVITIES
    ])
    sessions = []
    for activity, (_t, _k, weekday, starts, _c) in zip(activities, ACTIVITIES * len(seeder.hubs)):
        for day in seeder.weekly_days(weekday):
            cancelled = rng.random() < 0.03
            begins = local(day, starts)
            sessions.append(Session(activity=activity, starts_at=begins, ends_at=begins + timedelta(hours=2),
                                    capacity=activity.capacity, status="cancelled" if cancelled else "scheduled",
                                    confirmed_count=0, updated_at=begins))
    # Plan the bookings first so that each session carries its exact confirmed count.
    plans = []
    hub_of = {a.pk: a.hub_id for a in activities}
    for session in sessions:
        wanted = min(int(rng.gauss(session.capacity * 0.75, session.capacity * 0.25)), session.capacity + 6)
        wanted = max(wanted, 0)
        confirmed = 0 if session.status == "cancelled" else min(wanted, session.capacity)
        waitlisted = 0 if session.status == "cancelled" else max(wanted - session.capacity, 0)
        session.confirmed_count = confirmed
        plans.append((confirmed, waitlisted))
    seeder.progress.begin("sessions")
    sessions = seeder.bulk(Session, sessions)
    seeder.progress.begin("bookings")
    rows = []
    n = 0
    for session, (confirmed, waitlisted) in zip(sessions, plans):
        people = seeder.people_by_hub[hub_of[session.activity_id]]
        chosen = rng.sample(people, confirmed + waitlisted)  # distinct: one live booking per person
        past = session.starts_at < seeder.now
        booked = session.starts_at - timedelta(days=rng.randint(1, 20))
        for i, person in enumerate(chosen):
            if i < confirmed:
                attendance = ("attended" if rng.random() < 0.85 else "no_show") if past else "unknown"
                rows.append((session.pk, person, "confirmed", attendance, booked, booked, None))
            else:
                rows.append((session.pk, person, "waitlisted", "unknown", booked, None, None))
        if len(rows) >= COPY_EVERY:
            n += seeder.copy(Booking, BOOKING_COLUMNS, rows)
            rows = []
    n += seeder.copy(Booking, BOOKING_COLUMNS, rows)
    return {"sessions": len(sessions), "bookings": n}
