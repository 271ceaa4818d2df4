"""Locks follow carehub.locking's order (activity, sessions, bookings, memberships), so operations that run at
the same moment wait for each other instead of deadlocking; several sessions or bookings in one transaction
are locked up front in that order."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from activities import services
from activities.models import Booking, Frequency
from carehub import errors, privacy
from carehub.permissions import access_for
from tests.conftest import bearer, client_for, make_caregiver, make_person

from .helpers import at, coordinator_of, make_activity
from .test_concurrency import _race

JSON = "application/json"


def _waitlist_in_reverse(hub, coordinator, *, places=1):
    """A weekly series whose later session got its bookings first: its bookings have the lower pks, so a
    change that promotes session by session would lock bookings out of pk order."""
    activity = make_activity(hub, coordinator=coordinator, frequency=Frequency.WEEKLY, occurrences=3,
                             capacity=places)
    sessions = list(activity.sessions.order_by("starts_at"))
    people = [make_caregiver(hub) for _ in range(3)]
    for session in reversed(sessions):
        for user, _person in people:
            services.book_session(access=access_for(user), session_id=session.pk)
    return activity, sessions, people


@pytest.mark.django_db
def test_raising_the_places_of_the_following_sessions_confirms_each_waitlist(hub):
    coordinator = coordinator_of(hub)
    activity, sessions, people = _waitlist_in_reverse(hub, coordinator)
    services.change_session(access=access_for(coordinator), session_id=sessions[0].pk, capacity=2,
                            scope="following")
    for session in sessions:
        statuses = [Booking.objects.get(session=session, person=person).status for _user, person in people]
        assert statuses == ["confirmed", "confirmed", "waitlisted"]
    activity.refresh_from_db()
    assert activity.capacity == 2


@pytest.mark.django_db
def test_erasing_a_person_booked_in_several_sessions_frees_each_place_for_its_waitlist(hub, coordinator):
    activity, sessions, people = _waitlist_in_reverse(hub, coordinator_of(hub))
    erased = people[0][1]
    privacy.erase_person(access=access_for(coordinator), person_id=erased.pk, reason="person_request")
    for session in sessions:
        statuses = [Booking.objects.get(session=session, person=person).status for _user, person in people]
        assert statuses == ["cancelled", "confirmed", "waitlisted"]


# --- PostgreSQL: real locks --------------------------------------------------------------------------
def _sqlstate(exc):
    while exc is not None:
        state = getattr(exc, "sqlstate", None)
        if state:
            return state
        exc = exc.__cause__
    return None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_changing_the_following_sessions_while_the_activity_changes_never_deadlocks(hub):
    """change_session(scope="following") used to lock the sessions, then the activity; update_activity the
    activity, then its sessions: run together they deadlocked and the caller got a 500."""
    coordinator = coordinator_of(hub)
    activity = make_activity(hub, coordinator=coordinator, frequency=Frequency.WEEKLY, occurrences=6)
    sessions = list(activity.sessions.order_by("starts_at"))
    headers = bearer(coordinator)
    access = access_for(coordinator)

    def api_change(session, capacity):
        def call():
            response = client_for(coordinator).patch(
                f"/api/v1/activities/sessions/{session.pk}", {"capacity": capacity, "scope": "following"},
                content_type=JSON, **headers)
            return ("api", response.status_code, response.json().get("code"))
        return call

    def service(operation, **kwargs):
        def call():
            try:
                operation(access=access, **kwargs)
            except errors.Busy as exc:
                return ("service", 409, _sqlstate(exc))
            return ("service", 200, None)
        return call

    outcomes = []
    for round_ in range(20):
        results, failures = _race([
            api_change(sessions[1], 10 + round_ % 3),
            service(services.update_activity, activity_id=activity.pk, title=f"Caminada {round_}"),
            service(services.change_session, session_id=sessions[2].pk, capacity=20 + round_ % 3,
                    scope="following"),
            service(services.update_activity, activity_id=activity.pk, place=f"Plaça {round_}"),
        ])
        assert failures == []
        outcomes += results
    # Each call succeeded, or (if a lock could not be had within the lock timeout) was told "busy"; none
    # was a deadlock PostgreSQL had to break.
    assert {(kind, status) for kind, status, _code in outcomes} <= {("api", 200), ("service", 200),
                                                                     ("api", 409), ("service", 409)}
    assert all(code == "busy" for kind, status, code in outcomes if kind == "api" and status == 409)
    assert all(code == "55P03" for kind, status, code in outcomes if kind == "service" and status == 409)
    activity.refresh_from_db()
    assert activity.title.startswith("Caminada") and activity.place.startswith("Plaça")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_change_session_locks_the_activity_before_its_sessions(hub):
    coordinator = coordinator_of(hub)
    activity = make_activity(hub, coordinator=coordinator, frequency=Frequency.WEEKLY, occurrences=3)
    first = activity.sessions.order_by("starts_at").first()
    with CaptureQueriesContext(connection) as queries:
        services.change_session(access=access_for(coordinator), session_id=first.pk, starts_at=at(3, 11),
                                ends_at=at(3, 12), scope="following")
    locked = [q["sql"].split(" FROM ")[1].split()[0] for q in queries.captured_queries if "FOR UPDATE" in q["sql"]]
    assert locked == ['"activities_activity"', '"activities_session"']


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_booking_sql_locks_only_the_session_row_for_update(hub, desk):
    session = make_activity(hub).sessions.get()
    person = make_person(hub)
    with CaptureQueriesContext(connection) as queries:
        services.book_session(access=access_for(desk), session_id=session.pk, person_id=person.pk)
    locking = [q["sql"] for q in queries.captured_queries if "FOR UPDATE" in q["sql"]]
    assert len(locking) == 1
    assert 'FROM "activities_session"' in locking[0] and locking[0].endswith('FOR UPDATE OF "activities_session"')
