import pytest

from activities import services
from activities.models import Booking, Session
from activities import errors as activity_errors
from carehub import errors
from carehub.notifications.models import Message
from carehub.permissions import access_for
from tests.conftest import make_caregiver, make_person

from .helpers import coordinator_of, make_session

pytestmark = pytest.mark.django_db


def book(user, session, person=None):
    return services.book_session(access=access_for(user), session_id=session.pk,
                                 person_id=person.pk if person else None)


def test_booking_a_free_place_is_confirmed_and_counts(hub, carer):
    session = make_session(hub, capacity=2)
    booking = book(carer[0], session)
    assert booking.status == Booking.Status.CONFIRMED
    session.refresh_from_db()
    assert session.confirmed_count == 1 and session.seats_left == 1


def test_booking_a_full_session_joins_the_waitlist_in_order(hub):
    session = make_session(hub, capacity=1)
    users = [make_caregiver(hub)[0] for _ in range(3)]
    statuses = [book(user, session).status for user in users]
    assert statuses == ["confirmed", "waitlisted", "waitlisted"]
    from activities.selectors import bookings_with_position
    positions = [b.waitlist_position for b in bookings_with_position().filter(session=session, status="waitlisted")
                 .order_by("created_at", "id")]
    assert positions == [1, 2]


def test_second_booking_of_same_person_is_refused(hub, carer):
    session = make_session(hub)
    book(carer[0], session)
    with pytest.raises(activity_errors.AlreadyBooked):
        book(carer[0], session)


def test_cancelling_a_confirmed_place_promotes_the_first_waitlisted_and_tells_them(hub):
    session = make_session(hub, capacity=1)
    first, second, third = (make_caregiver(hub) for _ in range(3))
    held = book(first[0], session)
    book(second[0], session)
    book(third[0], session)
    services.cancel_booking(access=access_for(first[0]), booking_id=held.pk)
    statuses = dict(Booking.objects.filter(session=session).values_list("person_id", "status"))
    assert statuses == {first[1].pk: "cancelled", second[1].pk: "confirmed", third[1].pk: "waitlisted"}
    assert Session.objects.get(pk=session.pk).confirmed_count == 1
    promoted = Message.objects.filter(kind="booking_promoted")
    assert [(m.person_id, m.recipient) for m in promoted] == [(second[1].pk, second[1].email)]


def test_promotion_message_is_in_the_persons_language(hub):
    session = make_session(hub, capacity=1)
    first = make_caregiver(hub)
    second = make_caregiver(hub, preferred_language="es")
    held = book(first[0], session)
    book(second[0], session)
    services.cancel_booking(access=access_for(first[0]), booking_id=held.pk)
    [message] = Message.objects.filter(kind="booking_promoted")
    assert message.subject == "Ya tienes plaza: Xerrada sobre demència"


def test_cancelling_a_waitlisted_booking_promotes_nobody(hub):
    session = make_session(hub, capacity=1)
    first, second = make_caregiver(hub), make_caregiver(hub)
    book(first[0], session)
    waiting = book(second[0], session)
    services.cancel_booking(access=access_for(second[0]), booking_id=waiting.pk)
    assert Session.objects.get(pk=session.pk).confirmed_count == 1
    assert Booking.objects.get(person=first[1], session=session).status == "confirmed"


def test_desk_books_on_behalf_of_a_person_of_their_hub(hub, desk):
    session = make_session(hub)
    person = make_person(hub)
    booking = book(desk, session, person)
    assert booking.person == person and booking.booked_by == desk


def test_desk_of_another_hub_cannot_book_a_person_of_this_hub(hub, other_desk):
    session = make_session(hub)
    person = make_person(hub)
    with pytest.raises(errors.NotFound):
        book(other_desk, session, person)


def test_caregiver_cannot_book_for_someone_else(hub, carer):
    session = make_session(hub)
    other = make_person(hub)
    with pytest.raises(errors.PermissionDenied):
        book(carer[0], session, other)


def test_anonymous_cannot_book(hub):
    from django.contrib.auth.models import AnonymousUser
    session = make_session(hub)
    with pytest.raises(errors.NotAuthenticated):
        services.book_session(access=access_for(AnonymousUser()), session_id=session.pk)


def test_cancelled_session_cannot_be_booked(hub, carer):
    coordinator = coordinator_of(hub)
    session = make_session(hub, coordinator=coordinator)
    services.change_session(access=access_for(coordinator), session_id=session.pk, cancel=True)
    with pytest.raises(activity_errors.SessionNotBookable):
        book(carer[0], session)


def test_someone_else_cannot_cancel_my_booking(hub, carer):
    session = make_session(hub)
    booking = book(carer[0], session)
    stranger = make_caregiver(hub)[0]
    with pytest.raises(errors.NotFound):
        services.cancel_booking(access=access_for(stranger), booking_id=booking.pk)


def test_desk_marks_attendance_on_the_day(hub, desk, carer):
    from datetime import timedelta
    from django.utils import timezone
    session = make_session(hub, days=1)
    booking = book(carer[0], session)
    Session.objects.filter(pk=session.pk).update(starts_at=timezone.now() - timedelta(minutes=5),
                                                  ends_at=timezone.now() + timedelta(hours=1))
    marked = services.mark_attendance(access=access_for(desk), booking_id=booking.pk, attendance="attended")
    assert marked.attendance == "attended"


def test_the_database_refuses_a_session_over_capacity(hub):
    from django.db import IntegrityError, transaction
    session = make_session(hub, capacity=1)
    Session.objects.filter(pk=session.pk).update(confirmed_count=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Session.objects.filter(pk=session.pk).update(confirmed_count=2)


def test_counter_guard_refuses_a_place_past_capacity_with_a_409_not_a_500(hub):
    from activities.services import _adjust_confirmed
    session = make_session(hub, capacity=1)
    Session.objects.filter(pk=session.pk).update(confirmed_count=1)
    with pytest.raises(activity_errors.SessionFull) as caught:
        _adjust_confirmed(session, 1)
    assert caught.value.status == 409
    assert Session.objects.get(pk=session.pk).confirmed_count == 1


def test_booking_before_the_window_opens_is_refused(hub, carer):
    session = make_session(hub, days=20, booking_opens_days_before=7)
    with pytest.raises(activity_errors.SessionNotBookable) as caught:
        book(carer[0], session)
    assert caught.value.code == "booking_not_open"
