"""Advice's part of `manage.py seed_scale` (the registry hook `seed_scale`, see carehub/scale.py): one legal
advisor per hub, available on Tuesday mornings, with four to eight appointments each week in distinct
30-minute slots (an advisor's appointments never overlap)."""

from datetime import time, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from carehub.models import Role, StaffRole
from carehub.scale import Seeder, local

from .models import AdviceService, Appointment, Availability

TUESDAY = 1
APPOINTMENT_COLUMNS = ["service_id", "advisor_id", "hub_id", "person_id", "starts_at", "ends_at",
                       "blocked_until", "mode", "reason", "status", "created_at", "cancelled_at"]


def seed(seeder: Seeder) -> dict:
    rng = seeder.rng
    seeder.progress.expect(seeder.n_hubs * seeder.weeks * 7)
    seeder.progress.begin("advice")
    User = get_user_model()
    unusable = make_password(None)
    hubs = seeder.hubs
    advisors = seeder.bulk(User, [User(username=f"advisor-{hub.slug}", password=unusable) for hub in hubs])
    seeder.bulk(StaffRole, [StaffRole(user=a, role=Role.ADVISOR, hub=h) for a, h in zip(advisors, hubs)])
    services = seeder.bulk(AdviceService, [
        AdviceService(hub=hub, kind="legal", name="Assessorament jurídic", appointment_minutes=30)
        for hub in hubs
    ])
    seeder.bulk(Availability, [
        Availability(advisor=a, service=s, weekday=TUESDAY, start_time=time(10), end_time=time(14),
                     valid_from=seeder.start) for a, s in zip(advisors, services)
    ])
    rows = []
    for hub, advisor, service in zip(hubs, advisors, services):
        people = seeder.people_by_hub[hub.pk]
        for day in seeder.weekly_days(TUESDAY):
            # Eight 30-minute slots from 10:00; each appointment takes a distinct slot: never overlapping.
            for slot in sorted(rng.sample(range(8), rng.randint(4, 8))):
                starts = local(day, time(10 + slot // 2, 30 * (slot % 2)))
                ends = starts + timedelta(minutes=30)
                asked = starts - timedelta(days=rng.randint(1, 30), hours=rng.randint(0, 8))
                roll = rng.random()
                if starts >= seeder.now:
                    status, cancelled_at = "booked", None
                elif roll < 0.08:
                    status, cancelled_at = "cancelled", starts - timedelta(days=1)
                elif roll < 0.18:
                    status, cancelled_at = "no_show", None
                else:
                    status, cancelled_at = "attended", None
                rows.append((service.pk, advisor.pk, hub.pk, rng.choice(people), starts, ends, ends, "in_person",
                             "", status, asked, cancelled_at))
    return {"appointments": seeder.copy(Appointment, APPOINTMENT_COLUMNS, rows)}
