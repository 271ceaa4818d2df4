"""Real threads against PostgreSQL: bookings asking for seats and childcare places at once never confirm more
of either than offered, and never confirm a seat without its childcare (or childcare without its seat)."""

import pytest
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext

from activities import services
from activities.models import Booking, Session
from carehub.permissions import access_for
from tests.conftest import client_for, make_caregiver

from .helpers import coordinator_of, make_session
from .test_concurrency import _race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

JSON = "application/json"


def _assert_invariants(session):
    """What the race must leave: counters equal to the confirmed bookings, neither over its places."""
    session = Session.objects.get(pk=session.pk)
    confirmed = Booking.objects.filter(session=session, status="confirmed")
    children = confirmed.aggregate(n=Sum("childcare_places"))["n"] or 0
    assert session.confirmed_count == confirmed.count() <= session.capacity
    assert session.childcare_confirmed == children <= session.childcare_places
    return session


def _booker(user, session, ages):
    def call():
        response = client_for(user).post(f"/api/v1/activities/sessions/{session.pk}/bookings",
                                         {"childcare": len(ages), "childcare_ages": ages}, content_type=JSON)
        return response.status_code, response.json(), len(ages)
    return call


def test_a_rush_of_bookings_with_children_never_overfills_seats_or_childcare(hub):
    session = make_session(hub, capacity=8, childcare_places=5, childcare_max_age=10)
    # 30 requests at once: a third without children, a third with one, a third with two (15 children asked).
    asks = [[], [4], [3, 6]] * 10
    users = [make_caregiver(hub)[0] for _ in asks]
    results, failures = _race([_booker(user, session, ages) for user, ages in zip(users, asks)])
    assert failures == []
    assert {status for status, _body, _n in results} == {201}
    for _status, body, children in results:
        # Seat and childcare share one fate: never one confirmed without the other.
        assert body["childcare"] == children
        assert body["childcare_status"] == (body["status"] if children else "not_requested")
    session = _assert_invariants(session)
    assert session.confirmed_count == 8  # every seat went to someone (seat-only requests can always use one)
    confirmed_children = sum(n for _s, body, n in results if body["status"] == "confirmed")
    assert confirmed_children == session.childcare_confirmed <= 5


def test_cancellations_during_a_rush_free_both_and_promote_within_both_limits(hub):
    session = make_session(hub, capacity=4, childcare_places=3, childcare_max_age=10)
    early = [(make_caregiver(hub)[0], ages) for ages in ([2], [3, 4], [], [5], [6, 7], [8], [])]
    held = [services.book_session(access=access_for(user), session_id=session.pk, childcare=len(ages),
                                  childcare_ages=ages) for user, ages in early]
    confirmed = [(user, b) for (user, _ages), b in zip(early, held) if b.status == "confirmed"]
    calls = [lambda user=user, b=b: services.cancel_booking(access=access_for(user), booking_id=b.pk)
             for user, b in confirmed]
    late = [[1], [2, 3], [], [4]] * 3
    calls += [_booker(make_caregiver(hub)[0], session, ages) for ages in late]
    results, failures = _race(calls)
    assert failures == []
    _assert_invariants(session)
    for booking in Booking.objects.filter(session=session, childcare_places__gt=0):
        assert booking.childcare_status == booking.status


def test_changing_the_childcare_places_while_people_book_keeps_both_limits(hub):
    coordinator = coordinator_of(hub)
    session = make_session(hub, coordinator=coordinator, capacity=10, childcare_places=4, childcare_max_age=10)
    calls = [_booker(make_caregiver(hub)[0], session, ages) for ages in ([1], [2, 3], [4], [5, 6], [7]) * 2]

    def resize(places):
        def call():
            try:
                return services.update_activity(access=access_for(coordinator), activity_id=session.activity_id,
                                                childcare_places=places)
            except Exception as exc:  # noqa: BLE001 - a refusal (below the booked) is an answer, not a failure
                return exc
        return call

    results, failures = _race(calls + [resize(2), resize(6), resize(3)])
    assert failures == []
    assert all(getattr(result, "code", "childcare_below_booked") in ("childcare_below_booked", "busy")
               for result in results if isinstance(result, Exception))
    _assert_invariants(session)


def test_booking_with_childcare_locks_the_session_row_for_update(hub, carer):
    session = make_session(hub, capacity=5, childcare_places=3, childcare_max_age=10)
    with CaptureQueriesContext(connection) as queries:
        services.book_session(access=access_for(carer[0]), session_id=session.pk, childcare=1, childcare_ages=[3])
    sql = [q["sql"] for q in queries.captured_queries]
    assert any("FOR UPDATE" in q and '"activities_session"' in q for q in sql)
    # Seats and childcare move together, in one statement.
    [update] = [q for q in sql if q.startswith('UPDATE "activities_session"')]
    assert '"confirmed_count"' in update and '"childcare_confirmed"' in update
