"""Bookings, appointments and call-list messages for a person, written straight to the tables (what the
screen shows, not how they were made: those services have their own tests)."""

import itertools
from datetime import timedelta

from django.utils import timezone

from activities.models import Activity, ActivityKind, Booking, Session
from advice.models import AdviceService, Appointment
from carehub.notifications.models import Message, MessageStatus
from tests.conftest import make_user

_seq = itertools.count(1)


def make_booking(person, *, days=2, kind=ActivityKind.TALK, title="Xerrada sobre cures"):
    hub = person.home_hub
    starts = timezone.now() + timedelta(days=days)
    activity = Activity.objects.create(hub=hub, title=title, kind=kind, capacity=10)
    session = Session.objects.create(activity=activity, starts_at=starts, ends_at=starts + timedelta(hours=1),
                                     capacity=10)
    return Booking.objects.create(session=session, person=person, status=Booking.Status.CONFIRMED)


def make_appointment(person, *, days=3, advisor=None):
    hub = person.home_hub
    service = AdviceService.objects.create(hub=hub, kind="legal", name=f"Assessorament {next(_seq)}",
                                           appointment_minutes=30, buffer_minutes=0)
    starts = timezone.now() + timedelta(days=days, minutes=45 * next(_seq))
    return Appointment.objects.create(
        service=service, advisor=advisor or make_user(), hub=hub, person=person, starts_at=starts,
        ends_at=starts + timedelta(minutes=30), blocked_until=starts + timedelta(minutes=30))


def make_call(person, text="Your wheelchair is ready to collect."):
    n = next(_seq)
    return Message.objects.create(person=person, hub=person.home_hub, kind="item_ready", channel="call",
                                  language="en", body=text, call_text=text, status=MessageStatus.TO_CALL,
                                  idempotency_key=f"desk-test-{n}")
