"""notify(): the message a service writes, to whom, by which channel, in which language, once."""

import pytest
from django.db import transaction

from carehub.models import Message, MessageStatus, Person, Role
from carehub.notifications import notify
from carehub.notifications import selectors, services
from carehub.notifications.delivery import deliver
from carehub import errors
from carehub.permissions import access_for
from tests.conftest import make_hub, make_person, make_user

from .helpers import SESSION, promote_from_waitlist

pytestmark = pytest.mark.django_db


def test_a_retried_service_writes_the_message_once(django_capture_on_commit_callbacks):
    person = make_person(make_hub())
    with django_capture_on_commit_callbacks() as callbacks:
        first = promote_from_waitlist(person)
        again = promote_from_waitlist(person)
    assert again.pk == first.pk and Message.objects.count() == 1
    assert len(callbacks) == 1  # one delivery task


def test_a_new_occasion_is_a_new_message():
    person = make_person(make_hub())
    promote_from_waitlist(person, occasion="2026-12-10T10:00")
    promote_from_waitlist(person, occasion="2026-12-17T10:00")
    assert Message.objects.count() == 2


def test_the_message_is_written_in_the_persons_language():
    spanish = make_person(make_hub(), preferred_language="es", first_name="Lucía")
    message = promote_from_waitlist(spanish)
    assert message.language == "es"
    assert message.subject.startswith("Ya tienes plaza:")
    assert message.body.startswith("Hola, Lucía:")
    assert "10 de diciembre de 2026" in message.body  # the date too, in Madrid time


def test_a_person_without_email_or_mobile_is_on_their_hubs_call_list_and_only_there(
        django_capture_on_commit_callbacks, sms_outbox, mailoutbox):
    hub, other_hub = make_hub(), make_hub()
    person = make_person(hub, email="", phone="93 123 45 67", first_name="Pepa")  # a landline: no SMS
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        message = promote_from_waitlist(person)
    assert callbacks == []  # nothing to send, so no task
    assert message.channel == "call" and message.status == MessageStatus.TO_CALL
    desk = make_user(roles=[(Role.DESK, hub)])
    other_desk = make_user(roles=[(Role.DESK, other_hub)])
    assert list(selectors.call_list(access_for(desk), hub)) == [message]
    assert "Pepa" in message.call_text and "demència" in message.call_text
    with pytest.raises(errors.PermissionDenied):
        selectors.call_list(access_for(other_desk), hub)
    assert not Message.objects.filter(hub=other_hub).exists()
    assert deliver(message.pk) == "skipped"
    assert mailoutbox == [] and sms_outbox == []


def test_the_desk_marks_a_call_done_with_who_and_when():
    hub = make_hub()
    message = promote_from_waitlist(make_person(hub, email="", phone=""))
    desk = make_user(roles=[(Role.DESK, hub)])
    done = services.mark_called(access_for(desk), message)
    assert done.status == MessageStatus.DONE and done.done_by == desk and done.done_at is not None
    assert list(selectors.call_list(access_for(desk), hub)) == []
    with pytest.raises(errors.Conflict):
        services.mark_called(access_for(desk), message)


@pytest.mark.parametrize(("email", "phone", "notify_by", "expected"), [
    ("a@example.org", "612 345 678", "", "email"),
    ("", "612 345 678", "", "sms"),
    ("", "931 234 567", "", "call"),
    ("a@example.org", "612 345 678", "sms", "sms"),
    ("a@example.org", "612 345 678", "call", "call"),
    ("", "931 234 567", "sms", "call"),  # chose SMS but has only a landline
    ("a@example.org", "", "sms", "email"),  # chose SMS, number removed since: email still reaches her
])
def test_the_channel_is_the_persons_choice_when_it_can_reach_them(email, phone, notify_by, expected):
    person = make_person(make_hub(), email=email, phone=phone, notify_by=notify_by)
    assert promote_from_waitlist(person).channel == expected


def test_an_erased_person_is_not_notified():
    person = make_person(make_hub())
    Person.objects.filter(pk=person.pk).update(erased_at="2026-12-01T10:00Z")
    person.refresh_from_db()
    assert promote_from_waitlist(person) is None


def test_notify_refuses_an_unknown_kind_or_missing_context():
    person = make_person(make_hub())
    with pytest.raises(ValueError):
        notify(person, kind="booking_teleported", context=SESSION)
    with pytest.raises(KeyError):
        notify(person, kind="session_rescheduled", context=SESSION)  # no old_starts_at


def test_a_concurrent_twin_does_not_break_the_callers_transaction():
    """Two requests racing on one key: the loser gets the winner's message, its transaction carries on."""
    person = make_person(make_hub())
    first = promote_from_waitlist(person)
    with transaction.atomic():
        Message.objects.filter(pk=first.pk).update(idempotency_key="moved-away")
        key = services.idempotency_key(kind="booking_promoted", person=person, related=person)
        Message.objects.filter(pk=first.pk).update(idempotency_key=key)
        twin = notify(person, kind="booking_promoted", related=person, context=SESSION)
        assert twin.pk == first.pk
        person.save()  # the transaction is still usable
