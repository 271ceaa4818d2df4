"""Hand-made activity with known answers for the insights tests.

Period: 2025-01-01 to 2025-03-31 (Europe/Madrid). Everything is in the past, so "now" does not matter.
"""

from datetime import date, datetime, timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from activities.models import Activity, Booking, Session
from advice.models import AdviceService, Appointment
from carehub.models import Person, Role
from lending.models import Hold, HoldStatus, Item, ItemType, Loan
from tests.conftest import make_person, make_user

PERIOD = (date(2025, 1, 1), date(2025, 3, 31))


def at(y, m, d, hour=12, minute=0):
    return timezone.make_aware(datetime(y, m, d, hour, minute), timezone.get_default_timezone())


def registered(person, when):
    Person.objects.filter(pk=person.pk).update(created_at=when)
    return person


def make_item(hub, item_type, tag, created):
    return Item.objects.create(asset_tag=tag, item_type=item_type, hub=hub, created_at=created)


def make_loan(item, person, lent, due, returned=None):
    return Loan.objects.create(item=item, hub=item.hub, borrower=person, lent_at=lent, due_on=due,
                               returned_at=returned)


@pytest.fixture
def city(hub, other_hub):
    """Known activity at `hub` (population 20,000) and a little at `other_hub`."""
    people = [registered(make_person(hub), at(2025, 2, 1) if i < 5 else at(2024, 6, 1)) for i in range(12)]
    others = [make_person(other_hub) for _ in range(3)]
    wheelchair = ItemType.objects.create(name="Folding wheelchair", category="mobility")

    # Lending: six loans lent on 10 January, due 10 February. Four back in time, one late, one still out.
    items = [make_item(hub, wheelchair, f"T{i}", at(2024, 12, 1)) for i in range(6)]
    loans = []
    for i, (item, person) in enumerate(zip(items, people)):
        returned = at(2025, 2, 5) if i < 4 else (at(2025, 2, 20) if i == 4 else None)
        loans.append(make_loan(item, person, at(2025, 1, 10), date(2025, 2, 10), returned))
    # A loan before the period (lent and returned in 2024) does not count, nor does one at the other hub.
    make_loan(items[0], people[0], at(2024, 10, 1), date(2024, 11, 1), at(2024, 11, 1))
    other_item = make_item(other_hub, wheelchair, "O1", at(2024, 12, 1))
    make_loan(other_item, others[0], at(2025, 1, 15), date(2025, 3, 1), at(2025, 2, 1))

    # Holds fulfilled after 1, 2, 3, 4 and 10 days (median 3); a cancelled one is ignored.
    for i, days in enumerate((1, 2, 3, 4, 10)):
        Hold.objects.create(item_type=wheelchair, hub=hub, person=people[i], status=HoldStatus.FULFILLED,
                            created_at=at(2025, 2, 1), closed_at=at(2025, 2, 1) + timedelta(days=days))
    Hold.objects.create(item_type=wheelchair, hub=hub, person=people[6], status=HoldStatus.CANCELLED,
                        created_at=at(2025, 2, 1), closed_at=at(2025, 2, 20))

    # Activities: two sessions held (capacity 10, 5 confirmed each) and one cancelled.
    activity = Activity.objects.create(hub=hub, title="Cuidar-se per cuidar", capacity=10)
    held = [Session.objects.create(activity=activity, starts_at=at(2025, 2, d, 17), ends_at=at(2025, 2, d, 19),
                                   capacity=10, confirmed_count=5) for d in (4, 11)]
    cancelled = Session.objects.create(activity=activity, starts_at=at(2025, 2, 18, 17),
                                       ends_at=at(2025, 2, 18, 19), capacity=10, status="cancelled")
    attendance = [["attended"] * 4 + ["no_show"], ["attended"] * 3 + ["no_show"] * 2]
    for session, marks in zip(held, attendance):
        for person, mark in zip(people[:5], marks):
            Booking.objects.create(session=session, person=person, status="confirmed", attendance=mark)
    for person in people[5:11]:  # six on the first session's waitlist
        Booking.objects.create(session=held[0], person=person, status="waitlisted")
    Booking.objects.create(session=cancelled, person=people[11], status="cancelled")

    # Advice: six appointments in March (4 attended, 1 no-show, 1 still booked) and one cancelled.
    advisor = make_user(roles=[(Role.ADVISOR, hub)])
    service = AdviceService.objects.create(hub=hub, kind="legal", name="Assessorament jurídic")
    statuses = ["attended"] * 4 + ["no_show", "booked"]
    for i, status in enumerate(statuses):
        starts = at(2025, 3, 3 + i, 10)
        Appointment.objects.create(service=service, advisor=advisor, hub=hub, person=people[6 + i], status=status,
                                   starts_at=starts, ends_at=starts + timedelta(minutes=30),
                                   blocked_until=starts + timedelta(minutes=30),
                                   created_at=starts - timedelta(days=2 * (i + 1)))
    starts = at(2025, 3, 20, 10)
    Appointment.objects.create(service=service, advisor=advisor, hub=hub, person=people[11], status="cancelled",
                               cancelled_at=at(2025, 3, 1), starts_at=starts, ends_at=starts + timedelta(minutes=30),
                               blocked_until=starts + timedelta(minutes=30), created_at=at(2025, 2, 1))
    # Fixed keys: the published (perturbed) figures of this city are the same on every run.
    fix_record_keys()
    return SimpleNamespace(hub=hub, other_hub=other_hub, people=people, items=items, loans=loans)


@pytest.fixture(autouse=True)
def fresh_insights_cache():
    """Each test computes its own figures (the dashboard keeps them for ten minutes)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


KEYED_MODELS = ("carehub.Person", "lending.Loan", "lending.Hold", "activities.Session", "activities.Booking",
                "advice.Appointment")


def fix_record_keys(seed: int = 14) -> None:
    """Give every keyed row a record key drawn from a seeded generator (in pk order), so that a test's published
    figures are the same on every run: the keys are the only randomness of the perturbation."""
    import random

    from django.apps import apps

    from carehub.models import RECORD_KEY_MODULUS

    rng = random.Random(seed)
    for label in KEYED_MODELS:
        model = apps.get_model(label)
        rows = list(model.objects.order_by("pk").only("pk"))
        for row in rows:
            row.record_key = rng.randrange(RECORD_KEY_MODULUS)
        model.objects.bulk_update(rows, ["record_key"], batch_size=500)


def published(hub, period=PERIOD, buckets=None):
    """What the perturbation publishes for a hub over a period (or for each of `buckets`), from the raw cells."""
    from carehub.insights import metrics, perturbation

    buckets = buckets or metrics.period_bucket(*period)
    raw = metrics.compute([hub.pk], buckets)
    return [perturbation.publish(raw[(hub.pk, b.index)], hub.population) for b in buckets]
