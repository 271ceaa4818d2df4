"""Real threads against PostgreSQL: the last places go to exactly as many people as there are places."""

import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from activities import services
from activities.models import Booking, Session
from activities import errors as activity_errors
from carehub.permissions import access_for
from tests.conftest import client_for, make_caregiver

from .helpers import make_session

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _race(callables):
    barrier = threading.Barrier(len(callables))
    results, failures = [], []

    def run(fn):
        try:
            barrier.wait()
            results.append(fn())
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(fn,)) for fn in callables]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, failures


def test_thirty_bookings_for_five_places_confirm_exactly_five(hub):
    session = make_session(hub, capacity=5)
    users = [make_caregiver(hub)[0] for _ in range(30)]

    def booker(user):
        def call():
            response = client_for(user).post(f"/api/v1/activities/sessions/{session.pk}/bookings", {},
                                             content_type="application/json")
            return response.status_code, response.json()
        return call

    results, failures = _race([booker(user) for user in users])
    assert failures == []
    assert {status for status, _ in results} == {201}
    statuses = [body["status"] for _, body in results]
    assert statuses.count("confirmed") == 5 and statuses.count("waitlisted") == 25
    session.refresh_from_db()
    assert session.confirmed_count == 5
    assert Booking.objects.filter(session=session, status="confirmed").count() == 5


def test_a_cancellation_during_a_rush_promotes_exactly_one(hub):
    session = make_session(hub, capacity=5)
    people = [make_caregiver(hub) for _ in range(8)]
    bookings = [services.book_session(access=access_for(user), session_id=session.pk) for user, _ in people]
    confirmed = bookings[0]
    late = [make_caregiver(hub)[0] for _ in range(5)]
    calls = [lambda: services.cancel_booking(access=access_for(people[0][0]), booking_id=confirmed.pk)]
    calls += [lambda user=user: services.book_session(access=access_for(user), session_id=session.pk) for user in late]
    results, failures = _race(calls)
    assert failures == []
    assert Booking.objects.filter(session=session, status="confirmed").count() == 5
    assert Session.objects.get(pk=session.pk).confirmed_count == 5
    # The first on the waitlist (booked before the rush) got the place, nobody from the rush jumped the queue.
    assert Booking.objects.get(pk=bookings[5].pk).status == "confirmed"
    assert Booking.objects.get(pk=bookings[6].pk).status == "waitlisted"


def test_two_bookings_of_the_same_person_at_once_give_one_place_and_one_409(hub):
    session = make_session(hub, capacity=5)
    user, _person = make_caregiver(hub)

    def call():
        return client_for(user).post(f"/api/v1/activities/sessions/{session.pk}/bookings", {},
                                     content_type="application/json").status_code

    results, failures = _race([call, call, call])
    assert failures == []
    assert sorted(results) == [201, 409, 409]


def test_booking_locks_the_session_row_for_update(hub, carer):
    session = make_session(hub, capacity=5)
    with CaptureQueriesContext(connection) as queries:
        services.book_session(access=access_for(carer[0]), session_id=session.pk)
    locking = [q["sql"] for q in queries.captured_queries if "FOR UPDATE" in q["sql"]]
    assert any('"activities_session"' in sql for sql in locking)


def test_cancelling_locks_the_session_row_for_update(hub, carer):
    session = make_session(hub, capacity=5)
    booking = services.book_session(access=access_for(carer[0]), session_id=session.pk)
    with CaptureQueriesContext(connection) as queries:
        services.cancel_booking(access=access_for(carer[0]), booking_id=booking.pk)
    assert any("FOR UPDATE" in q["sql"] and '"activities_session"' in q["sql"] for q in queries.captured_queries)


def test_changing_capacity_locks_the_session_row_for_update(hub):
    from .helpers import coordinator_of
    coordinator = coordinator_of(hub)
    session = make_session(hub, capacity=5, coordinator=coordinator)
    with CaptureQueriesContext(connection) as queries:
        services.change_session(access=access_for(coordinator), session_id=session.pk, capacity=7)
    assert any("FOR UPDATE" in q["sql"] and '"activities_session"' in q["sql"] for q in queries.captured_queries)


def test_capacity_race_with_bookings_never_overfills(hub):
    from .helpers import coordinator_of
    coordinator = coordinator_of(hub)
    session = make_session(hub, capacity=3, coordinator=coordinator)
    users = [make_caregiver(hub)[0] for _ in range(6)]
    calls = [lambda user=user: services.book_session(access=access_for(user), session_id=session.pk)
             for user in users]

    def lower():
        try:
            return services.change_session(access=access_for(coordinator), session_id=session.pk, capacity=2)
        except activity_errors.CapacityBelowConfirmed as exc:
            return exc

    results, failures = _race(calls + [lower])
    assert failures == []
    session.refresh_from_db()
    assert session.confirmed_count <= session.capacity
    assert Booking.objects.filter(session=session, status="confirmed").count() == session.confirmed_count
