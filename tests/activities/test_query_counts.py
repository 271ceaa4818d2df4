"""Exact query counts of the write services and their endpoints, so that a change that adds a query per row
(or a lock per booking) shows up here. On PostgreSQL each locking transaction also sets its lock_timeout.

Each message a service writes (carehub.notifications.notify) costs 4 queries, and no more per person: its
idempotency key looked up, a savepoint, the insert, its release (the person and the hub are already loaded)."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from activities import services
from activities.models import ActivityKind, Booking, Frequency, GroupMembership, Session
from carehub.permissions import access_for
from tests.conftest import bearer, client_for, is_postgres, make_caregiver, make_person

from .helpers import at, coordinator_of, make_activity, make_session

pytestmark = pytest.mark.django_db

JSON = "application/json"


MESSAGE = 3  # per message written: savepoint, insert, release (the unique key answers a repeat)


@pytest.fixture(autouse=True)
def warm_content_types(db):
    """A message names its booking or session by content type, which Django caches per process; a flush (any
    transactional test before this one) empties the cache. A running server has it warm: so does the count."""
    ContentType.objects.get_for_models(Booking, Session)


def lock_timeout() -> int:
    """`SET LOCAL lock_timeout`, once per transaction that locks (PostgreSQL only)."""
    return 1 if is_postgres() else 0


@pytest.fixture
def full_session(hub):
    """One place, taken, and two people waiting."""
    session = make_session(hub, capacity=1)
    people = [make_caregiver(hub) for _ in range(3)]
    bookings = [services.book_session(access=access_for(user), session_id=session.pk) for user, _ in people]
    return session, people, bookings


@pytest.fixture
def group(hub, facilitator):
    return make_activity(hub, kind=ActivityKind.SUPPORT_GROUP, title="Grup de suport", capacity=10,
                         facilitator=facilitator)


# --- services ---------------------------------------------------------------------------------------------
def test_booking_a_place(hub, carer, django_assert_num_queries):
    session = make_session(hub)
    access = access_for(carer[0])
    # savepoint, lock the session, already booked?, savepoint, insert, history, release, counter
    # savepoint, update, release; the confirmation (+4); release
    # +2: the clash check (the person's other bookings) and the waitlist's claims (parties, childcare).
    with django_assert_num_queries(14 + MESSAGE + lock_timeout()):
        services.book_session(access=access, session_id=session.pk)


def test_cancelling_a_confirmed_place_promotes_the_first_waiting(full_session, django_assert_num_queries):
    session, people, bookings = full_session
    access = access_for(people[0][0])
    # savepoint, booking, lock session, lock booking, cancel + history, lock waitlist, confirm + history;
    # the promoted person's message (+4); release. The counter is not written: one place freed, one taken.
    with django_assert_num_queries(10 + MESSAGE + lock_timeout()):
        services.cancel_booking(access=access, booking_id=bookings[0].pk)


def test_marking_attendance(hub, desk, carer, django_assert_num_queries, time_machine):
    session = make_session(hub, days=0, hour=9)
    booking = services.book_session(access=access_for(carer[0]), session_id=session.pk)
    time_machine.move_to(at(0, 9, 5), tick=False)  # attendance is taken once the session has started
    access = access_for(desk)
    with django_assert_num_queries(5 + lock_timeout()):
        services.mark_attendance(access=access, booking_id=booking.pk, attendance="attended")


def test_moving_the_following_sessions(hub, django_assert_num_queries):
    coordinator = coordinator_of(hub)
    activity = make_activity(hub, coordinator=coordinator, frequency=Frequency.WEEKLY, occurrences=4)
    first = activity.sessions.order_by("starts_at").first()
    access = access_for(coordinator)
    # savepoint, anchor, lock activity, lock sessions; per session: update + history, who to tell (nobody
    # booked yet, so no message); release
    with django_assert_num_queries(18 + lock_timeout()):  # +1: the bookings, for their signed links
        services.change_session(access=access, session_id=first.pk, starts_at=at(3, 11), ends_at=at(3, 12),
                                scope="following")


def test_raising_the_places_of_a_full_session(full_session, hub, django_assert_num_queries):
    session, _people, _bookings = full_session
    access = access_for(session.activity.created_by)
    # ... and one message for each of the two people promoted (+4 each)
    with django_assert_num_queries(15 + 2 * MESSAGE + lock_timeout()):
        services.change_session(access=access, session_id=session.pk, capacity=3)


def test_moving_a_session_with_five_people_writes_one_message_each(hub, django_assert_num_queries):
    session = make_session(hub)
    for _ in range(5):
        services.book_session(access=access_for(make_caregiver(hub)[0]), session_id=session.pk)
    access = access_for(session.activity.created_by)
    # savepoint, anchor, lock activity, lock session, update + history, who to tell (one query for all);
    # one message per person (+4 each, nothing else per person); release
    with django_assert_num_queries(9 + 5 * MESSAGE + lock_timeout()):  # +1: the bookings, for their links
        services.change_session(access=access, session_id=session.pk, starts_at=at(3, 11), ends_at=at(3, 12))


def test_updating_an_activity_with_four_sessions(hub, django_assert_num_queries):
    coordinator = coordinator_of(hub)
    activity = make_activity(hub, coordinator=coordinator, frequency=Frequency.WEEKLY, occurrences=4)
    access = access_for(coordinator)
    # savepoint, lock activity, update + history, lock future sessions, per session update + history; release
    with django_assert_num_queries(14 + lock_timeout()):
        services.update_activity(access=access, activity_id=activity.pk, title="Caminada")


def test_enrolling_a_member(hub, group, coordinator, django_assert_num_queries):
    person = make_person(hub)
    access = access_for(coordinator)
    with django_assert_num_queries(9 + lock_timeout()):
        services.enrol_member(access=access, activity_id=group.pk, person_id=person.pk)


def test_approving_a_request(hub, group, facilitator, django_assert_num_queries):
    user, _person = make_caregiver(hub)
    membership = services.request_to_join(access=access_for(user), activity_id=group.pk)
    access = access_for(facilitator)
    with django_assert_num_queries(8 + lock_timeout()):
        services.decide_membership(access=access, membership_id=membership.pk, approve=True)


# --- endpoints --------------------------------------------------------------------------------------------
def test_api_book(client, hub, carer, django_assert_num_queries):
    session = make_session(hub)
    headers = bearer(carer[0])
    # the confirmation: +4; the clash check and the waitlist's claims: +2
    with django_assert_num_queries(17 + MESSAGE + lock_timeout()):  # the token brings its person
        response = client.post(f"/api/v1/activities/sessions/{session.pk}/bookings", {}, content_type=JSON,
                               **headers)
    assert response.status_code == 201


def test_api_cancel_with_promotion(client, full_session, django_assert_num_queries):
    _session, people, bookings = full_session
    headers = bearer(people[0][0])
    with django_assert_num_queries(14 + MESSAGE + lock_timeout()):  # the token brings its person; +3: the promoted person's message
        response = client.post(f"/api/v1/activities/bookings/{bookings[0].pk}/cancel", **headers)
    assert response.status_code == 200


def test_api_attendance(client, hub, desk, carer, django_assert_num_queries, time_machine):
    session = make_session(hub, days=0, hour=9)
    booking = services.book_session(access=access_for(carer[0]), session_id=session.pk)
    time_machine.move_to(at(0, 9, 5), tick=False)  # attendance is taken once the session has started
    headers = bearer(desk)
    with django_assert_num_queries(9 + lock_timeout()):
        response = client.post(f"/api/v1/activities/bookings/{booking.pk}/attendance", {"attendance": "no_show"},
                               content_type=JSON, **headers)
    assert response.status_code == 200


def test_api_change_session(client, hub, django_assert_num_queries):
    coordinator = coordinator_of(hub)
    activity = make_activity(hub, coordinator=coordinator, frequency=Frequency.WEEKLY, occurrences=4)
    second = activity.sessions.order_by("starts_at")[1]
    headers = bearer(coordinator)
    with django_assert_num_queries(18 + lock_timeout()):
        response = client.patch(f"/api/v1/activities/sessions/{second.pk}", {"capacity": 8, "scope": "following"},
                                content_type=JSON, **headers)
    assert response.status_code == 200


def test_page_update_activity(hub, django_assert_num_queries):
    coordinator = coordinator_of(hub)
    activity = make_activity(hub, coordinator=coordinator, frequency=Frequency.WEEKLY, occurrences=4)
    client = client_for(coordinator)
    with django_assert_num_queries(19 + lock_timeout()):
        response = client.post(reverse("activities:activity-edit", args=[activity.pk]), {
            "title": "Caminada", "language": "ca", "description": "", "place": "", "accessibility_notes": ""})
    assert response.status_code == 302


def test_page_enrol(hub, group, coordinator, django_assert_num_queries):
    person = make_person(hub)
    client = client_for(coordinator)
    with django_assert_num_queries(13 + lock_timeout()):
        response = client.post(reverse("activities:group-enrol", args=[group.pk]), {"person": person.pk})
    assert response.status_code == 302
    assert GroupMembership.objects.get(activity=group, person=person).status == "member"


def test_page_decide(hub, group, facilitator, django_assert_num_queries):
    user, _person = make_caregiver(hub)
    membership = services.request_to_join(access=access_for(user), activity_id=group.pk)
    client = client_for(facilitator)
    with django_assert_num_queries(11 + lock_timeout()):
        response = client.post(reverse("activities:membership-decide", args=[membership.pk]), {"decision": "decline"})
    assert response.status_code == 302
