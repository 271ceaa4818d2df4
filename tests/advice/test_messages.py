"""What a person is told about their appointment: one message per event, written with the change
(carehub.notifications), by email (with the .ics), SMS or the call list of the appointment's hub, whatever the
mail server does. Never the reason; the SMS names no service."""

import json

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from advice import errors, services
from carehub.notifications.delivery import deliver
from carehub.notifications.models import Message
from carehub.notifications.selectors import call_list
from carehub.permissions import access_for
from tests.conftest import bearer, client_for, make_caregiver, make_person

from .conftest import at, messages_of

pytestmark = pytest.mark.django_db
BASE = "/api/v1/advice"
JSON = "application/json"
LANDLINE = "932 56 41 00"  # a Barcelona fixed line: no SMS can reach it
REASON = "Herència del pare; el germà no vol signar"


def book(user, service, advisor, starts_at, **kwargs):
    return services.book_appointment(access=access_for(user), service=service, advisor_id=advisor.pk,
                                     starts_at=starts_at, **kwargs)


def api_book(user, service, advisor, starts_at, **fields):
    body = {"advisor": advisor.pk, "service": service.pk, "starts_at": starts_at.isoformat(), **fields}
    return Client().post(f"{BASE}/appointments", data=json.dumps(body), content_type=JSON, **bearer(user))


# --- the mail server is down: nothing a person does fails ------------------------------------------------
@pytest.mark.django_db(transaction=True)  # real commits: the after-commit step runs as in production
def test_with_the_mail_server_refusing_booking_through_the_api_answers_201_and_keeps_the_message(
        carer, service, advisor, window, tuesday, mail_server_down):
    response = api_book(carer[0], service, advisor, at(tuesday, "10:00"))
    assert response.status_code == 201
    [message] = messages_of(carer[1])
    assert (message.kind, message.status) == ("appointment_confirmed", "queued")
    assert deliver(message.pk) == "retry"  # the server still refuses: kept for the next try, not lost
    message.refresh_from_db()
    assert message.status == "queued" and "refused" in message.last_error.lower()


@pytest.mark.django_db(transaction=True)
def test_with_the_mail_server_refusing_cancelling_through_the_api_answers_200_and_keeps_the_message(
        carer, desk, service, advisor, window, tuesday, mail_server_down):
    appointment = book(carer[0], service, advisor, at(tuesday, "10:00"))
    response = Client().post(f"{BASE}/appointments/{appointment.pk}/cancel", **bearer(desk))
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert [m.status for m in messages_of(carer[1], "appointment_cancelled")] == ["queued"]


# --- the confirmation -----------------------------------------------------------------------------------
def test_a_booking_writes_exactly_one_confirmation_with_the_ics(carer, service, advisor, window, tuesday):
    appointment = book(carer[0], service, advisor, at(tuesday, "10:00"))
    [message] = messages_of(carer[1])
    assert (message.kind, message.channel, message.hub_id) == ("appointment_confirmed", "email", service.hub_id)
    assert message.related == appointment
    [attachment] = message.attachments
    assert (attachment["filename"], attachment["mimetype"]) == ("appointment.ics", "text/calendar")
    assert f"UID:appointment-{appointment.pk}@carehub" in attachment["content"]
    assert "METHOD:PUBLISH" in attachment["content"]


def test_a_person_without_email_or_mobile_is_on_the_call_list_of_the_appointments_hub_only(
        hub, other_hub, service, advisor, window, tuesday, desk, other_desk):
    """Her home hub's desk booked her at this hub's service: this hub's desk (the one that can answer about the
    appointment) calls her, and her home hub's list stays clear."""
    person = make_person(other_hub, email="", phone=LANDLINE)
    book(other_desk, service, advisor, at(tuesday, "10:00"), person_id=person.pk)
    [message] = messages_of(person)
    assert (message.kind, message.channel, message.status) == ("appointment_confirmed", "call", "to_call")
    assert list(call_list(access_for(desk), hub)) == [message]
    assert list(call_list(access_for(other_desk), other_hub)) == []
    assert message.attachments == []  # nothing to attach to a phone call


def test_the_message_never_carries_the_reason(carer, service, advisor, window, tuesday):
    book(carer[0], service, advisor, at(tuesday, "10:00"), reason=REASON)
    [message] = messages_of(carer[1])
    written = json.dumps([message.subject, message.body, message.call_text, message.attachments])
    assert "Herència" not in written and "germà" not in written


def test_the_sms_names_no_service(hub, service, advisor, window, tuesday):
    user, person = make_caregiver(hub, email="", phone="612 345 678")
    book(user, service, advisor, at(tuesday, "10:00"), reason=REASON)
    [message] = messages_of(person)
    assert message.channel == "sms"
    assert service.name not in message.body and "jurídic" not in message.body
    assert hub.name in message.body and len(message.body) <= 160


def test_a_phone_appointment_gives_no_address_to_go_to(carer, service, advisor, window, tuesday):
    service.by_phone = True
    service.save()
    carer[1].preferred_language = "en"
    carer[1].save()
    book(carer[0], service, advisor, at(tuesday, "10:00"), mode="phone")
    [message] = messages_of(carer[1])
    assert "How: By phone" in message.body
    assert "Where:" not in message.body


# --- cancellations ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("who", ["desk", "advisor"])
def test_the_person_is_told_when_someone_else_cancels(who, carer, desk, service, advisor, window, tuesday):
    appointment = book(carer[0], service, advisor, at(tuesday, "10:00"))
    services.cancel_appointment(access=access_for({"desk": desk, "advisor": advisor}[who]),
                                appointment_id=appointment.pk)
    [message] = messages_of(carer[1], "appointment_cancelled")
    assert message.channel == "email" and "METHOD:CANCEL" in message.attachments[0]["content"]


def test_a_person_reachable_only_by_phone_is_called_when_the_desk_cancels(hub, desk, service, advisor, window,
                                                                          tuesday):
    person = make_person(hub, email="", phone=LANDLINE)
    appointment = book(desk, service, advisor, at(tuesday, "10:00"), person_id=person.pk)
    services.cancel_appointment(access=access_for(desk), appointment_id=appointment.pk)
    assert [m.kind for m in call_list(access_for(desk), hub)] == ["appointment_confirmed", "appointment_cancelled"]


def test_a_person_cancelling_online_gets_the_cancellation_for_their_calendar(carer, service, advisor, window,
                                                                             tuesday):
    appointment = book(carer[0], service, advisor, at(tuesday, "10:00"))
    services.cancel_appointment(access=access_for(carer[0]), appointment_id=appointment.pk)
    assert [m.kind for m in messages_of(carer[1])] == ["appointment_confirmed", "appointment_cancelled"]


def test_the_desk_is_not_asked_to_phone_someone_about_their_own_cancellation(hub, desk, service, advisor,
                                                                             window, tuesday):
    user, person = make_caregiver(hub, email="", phone=LANDLINE)
    appointment = book(user, service, advisor, at(tuesday, "10:00"))
    services.cancel_appointment(access=access_for(user), appointment_id=appointment.pk)
    assert [m.kind for m in call_list(access_for(desk), hub)] == ["appointment_confirmed"]


def test_a_refused_cancellation_tells_nobody(carer, hub, service, advisor, window, tuesday):
    appointment = book(carer[0], service, advisor, at(tuesday, "10:00"))
    stranger, _ = make_caregiver(hub)
    with pytest.raises(errors.NotFound):
        services.cancel_appointment(access=access_for(stranger), appointment_id=appointment.pk)
    assert [m.kind for m in messages_of(carer[1])] == ["appointment_confirmed"]


# --- the booking page ----------------------------------------------------------------------------------
def test_the_booking_page_confirms_without_touching_the_mail_server(carer, service, advisor, window, tuesday,
                                                                    mail_server_down):
    url = reverse("advice:book", args=[service.pk])
    response = client_for(carer[0]).post(url, {"advisor": advisor.pk, "starts": at(tuesday, "10:00").isoformat(),
                                               "mode": "in_person", "reason": ""})
    assert response.status_code == 302
    assert [m.status for m in messages_of(carer[1])] == ["queued"]
    assert Message.objects.count() == 1
    assert mail.outbox == []
