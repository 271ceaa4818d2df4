"""Booking and cancelling through the service: what succeeds, what is refused, and that a refusal writes nothing."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone, translation

from advice import errors, selectors, services
from advice.models import Appointment
from carehub.models import Role
from carehub.notifications.delivery import deliver
from carehub.notifications.models import Message
from carehub.permissions import access_for
from tests.conftest import make_caregiver, make_person, make_user

from .conftest import at, make_service, messages_of, publish

pytestmark = pytest.mark.django_db


def book(user, service, advisor, starts_at, **kwargs):
    return services.book_appointment(access=access_for(user), service=service, advisor_id=advisor.pk,
                                     starts_at=starts_at, **kwargs)


def test_caregiver_books_a_free_slot_and_gets_a_confirmation_with_ics(carer, service, advisor, window, tuesday):
    user, person = carer
    person.preferred_language = "es"
    person.save()
    appointment = book(user, service, advisor, at(tuesday, "10:30"), reason="Herència")
    assert appointment.status == "booked"
    assert appointment.person == person
    assert appointment.ends_at - appointment.starts_at == timedelta(minutes=30)
    [queued] = messages_of(person)
    assert deliver(queued.pk) == "sent"  # what the worker does after the commit
    [message] = mail.outbox
    assert message.to == [person.email]
    with translation.override("es"):  # in the person's language, not the server's
        expected = translation.pgettext("notification", "Your appointment: %(service)s") % {
            "service": "Assessorament jurídic"}
    assert expected != "Your appointment: Assessorament jurídic"
    assert message.subject == expected
    assert message.body.startswith("Hola, Montserrat")
    [(filename, content, mimetype)] = message.attachments
    assert filename.endswith(".ics") and mimetype == "text/calendar"
    ics = content.decode() if isinstance(content, bytes) else content
    assert "BEGIN:VEVENT" in ics and "TZID=Europe/Madrid" in ics
    assert f"DTSTART;TZID=Europe/Madrid:{tuesday:%Y%m%d}T103000" in ics


def test_nothing_is_sent_inside_the_transaction(carer, service, advisor, window, tuesday,
                                                django_capture_on_commit_callbacks):
    """The booking writes the message; only the commit hands it to the worker (one callback), nothing is mailed."""
    user, person = carer
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        book(user, service, advisor, at(tuesday, "10:00"))
    assert mail.outbox == []
    assert [(m.kind, m.status) for m in messages_of(person)] == [("appointment_confirmed", "queued")]
    assert len(callbacks) == 1


def _refused(call, error_type, code):
    count = Appointment.objects.count()
    history = Appointment.history.count()
    messages = Message.objects.count()
    with pytest.raises(error_type) as caught:
        call()
    assert caught.value.code == code
    assert str(caught.value.message)  # a clear, non-empty message
    assert Appointment.objects.count() == count
    assert Appointment.history.count() == history
    assert Message.objects.count() == messages  # a refused booking tells nobody anything
    return caught.value


def test_booking_outside_availability_is_refused_and_changes_nothing(carer, service, advisor, window, tuesday):
    user, _ = carer
    error = _refused(lambda: book(user, service, advisor, at(tuesday, "15:00")), errors.SlotUnavailable,
                     "slot_unavailable")
    assert error.status == 409


def test_booking_off_the_slot_grid_is_refused(carer, service, advisor, window, tuesday):
    user, _ = carer
    _refused(lambda: book(user, service, advisor, at(tuesday, "10:10")), errors.SlotUnavailable, "slot_unavailable")


def test_booking_an_appointment_running_past_the_window_is_refused(carer, service, advisor, window, tuesday):
    user, _ = carer
    _refused(lambda: book(user, service, advisor, at(tuesday, "12:45")), errors.SlotUnavailable, "slot_unavailable")


def test_booking_in_the_past_is_refused_and_changes_nothing(carer, service, advisor, window):
    user, _ = carer
    last_tuesday = timezone.localdate() - timedelta(days=(timezone.localdate().weekday() - 1) % 7 or 7)
    _refused(lambda: book(user, service, advisor, at(last_tuesday, "10:00")), errors.SlotInPast, "slot_in_past")


def test_a_taken_slot_is_refused_with_409(carer, hub, service, advisor, window, tuesday):
    user, _ = carer
    other_user, _ = make_caregiver(hub)
    book(other_user, service, advisor, at(tuesday, "11:00"))
    error = _refused(lambda: book(user, service, advisor, at(tuesday, "11:00")), errors.SlotTaken, "slot_taken")
    assert error.status == 409


def test_an_advisor_busy_at_another_hub_is_not_double_booked(carer, hub, other_hub, advisor, tuesday):
    """One advisor, two hubs, windows that (wrongly) overlap: the second hub's booking is still refused."""
    user, _ = carer
    here = make_service(hub)
    there = make_service(other_hub, kind="employment", name="Laboral")
    from carehub.models import StaffRole

    StaffRole.objects.create(user=advisor, role=Role.ADVISOR, hub=other_hub)
    publish(advisor, here, weekday=1)
    publish(advisor, there, weekday=1, start="11:00", end="12:00")
    book(user, here, advisor, at(tuesday, "11:00"))
    other_user, _ = make_caregiver(other_hub)
    _refused(lambda: book(other_user, there, advisor, at(tuesday, "11:00")), errors.SlotTaken, "slot_taken")


def test_the_buffer_keeps_the_next_slot_free(carer, hub, advisor, tuesday):
    user, _ = carer
    service = make_service(hub, appointment_minutes=30, buffer_minutes=15)
    publish(advisor, service, weekday=1)
    book(user, service, advisor, at(tuesday, "10:00"))
    starts = [s.starts_at for s in selectors.free_slots(service=service, date_from=tuesday, date_to=tuesday)]
    assert at(tuesday, "10:00") not in starts
    assert at(tuesday, "10:45") in starts  # slots step by appointment + buffer


def test_a_second_appointment_for_the_same_person_at_the_same_time_is_refused(carer, hub, advisor, tuesday):
    user, _ = carer
    legal = make_service(hub)
    employment = make_service(hub, kind="employment", name="Laboral")
    colleague = make_user(roles=[(Role.ADVISOR, hub)])
    publish(advisor, legal, weekday=1)
    publish(colleague, employment, weekday=1)
    book(user, legal, advisor, at(tuesday, "10:00"))
    error = _refused(lambda: book(user, employment, colleague, at(tuesday, "10:00")), errors.PersonBusy,
                     "person_busy")
    assert str(error.message) == translation.gettext("You already have an advice appointment at that time.")


def test_cancelling_frees_the_slot_at_once(carer, hub, service, advisor, window, tuesday):
    user, _ = carer
    appointment = book(user, service, advisor, at(tuesday, "10:00"))
    services.cancel_appointment(access=access_for(user), appointment_id=appointment.pk)
    appointment.refresh_from_db()
    assert appointment.status == "cancelled" and appointment.cancelled_at is not None
    starts = [s.starts_at for s in selectors.free_slots(service=service, date_from=tuesday, date_to=tuesday)]
    assert at(tuesday, "10:00") in starts
    other_user, _ = make_caregiver(hub)
    assert book(other_user, service, advisor, at(tuesday, "10:00")).status == "booked"


def test_a_cancellation_email_carries_a_cancel_ics_that_removes_the_event(carer, service, advisor, window,
                                                                          tuesday):
    user, person = carer
    appointment = book(user, service, advisor, at(tuesday, "10:00"))
    services.cancel_appointment(access=access_for(user), appointment_id=appointment.pk)
    [cancelled] = messages_of(person, "appointment_cancelled")
    deliver(cancelled.pk)
    [email] = mail.outbox
    assert "METHOD:CANCEL" in _ics(email) and "STATUS:CANCELLED" in _ics(email)
    assert f"UID:appointment-{appointment.pk}@carehub" in _ics(email)  # the same event as the confirmation's


def _ics(message) -> str:
    content = message.attachments[0][1] if message.attachments else ""
    return content.decode() if isinstance(content, bytes) else content


def test_an_appointment_that_has_started_cannot_be_cancelled(carer, service, advisor):
    _, person = carer
    now = timezone.now()
    appointment = Appointment.objects.create(service=service, advisor=advisor, hub=service.hub, person=person,
                                             starts_at=now - timedelta(minutes=5), ends_at=now + timedelta(minutes=25),
                                             blocked_until=now + timedelta(minutes=25))
    with pytest.raises(errors.AppointmentNotChangeable):
        services.cancel_appointment(access=access_for(carer[0]), appointment_id=appointment.pk)
    appointment.refresh_from_db()
    assert appointment.status == "booked"


def test_another_caregiver_cannot_cancel_or_see_an_appointment(carer, hub, service, advisor, window, tuesday):
    user, _ = carer
    appointment = book(user, service, advisor, at(tuesday, "10:00"))
    stranger, _ = make_caregiver(hub)
    with pytest.raises(errors.NotFound):
        services.cancel_appointment(access=access_for(stranger), appointment_id=appointment.pk)
    appointment.refresh_from_db()
    assert appointment.status == "booked"


def test_the_desk_books_on_behalf_of_a_person_of_its_hub(desk, hub, service, advisor, window, tuesday):
    person = make_person(hub)
    appointment = book(desk, service, advisor, at(tuesday, "10:00"), person_id=person.pk)
    assert appointment.person == person and appointment.booked_by == desk


def test_the_desk_of_another_hub_cannot_book_for_a_person_it_cannot_see(other_desk, hub, service, advisor, window,
                                                                        tuesday):
    person = make_person(hub)
    _refused(lambda: book(other_desk, service, advisor, at(tuesday, "10:00"), person_id=person.pk),
             errors.NotFound, "person_not_found")


def test_a_caregiver_cannot_book_for_someone_else(carer, hub, service, advisor, window, tuesday):
    user, _ = carer
    other = make_person(hub)
    _refused(lambda: book(user, service, advisor, at(tuesday, "10:00"), person_id=other.pk),
             errors.NotFound, "person_not_found")


def test_a_user_who_is_not_an_advisor_at_the_hub_cannot_be_booked(carer, hub, other_hub, service, tuesday):
    user, _ = carer
    elsewhere = make_user(roles=[(Role.ADVISOR, other_hub)])
    publish(elsewhere, service, weekday=1)
    _refused(lambda: book(user, service, elsewhere, at(tuesday, "10:00")), errors.SlotUnavailable,
             "slot_unavailable")


def test_outcome_is_recorded_only_once_the_appointment_started(carer, service, advisor, window, tuesday):
    user, _ = carer
    appointment = book(user, service, advisor, at(tuesday, "10:00"))
    with pytest.raises(errors.AppointmentNotChangeable):
        services.record_outcome(access=access_for(advisor), appointment_id=appointment.pk, status="attended")
    Appointment.objects.filter(pk=appointment.pk).update(
        starts_at=timezone.now() - timedelta(hours=1), ends_at=timezone.now() - timedelta(minutes=30),
        blocked_until=timezone.now() - timedelta(minutes=30))
    services.record_outcome(access=access_for(advisor), appointment_id=appointment.pk, status="no_show")
    appointment.refresh_from_db()
    assert appointment.status == "no_show"


def test_the_person_cannot_record_an_outcome(carer, service, advisor):
    user, person = carer
    now = timezone.now()
    appointment = Appointment.objects.create(service=service, advisor=advisor, hub=service.hub, person=person,
                                             starts_at=now - timedelta(hours=2), ends_at=now - timedelta(hours=1),
                                             blocked_until=now - timedelta(hours=1))
    with pytest.raises(errors.PermissionDenied):
        services.record_outcome(access=access_for(user), appointment_id=appointment.pk, status="attended")
