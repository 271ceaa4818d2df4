"""The PostgreSQL rollups (carehub/insights/models.py) give exactly the figures of the direct computation.

Random activity at three hubs over two years; the raw cells (counts and key sums, so the published figures too)
computed from the rollups and straight from the events must be identical for random periods, monthly buckets
and hub subsets; and they must stay so after the events change in every way the app (or an admin, or a bulk
`QuerySet.update()`) changes them, since triggers keep the rollups current.
"""

import random
from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from activities.models import Activity, Booking, Session
from advice.models import AdviceService, Appointment
from carehub.insights import metrics
from carehub.models import Role
from lending.models import Item, ItemType, Loan
from tests.conftest import make_hub, make_person, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

NOW = timezone.make_aware(datetime(2025, 6, 18, 12, 30), timezone.get_default_timezone())
FIRST = date(2023, 6, 1)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def moment(rng, first=FIRST, days=760):
    """A random instant from `first` on, some after NOW (the programme ahead)."""
    day = first + timedelta(days=rng.randrange(days))
    return timezone.make_aware(datetime(day.year, day.month, day.day, rng.randrange(8, 21), rng.choice((0, 30))),
                               timezone.get_default_timezone())


@pytest.fixture
def activity_city():
    rng = random.Random(1814)
    hubs = [make_hub(district=d) for d in ("gracia", "gracia", "sants-montjuic")]
    people = {hub.pk: [make_person(hub) for _ in range(14)] for hub in hubs}
    everyone = [p for group in people.values() for p in group]
    wheelchair = ItemType.objects.create(name="Wheelchair", category="mobility")
    for h, hub in enumerate(hubs):
        for i in range(25):
            item = Item.objects.create(asset_tag=f"R{hub.pk}-{i}", item_type=wheelchair, hub=hub,
                                       created_at=moment(rng, days=30))
            lent = moment(rng, days=700)
            Loan.objects.create(item=item, hub=hub, borrower=rng.choice(everyone), lent_at=lent,
                                due_on=timezone.localdate(lent) + timedelta(days=21),
                                returned_at=(lent + timedelta(days=rng.randrange(5, 40))
                                             if rng.random() < .8 else None))
        activity = Activity.objects.create(hub=hub, title=f"Taller {hub.pk}", capacity=8)
        for _s in range(18):
            starts = moment(rng)
            session = Session.objects.create(activity=activity, starts_at=starts,
                                             ends_at=starts + timedelta(hours=2), capacity=8, status="cancelled" if rng.random() < .1 else "scheduled")
            for person in rng.sample(everyone, 9):
                status = rng.choice(("confirmed", "confirmed", "confirmed", "waitlisted", "cancelled"))
                attendance = rng.choice(("unknown", "attended", "no_show")) if status == "confirmed" else "unknown"
                Booking.objects.create(session=session, person=person, status=status, attendance=attendance)
        advisor = make_user(roles=[(Role.ADVISOR, hub)])
        service = AdviceService.objects.create(hub=hub, kind="legal", name="Assessorament")
        for i in range(30):  # 25 days and a bit apart: an advisor's appointments never overlap
            starts = timezone.make_aware(datetime(2023, 6, 1, 9), timezone.get_default_timezone()) + timedelta(
                days=25 * i, minutes=37 * i, hours=2 * h)  # nor anyone's, at two hubs
            status = rng.choice(("booked", "attended", "no_show", "cancelled"))
            Appointment.objects.create(service=service, advisor=advisor, hub=hub, person=rng.choice(everyone),
                                       status=status, cancelled_at=starts if status == "cancelled" else None,
                                       starts_at=starts, ends_at=starts + timedelta(minutes=30),
                                       blocked_until=starts + timedelta(minutes=30),
                                       created_at=starts - timedelta(days=rng.randrange(1, 20)))
    return hubs, everyone, rng


def assert_same_figures(hubs, rng, periods=12):
    ids = [h.pk for h in hubs]
    checks = [metrics.period_bucket(date(2023, 6, 1), date(2025, 6, 18)),
              metrics.month_buckets(date(2024, 11, 5), date(2025, 7, 10))]  # months ahead of NOW too
    for _i in range(periods):
        first = FIRST + timedelta(days=rng.randrange(740))
        checks.append(metrics.period_bucket(first, first + timedelta(days=rng.randrange(1, 400))))
    for buckets in checks:
        subset = rng.sample(ids, rng.randrange(1, len(ids) + 1))
        for chosen in (ids, subset):
            assert metrics.compute(chosen, buckets, rollup=True) == metrics.compute(chosen, buckets, rollup=False)


def rollup_rows():
    with connection.cursor() as cursor:
        cursor.execute("SELECT hub_id, person_id, moments::text FROM insights_person_reach ORDER BY 1, 2")
        reach = cursor.fetchall()
        cursor.execute("SELECT * FROM insights_session_tally ORDER BY 1")
        return reach, cursor.fetchall()


def rebuilt_rows():
    """What the rollups hold when rebuilt from scratch (the migration's own fill)."""
    from importlib import import_module

    migration = import_module("carehub.insights.migrations.0001_rollups")
    with connection.cursor() as cursor:
        cursor.execute("SAVEPOINT rebuild")
        cursor.execute("DELETE FROM insights_person_reach; DELETE FROM insights_session_tally;")
        cursor.execute(migration.FILL)
        rows = rollup_rows()
        cursor.execute("ROLLBACK TO SAVEPOINT rebuild")
    return rows


def test_the_rollups_give_the_direct_figures_for_any_period_and_hubs(activity_city):
    hubs, _everyone, rng = activity_city
    reach, tallies = rollup_rows()
    assert reach and tallies  # filled as the events were written
    assert_same_figures(hubs, rng)
    assert rollup_rows() == rebuilt_rows()


def test_the_rollups_follow_every_kind_of_change(activity_city):
    hubs, everyone, rng = activity_city
    bookings = list(Booking.objects.order_by("pk"))
    # A booking cancelled, one moved to the waitlist, attendance recorded in bulk, one deleted, one moved to
    # another session and person; a session cancelled and one moved by a month; an activity moved to another
    # hub; an appointment cancelled; a loan deleted and one moved to another borrower; all through bulk
    # updates that no model signal sees.
    Booking.objects.filter(pk=bookings[0].pk).update(status="cancelled", attendance="unknown")
    Booking.objects.filter(pk=bookings[1].pk, status="confirmed").update(status="waitlisted", attendance="unknown")
    Booking.objects.filter(status="confirmed", attendance="unknown").update(attendance="attended")
    bookings[2].delete()
    stranger = make_person(hubs[0])
    Booking.objects.filter(pk=bookings[3].pk).update(session=bookings[40].session, person=stranger)
    sessions = list(Session.objects.order_by("pk"))
    Session.objects.filter(pk=sessions[0].pk).update(status="cancelled")
    Session.objects.filter(pk=sessions[1].pk).update(starts_at=sessions[1].starts_at + timedelta(days=31),
                                                     ends_at=sessions[1].ends_at + timedelta(days=31))
    Activity.objects.filter(hub=hubs[2]).update(hub=hubs[1])
    Appointment.objects.filter(pk=Appointment.objects.exclude(status="cancelled").first().pk).update(
        status="cancelled", cancelled_at=NOW)
    loans = list(Loan.objects.order_by("pk"))
    loans[0].delete()
    Loan.objects.filter(pk=loans[1].pk).update(borrower=everyone[-1])
    Session.objects.filter(pk=sessions[2].pk).delete()  # with its bookings
    assert_same_figures(hubs, rng)
    assert rollup_rows() == rebuilt_rows()


def test_seed_scale_fills_the_rollups_once_and_leaves_the_triggers_on():
    from django.core.management import call_command

    from tests.insights.test_seed_scale import TINY

    call_command("seed_scale", **TINY)
    reach, tallies = rollup_rows()
    assert reach and tallies
    assert (reach, tallies) == rebuilt_rows()
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT tgenabled FROM pg_trigger WHERE tgname LIKE 'insights_reach_%'")
        assert cursor.fetchall() == [("O",)]  # enabled again
    Booking.objects.filter(status="confirmed").update(status="waitlisted", attendance="unknown")
    assert rollup_rows() == rebuilt_rows()
