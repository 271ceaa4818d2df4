"""What people are told when their plans change: one message per event and person, written with the change
(carehub.notifications), by email, SMS or the hub's call list, whatever the mail server does."""

import pytest
from django.core import mail
from django.db import transaction

from activities import reminders, services
from activities.models import ActivityKind, Booking, Frequency, ReminderSent
from carehub.models import Role
from carehub.notifications.delivery import deliver
from carehub.notifications.models import Message
from carehub.notifications.selectors import call_list
from carehub.permissions import access_for
from tests.conftest import bearer, make_caregiver, make_person, make_user

from .helpers import at, coordinator_of, make_activity, make_session

pytestmark = pytest.mark.django_db

JSON = "application/json"
LANDLINE = "932 56 41 00"  # a Barcelona fixed line: no SMS can reach it


def book(user, session, person=None):
    return services.book_session(access=access_for(user), session_id=session.pk,
                                 person_id=person.pk if person else None)


def messages_of(person, kind=None):
    found = Message.objects.filter(person=person).order_by("pk")
    return list(found.filter(kind=kind) if kind else found)


# --- bookings -----------------------------------------------------------------------------------------------
def test_booking_a_place_writes_a_confirmation_in_the_persons_language(hub):
    session = make_session(hub)
    user, person = make_caregiver(hub, preferred_language="es")
    book(user, session)
    [message] = messages_of(person)
    assert (message.kind, message.channel, message.status, message.hub_id) == (
        "booking_confirmed", "email", "queued", hub.pk)
    assert message.subject == "Reserva confirmada: Xerrada sobre demència"


def test_a_waitlisted_booking_writes_its_position_on_the_waitlist(hub):
    session = make_session(hub, capacity=1)
    book(make_caregiver(hub)[0], session)
    book(make_caregiver(hub)[0], session)
    user, person = make_caregiver(hub, preferred_language="en")
    book(user, session)
    [message] = messages_of(person)
    assert message.kind == "booking_waitlisted"
    assert "Place on the waiting list: 2" in message.body


def test_a_desk_booking_tells_the_person_booked(hub, desk):
    session = make_session(hub)
    person = make_person(hub)
    book(desk, session, person)
    assert [m.kind for m in messages_of(person)] == ["booking_confirmed"]


def test_nothing_is_sent_inside_the_transaction_and_a_rollback_takes_the_message_back(hub, carer):
    session = make_session(hub)
    with pytest.raises(RuntimeError), transaction.atomic():
        book(carer[0], session)
        assert mail.outbox == []
        raise RuntimeError("the caller's transaction fails after the booking")
    assert messages_of(carer[1]) == []


# --- promotion ----------------------------------------------------------------------------------------------
def test_the_promoted_person_is_told_in_their_language_after_the_commit(hub, django_capture_on_commit_callbacks):
    session = make_session(hub, capacity=1, title="Xerrada d'estiu")
    first = make_caregiver(hub)
    second_user, second = make_caregiver(hub, preferred_language="ca")
    held = book(first[0], session)
    book(second_user, session)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.cancel_booking(access=access_for(first[0]), booking_id=held.pk)
    [message] = messages_of(second, "booking_promoted")
    assert len(callbacks) == 1 and mail.outbox == []  # the worker's task, enqueued once committed
    assert message.subject == "Ja tens plaça: Xerrada d'estiu"
    assert "la teva reserva ja està confirmada" in message.body and "&#x27;" not in message.body


@pytest.mark.parametrize("phone", [LANDLINE, ""], ids=["landline", "no-phone"])
def test_a_promoted_person_without_email_or_sms_is_on_the_call_list_of_the_sessions_hub_only(
        hub, other_hub, desk, other_desk, phone):
    session = make_session(hub, capacity=1)
    first = make_caregiver(hub)
    held = book(first[0], session)
    # Registered at another hub, booked at this one: the session's hub is the one whose desk calls.
    user, person = make_caregiver(other_hub, email="", phone=phone)
    book(user, session)
    services.cancel_booking(access=access_for(first[0]), booking_id=held.pk)

    [promoted] = messages_of(person, "booking_promoted")
    assert (promoted.channel, promoted.status) == ("call", "to_call")
    assert "Xerrada sobre demència" in promoted.call_text
    assert list(call_list(access_for(desk), hub).filter(person=person, kind="booking_promoted")) == [promoted]
    assert not call_list(access_for(other_desk), other_hub).filter(person=person).exists()
    assert mail.outbox == []


# --- the mail server refusing connections -------------------------------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_with_the_mail_server_refusing_booking_answers_its_normal_success(client, hub, carer, mail_server_down):
    session = make_session(hub)
    response = client.post(f"/api/v1/activities/sessions/{session.pk}/bookings", {}, content_type=JSON,
                           **bearer(carer[0]))
    assert response.status_code == 201
    assert [(m.kind, m.status) for m in messages_of(carer[1])] == [("booking_confirmed", "queued")]


@pytest.mark.django_db(transaction=True)
def test_with_the_mail_server_refusing_a_cancellation_that_promotes_answers_its_normal_success(
        client, hub, mail_server_down):
    session = make_session(hub, capacity=1)
    first, second = make_caregiver(hub), make_caregiver(hub)
    held = book(first[0], session)
    book(second[0], session)
    response = client.post(f"/api/v1/activities/bookings/{held.pk}/cancel", **bearer(first[0]))
    assert response.status_code == 200
    assert Booking.objects.get(person=second[1]).status == "confirmed"
    assert [m.status for m in messages_of(second[1], "booking_promoted")] == ["queued"]


@pytest.mark.django_db(transaction=True)
def test_with_the_mail_server_refusing_a_reschedule_answers_its_normal_success(client, hub, mail_server_down):
    coordinator = coordinator_of(hub)
    session = make_session(hub, coordinator=coordinator)
    user, person = make_caregiver(hub)
    book(user, session)
    response = client.patch(f"/api/v1/activities/sessions/{session.pk}",
                            {"starts_at": at(4, 16).isoformat(), "ends_at": at(4, 17).isoformat()},
                            content_type=JSON, **bearer(coordinator))
    assert response.status_code == 200
    assert [m.status for m in messages_of(person, "session_rescheduled")] == ["queued"]


@pytest.mark.django_db(transaction=True)
def test_a_reschedule_of_five_participants_writes_five_messages_even_if_delivery_fails(hub, mail_server_down):
    coordinator = coordinator_of(hub)
    session = make_session(hub, coordinator=coordinator)
    people = [make_caregiver(hub) for _ in range(5)]
    for user, _person in people:
        book(user, session)
    services.change_session(access=access_for(coordinator), session_id=session.pk,
                            starts_at=at(4, 16), ends_at=at(4, 17))
    written = Message.objects.filter(kind="session_rescheduled", related_id=str(session.pk)).order_by("person_id")
    assert [m.person_id for m in written] == sorted(person.pk for _user, person in people)
    # Each delivery fails (connection refused) and is kept for a retry: no message is lost with the first one.
    assert [deliver(m.pk) for m in written] == ["retry"] * 5
    assert {m.status for m in written.all()} == {"queued"}


# --- sessions moved or cancelled ----------------------------------------------------------------------------
def test_a_reschedule_tells_the_confirmed_and_the_waiting_the_old_and_new_time(hub):
    coordinator = coordinator_of(hub)
    session = make_session(hub, coordinator=coordinator, capacity=1)
    confirmed_user, confirmed = make_caregiver(hub, preferred_language="en")
    waiting_user, waiting = make_caregiver(hub, preferred_language="en")
    book(confirmed_user, session)
    book(waiting_user, session)
    services.change_session(access=access_for(coordinator), session_id=session.pk,
                            starts_at=at(4, 16), ends_at=at(4, 17))
    for person in (confirmed, waiting):
        [message] = messages_of(person, "session_rescheduled")
        assert "has moved from 5 June 2026, 10:00 to 6 June 2026, 16:00." in message.body


def test_each_reschedule_is_a_new_message_even_back_to_an_earlier_time(hub):
    coordinator = coordinator_of(hub)
    session = make_session(hub, coordinator=coordinator)
    user, person = make_caregiver(hub)
    book(user, session)
    for hour in (11, 10, 11):
        services.change_session(access=access_for(coordinator), session_id=session.pk,
                                starts_at=at(3, hour), ends_at=at(3, hour + 1))
    assert len(messages_of(person, "session_rescheduled")) == 3


def test_a_cancelled_session_tells_everyone_booked_by_their_channel(hub):
    coordinator = coordinator_of(hub)
    session = make_session(hub, coordinator=coordinator)
    by_email = make_caregiver(hub)
    by_sms = make_caregiver(hub, email="", phone="612 345 678")
    book(by_email[0], session)
    book(by_sms[0], session)
    services.change_session(access=access_for(coordinator), session_id=session.pk, cancel=True)
    assert [m.channel for m in messages_of(by_email[1], "session_cancelled")] == ["email"]
    assert [m.channel for m in messages_of(by_sms[1], "session_cancelled")] == ["sms"]


def test_raising_the_places_tells_each_person_promoted(hub):
    coordinator = coordinator_of(hub)
    session = make_session(hub, coordinator=coordinator, capacity=1)
    people = [make_caregiver(hub) for _ in range(4)]
    for user, _person in people:
        book(user, session)
    services.change_session(access=access_for(coordinator), session_id=session.pk, capacity=3)
    told = [len(messages_of(person, "booking_promoted")) for _user, person in people]
    assert told == [0, 1, 1, 0]


def test_a_support_group_session_moved_tells_its_members_and_the_sms_names_no_group(hub, facilitator):
    coordinator = coordinator_of(hub)
    group = make_activity(hub, coordinator=coordinator, kind=ActivityKind.SUPPORT_GROUP,
                          title="Grup de dol", facilitator=facilitator)
    member = make_person(hub, email="", phone="612 345 679")
    services.enrol_member(access=access_for(coordinator), activity_id=group.pk, person_id=member.pk)
    session = group.sessions.get()
    services.change_session(access=access_for(coordinator), session_id=session.pk,
                            starts_at=at(4, 16), ends_at=at(4, 17))
    [message] = messages_of(member, "session_rescheduled")
    assert message.channel == "sms"
    assert "dol" not in message.body.lower() and "grup" not in message.body.lower()


# --- reminders ----------------------------------------------------------------------------------------------
def test_send_reminders_twice_in_a_row_writes_each_reminder_once(hub):
    tomorrow = make_session(hub, days=1, capacity=2)
    later = make_session(hub, days=3)
    people = [make_caregiver(hub) for _ in range(3)]
    for user, _person in people:
        book(user, tomorrow)
    book(people[0][0], later)
    today = at(0).date()
    assert reminders.send(today=today) == 2
    assert reminders.send(today=today) == 0
    told = [len(messages_of(person, "session_reminder")) for _user, person in people]
    assert told == [1, 1, 0]  # the third is on the waitlist


def test_a_reminder_run_that_fails_half_way_resumes_without_repeating(hub, monkeypatch):
    session = make_session(hub, days=1, capacity=2)
    first, second = make_caregiver(hub), make_caregiver(hub)
    book(first[0], session)
    book(second[0], session)
    real_notify = reminders.notify

    def crash_on_the_second(person, **kwargs):
        if person.pk == second[1].pk:
            raise RuntimeError("the process dies here")
        return real_notify(person, **kwargs)

    monkeypatch.setattr(reminders, "notify", crash_on_the_second)
    with pytest.raises(RuntimeError):
        reminders.send(today=at(0).date())
    # The second's marker went back with its missing message: the next run writes it, and only it.
    assert ReminderSent.objects.filter(booking__person=second[1]).exists() is False
    monkeypatch.setattr(reminders, "notify", real_notify)
    assert reminders.send(today=at(0).date()) == 1
    assert [len(messages_of(p, "session_reminder")) for p in (first[1], second[1])] == [1, 1]


def test_a_reminder_for_someone_reachable_only_by_phone_goes_to_the_call_list(hub, desk):
    session = make_session(hub, days=1)
    person = make_person(hub, email="", phone=LANDLINE)
    book(desk, session, person)
    assert reminders.send(today=at(0).date()) == 1
    assert call_list(access_for(desk), hub).filter(person=person, kind="session_reminder").count() == 1


def test_weekly_series_reschedule_of_the_following_tells_each_session_once(hub):
    coordinator = coordinator_of(hub)
    activity = make_activity(hub, coordinator=coordinator, frequency=Frequency.WEEKLY, occurrences=3)
    user, person = make_caregiver(hub)
    for session in activity.sessions.all():
        book(user, session)
    first = activity.sessions.order_by("starts_at").first()
    services.change_session(access=access_for(coordinator), session_id=first.pk, starts_at=at(3, 11),
                            ends_at=at(3, 12), scope="following")
    assert len(messages_of(person, "session_rescheduled")) == 3


# --- what the pages promise ---------------------------------------------------------------------------------
def test_the_desk_is_told_a_waitlisted_person_without_email_or_mobile_will_be_on_its_call_list(hub, desk):
    from django.urls import reverse
    from tests.conftest import client_for

    session = make_session(hub, capacity=1)
    book(make_caregiver(hub)[0], session)
    person = make_person(hub, email="", phone=LANDLINE)
    response = client_for(desk).post(reverse("activities:book", args=[session.pk]), {"person": person.pk},
                                     follow=True)
    notices = [str(notice) for notice in response.context["messages"]]
    assert notices == [f"The session is full: {person.full_name} is on the waitlist. If a place frees up, they will "
                       "be on the hub's call list so that the desk can phone them."]


def test_a_waitlisted_caregiver_reading_sms_is_promised_an_sms(hub):
    from tests.conftest import client_for

    session = make_session(hub, capacity=1)
    book(make_caregiver(hub)[0], session)
    user, _person = make_caregiver(hub, email="", phone="612 345 677", preferred_language="en")
    book(user, session)
    page = client_for(user).get(session.get_absolute_url()).content.decode()
    assert "If a place frees up it is yours automatically, and we will send you an SMS." in page
