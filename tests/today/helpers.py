"""Builders for the desk's day: a day's worth of work at one hub, straight into the tables (the services that
make each row have their own tests; these tests are about what the day shows and what its forms do)."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from activities import services as activity_services
from advice.models import AdviceService, Appointment
from carehub.permissions import access_for
from lending.models import Category, Hold, HoldStatus, Item, ItemStatus, ItemType, Loan
from tests.activities.helpers import at, make_session
from tests.conftest import make_person, make_user

_n = iter(range(1, 10**6))


def book(desk, session, person):
    return activity_services.book_session(access=access_for(desk), session_id=session.pk, person_id=person.pk)


def item_type(**fields) -> ItemType:
    defaults = dict(name=f"Wheelchair {next(_n)}", category=Category.MOBILITY, default_loan_days=30,
                    needs_cleaning=True, deposit_eur=Decimal("0"))
    defaults.update(fields)
    return ItemType.objects.create(**defaults)


def item(hub, kind=None, **fields) -> Item:
    return Item.objects.create(asset_tag=f"D-{next(_n):05d}", item_type=kind or item_type(), hub=hub, **fields)


def loan(hub, borrower, *, due_in_days: int, kind=None) -> Loan:
    lent = item(hub, kind, status=ItemStatus.ON_LOAN)
    return Loan.objects.create(item=lent, hub=hub, borrower=borrower, due_on=timezone.localdate() + timedelta(
        days=due_in_days), lent_at=timezone.now() - timedelta(days=20))


def offer(hub, person, *, expires_in: timedelta, kind=None) -> Hold:
    kind = kind or item_type()
    offered = item(hub, kind, status=ItemStatus.RESERVED)
    return Hold.objects.create(item_type=kind, hub=hub, person=person, status=HoldStatus.OFFERED,
                               offered_item=offered, offered_at=timezone.now(),
                               offer_expires_at=timezone.now() + expires_in)


def appointment(hub, person, *, hour: int, minute: int = 0, advisor=None) -> Appointment:
    service = AdviceService.objects.filter(hub=hub).first() or AdviceService.objects.create(
        hub=hub, kind="legal", name="Assessorament jurídic")
    from carehub.models import Role

    advisor = advisor or make_user(roles=[(Role.ADVISOR, hub)], first_name="Jordi", last_name="Advocat")
    starts = at(0, hour, minute)
    return Appointment.objects.create(service=service, advisor=advisor, hub=hub, person=person, starts_at=starts,
                                      ends_at=starts + timedelta(minutes=30),
                                      blocked_until=starts + timedelta(minutes=30))


def a_busy_day(hub, desk, *, people: int):
    """`people` of everything: sessions with bookings, appointments, offers, items to clean, loans due and
    overdue, calls. For the query-count tests: the page must cost the same whatever `people` is."""
    for index in range(people):
        session = make_session(hub, days=0, hour=9 + index % 8, capacity=people)
        for _ in range(people):
            book(desk, session, make_person(hub, email="", phone="932 56 41 00"))  # each one a call to make
        appointment(hub, make_person(hub), hour=10 + index % 6, minute=index % 2 * 30)
        offer(hub, make_person(hub), expires_in=timedelta(hours=2 + index * 12))
        item(hub, status=ItemStatus.CLEANING if index % 2 else ItemStatus.IN_REPAIR)
        loan(hub, make_person(hub), due_in_days=0)
        loan(hub, make_person(hub), due_in_days=-3 - index)
