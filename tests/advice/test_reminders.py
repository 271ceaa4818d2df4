"""The day-before reminders: sent once, in the person's language, never for cancelled appointments."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from advice import reminders
from advice.models import Appointment, AppointmentReminder
from tests.conftest import make_person

from .conftest import at

pytestmark = pytest.mark.django_db


def appointment_on(day, service, advisor, person, hhmm="10:00", **fields):
    return Appointment.objects.create(service=service, advisor=advisor, hub=service.hub, person=person,
                                      starts_at=at(day, hhmm), ends_at=at(day, hhmm) + timedelta(minutes=30),
                                      blocked_until=at(day, hhmm) + timedelta(minutes=30), **fields)


def test_reminders_are_sent_the_day_before_and_only_once(hub, service, advisor):
    today = timezone.localdate()
    tomorrow = today + timedelta(days=1)
    person = make_person(hub, preferred_language="es")
    appointment_on(tomorrow, service, advisor, person)
    appointment_on(tomorrow + timedelta(days=1), service, advisor, make_person(hub))
    assert reminders.send(today=today) == 1
    [message] = mail.outbox
    assert message.to == [person.email]
    assert message.subject.startswith("Recordatorio") and "mañana" in message.body
    assert reminders.send(today=today) == 0
    assert len(mail.outbox) == 1
    assert AppointmentReminder.objects.count() == 1


def test_the_command_is_idempotent(hub, service, advisor):
    today = timezone.localdate()
    appointment_on(today + timedelta(days=1), service, advisor, make_person(hub))
    call_command("send_reminders", "--date", today.isoformat(), stdout=open("/dev/null", "w"))
    call_command("send_reminders", "--date", today.isoformat(), stdout=open("/dev/null", "w"))
    assert len([m for m in mail.outbox if "appointment.ics" in str(m.attachments)]) == 1


def test_no_reminder_for_cancelled_appointments_or_people_without_email(hub, service, advisor):
    tomorrow = timezone.localdate() + timedelta(days=1)
    appointment_on(tomorrow, service, advisor, make_person(hub), status="cancelled", cancelled_at=timezone.now())
    appointment_on(tomorrow, service, advisor, make_person(hub, email=""), hhmm="11:00")
    assert reminders.send(today=tomorrow - timedelta(days=1)) == 0
    assert mail.outbox == []


def test_a_failed_send_is_retried_on_the_next_run(hub, service, advisor, monkeypatch):
    today = timezone.localdate()
    appointment_on(today + timedelta(days=1), service, advisor, make_person(hub))
    monkeypatch.setattr("advice.emails.send_reminder", lambda appointment: False)
    assert reminders.send(today=today) == 0
    monkeypatch.undo()
    assert reminders.send(today=today) == 1
