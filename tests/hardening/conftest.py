"""Data for the hardening tests, made directly with the models (the apps' own tests cover their services)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from activities.models import Activity, Booking, CalendarFeedToken, GroupMembership, Session
from advice.models import AdviceService, Appointment, CaseNote
from carehub.models import Role
from lending.models import Hold, HoldReorder, Item, ItemType, Loan
from tests.conftest import make_user


def make_item(hub, tag="WC-001", type_name="Folding wheelchair", **fields):
    item_type, _ = ItemType.objects.get_or_create(name=type_name, defaults={"category": "mobility"})
    item = Item(asset_tag=tag, item_type=item_type, hub=hub, **fields)
    item.save()
    return item


def make_loan(item, borrower, *, returned=True, **fields):
    now = timezone.now()
    loan = Loan(item=item, hub=item.hub, borrower=borrower, due_on=(now + timedelta(days=90)).date(),
                returned_at=now if returned else None, **fields)
    loan.save()
    return loan


def make_session(hub, *, capacity=10, days=7, title="Taller de cura", kind="talk", **activity_fields):
    activity = Activity.objects.create(hub=hub, title=title, kind=kind, capacity=capacity, **activity_fields)
    starts = timezone.now() + timedelta(days=days)
    return Session.objects.create(activity=activity, starts_at=starts, ends_at=starts + timedelta(hours=1),
                                  capacity=capacity)


def book(session, person, status=Booking.Status.CONFIRMED):
    booking = Booking.objects.create(session=session, person=person, status=status,
                                     confirmed_at=timezone.now() if status == "confirmed" else None)
    if status == Booking.Status.CONFIRMED:
        Session.objects.filter(pk=session.pk).update(confirmed_count=session.bookings.filter(
            status="confirmed").count())
    return booking


def make_service(hub, **fields):
    defaults = dict(kind="legal", name="Assessorament jurídic", appointment_minutes=30)
    defaults.update(fields)
    return AdviceService.objects.create(hub=hub, **defaults)


def make_appointment(service, advisor, person, *, starts_at, minutes=30, **fields):
    return Appointment.objects.create(
        service=service, advisor=advisor, hub=service.hub, person=person, starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=minutes), blocked_until=starts_at + timedelta(minutes=minutes),
        **fields,
    )


@pytest.fixture
def rich_person(hub, carer, advisor):
    """A caregiver with something in every app: loans, a hold, bookings, a group, appointments, notes."""
    user, person = carer
    now = timezone.now()
    past_loan = make_loan(make_item(hub, "WC-001"), person, for_name="La meva mare, Rosa Pujol",
                          return_notes="Retornada per la filla Anna", referral_reference="CAP Numància 2231",
                          override_reason="Urgència: alta hospitalària de la Rosa",
                          deposit_waived=True, deposit_waiver_reason="Ingressos baixos (Rosa)",
                          deposit_eur=Decimal("20"))
    hold = Hold.objects.create(item_type=past_loan.item.item_type, hub=hub, person=person,
                               notes="Trucar a la Rosa al 600111222")
    HoldReorder.objects.create(hold=hold, from_position=3, to_position=1, reason="Alta de la Rosa dimarts")
    upcoming = make_session(hub, capacity=1)
    booking = book(upcoming, person)
    group = make_session(hub, title="Grup de suport", kind="support_group")
    GroupMembership.objects.create(activity=group.activity, person=person, status="member")
    CalendarFeedToken.objects.create(person=person)
    service = make_service(hub)
    past = make_appointment(service, advisor, person, starts_at=now - timedelta(days=10), status="attended",
                            reason="Acomiadament de la feina de cuidadora")
    CaseNote.objects.create(appointment=past, advisor=advisor, text="Situació familiar delicada")
    future = make_appointment(service, advisor, person, starts_at=now + timedelta(days=3),
                              reason="Conveni de la Rosa")
    return {"user": user, "person": person, "loan": past_loan, "hold": hold, "booking": booking,
            "session": upcoming, "group": group.activity, "past": past, "future": future}


@pytest.fixture
def other_coordinator(other_hub):
    return make_user("coordinator2", roles=[(Role.COORDINATOR, other_hub)])


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: long-running (the API fuzz); deselect with -m 'not slow'")
