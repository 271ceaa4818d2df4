"""The day-before reminders: written once with their marker, in the person's language, by their channel, never
for cancelled appointments; a run that fails half-way is finished by the next one."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from advice import notices, reminders
from advice.models import Appointment, AppointmentReminder
from carehub.notifications.delivery import deliver
from tests.conftest import make_person

from .conftest import at, messages_of

pytestmark = pytest.mark.django_db


def appointment_on(day, service, advisor, person, hhmm="10:00", **fields):
    return Appointment.objects.create(service=service, advisor=advisor, hub=service.hub, person=person,
                                      starts_at=at(day, hhmm), ends_at=at(day, hhmm) + timedelta(minutes=30),
                                      blocked_until=at(day, hhmm) + timedelta(minutes=30), **fields)


def test_reminders_are_written_the_day_before_in_the_persons_language(hub, service, advisor):
    today = timezone.localdate()
    tomorrow = today + timedelta(days=1)
    person = make_person(hub, preferred_language="es")
    appointment_on(tomorrow, service, advisor, person)
    later = make_person(hub)
    appointment_on(tomorrow + timedelta(days=1), service, advisor, later)
    assert reminders.send(today=today) == 1
    [message] = messages_of(person)
    assert message.kind == "appointment_reminder" and message.hub_id == service.hub_id
    assert deliver(message.pk) == "sent"
    [email] = mail.outbox
    assert email.to == [person.email]
    assert email.subject.startswith("Mañana") and "mañana" in email.body
    assert [a[0] for a in email.attachments] == ["appointment.ics"]
    assert messages_of(later) == []


def test_send_reminders_twice_writes_each_reminder_once(hub, service, advisor):
    today = timezone.localdate()
    person = make_person(hub)
    appointment_on(today + timedelta(days=1), service, advisor, person)
    call_command("send_reminders", "--date", today.isoformat(), stdout=open("/dev/null", "w"))
    call_command("send_reminders", "--date", today.isoformat(), stdout=open("/dev/null", "w"))
    assert [m.kind for m in messages_of(person)] == ["appointment_reminder"]
    assert AppointmentReminder.objects.count() == 1


def test_no_reminder_for_cancelled_appointments(hub, service, advisor):
    tomorrow = timezone.localdate() + timedelta(days=1)
    person = make_person(hub)
    appointment_on(tomorrow, service, advisor, person, status="cancelled", cancelled_at=timezone.now())
    assert reminders.send(today=tomorrow - timedelta(days=1)) == 0
    assert messages_of(person) == []


def test_a_person_without_email_is_reminded_by_sms_and_one_without_either_by_the_desk(hub, service, advisor):
    """Before, only people with an email address were reminded at all."""
    tomorrow = timezone.localdate() + timedelta(days=1)
    by_sms = make_person(hub, email="", phone="612 345 678")
    by_call = make_person(hub, email="", phone="932 56 41 00")
    appointment_on(tomorrow, service, advisor, by_sms)
    appointment_on(tomorrow, service, advisor, by_call, hhmm="11:00")
    assert reminders.send(today=tomorrow - timedelta(days=1)) == 2
    assert [(m.channel, m.status) for m in messages_of(by_sms)] == [("sms", "queued")]
    assert [(m.channel, m.status) for m in messages_of(by_call)] == [("call", "to_call")]


def test_a_run_that_fails_half_way_is_finished_by_the_next_and_sends_nothing_twice(hub, service, advisor,
                                                                                   monkeypatch):
    today = timezone.localdate()
    first, second = make_person(hub), make_person(hub)
    appointment_on(today + timedelta(days=1), service, advisor, first, hhmm="10:00")
    appointment_on(today + timedelta(days=1), service, advisor, second, hhmm="11:00")
    real_tell = notices.tell

    def tell_then_crash(appointment, kind, **kwargs):
        if appointment.person_id == second.pk:
            raise RuntimeError("the process died here")
        return real_tell(appointment, kind, **kwargs)

    monkeypatch.setattr(notices, "tell", tell_then_crash)
    with pytest.raises(RuntimeError):
        reminders.send(today=today)
    # The first reminder was committed with its marker; the second has neither.
    assert len(messages_of(first)) == 1 and messages_of(second) == []
    assert list(AppointmentReminder.objects.values_list("appointment__person", flat=True)) == [first.pk]
    monkeypatch.undo()
    assert reminders.send(today=today) == 1
    assert len(messages_of(first)) == 1 and len(messages_of(second)) == 1
