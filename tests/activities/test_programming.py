import pytest

from activities import services
from activities.models import Booking, Frequency, Session
from activities import errors as activity_errors
from carehub import errors
from carehub.notifications.models import Message
from carehub.permissions import access_for
from tests.conftest import make_caregiver

from .helpers import at, coordinator_of, make_activity, make_session

pytestmark = pytest.mark.django_db


def test_weekly_series_creates_one_session_a_week_at_the_same_local_time(hub):
    activity = make_activity(hub, frequency=Frequency.WEEKLY, occurrences=6)
    sessions = list(activity.sessions.order_by("starts_at"))
    assert len(sessions) == 6
    from django.utils import timezone
    assert {timezone.localtime(s.starts_at).strftime("%H:%M") for s in sessions} == {"10:00"}
    assert {(b.starts_at.date() - a.starts_at.date()).days for a, b in zip(sessions, sessions[1:])} == {7}


def test_weekly_session_stays_at_ten_across_the_october_dst_change(hub):
    from datetime import datetime
    from django.utils import timezone
    from activities.recurrence import LOCAL_TZ, series
    start = datetime(2027, 10, 20, 10, 0, tzinfo=LOCAL_TZ)
    pairs = series(starts_at=start, ends_at=start.replace(hour=11), frequency=Frequency.WEEKLY, occurrences=3)
    assert [timezone.localtime(s).hour for s, _ in pairs] == [10, 10, 10]
    assert pairs[2][0].utcoffset() != pairs[0][0].utcoffset()  # 31 October 2027 is the change


def test_fortnightly_series_is_every_two_weeks(hub):
    activity = make_activity(hub, frequency=Frequency.FORTNIGHTLY, occurrences=3)
    days = [s.starts_at.date() for s in activity.sessions.order_by("starts_at")]
    assert [(b - a).days for a, b in zip(days, days[1:])] == [14, 14]


def test_only_the_hubs_coordinator_programmes(hub, desk, other_hub):
    with pytest.raises(errors.PermissionDenied):
        make_activity(hub, coordinator=desk)
    with pytest.raises(errors.PermissionDenied):
        make_activity(hub, coordinator=coordinator_of(other_hub))


def test_rescheduling_one_session_raises_its_sequence_and_tells_the_booked(hub):
    coordinator = coordinator_of(hub)
    activity = make_activity(hub, coordinator=coordinator, frequency=Frequency.WEEKLY, occurrences=3)
    first, second = activity.sessions.order_by("starts_at")[:2]
    user, person = make_caregiver(hub, preferred_language="es")
    services.book_session(access=access_for(user), session_id=first.pk)
    services.change_session(access=access_for(coordinator), session_id=first.pk,
                            starts_at=at(3, 11), ends_at=at(3, 12))
    first.refresh_from_db(), second.refresh_from_db()
    assert first.sequence == 1 and second.sequence == 0
    moved = Message.objects.filter(kind="session_rescheduled")
    assert [(m.person_id, m.recipient) for m in moved] == [(person.pk, person.email)]


def test_change_to_the_following_sessions_moves_the_rest_of_the_series(hub):
    coordinator = coordinator_of(hub)
    activity = make_activity(hub, coordinator=coordinator, frequency=Frequency.WEEKLY, occurrences=4)
    sessions = list(activity.sessions.order_by("starts_at"))
    changed = services.change_session(access=access_for(coordinator), session_id=sessions[1].pk,
                                      starts_at=at(10, 12), ends_at=at(10, 13), scope="following")
    assert sorted(s.pk for s in changed) == [s.pk for s in sessions[1:]]
    from django.utils import timezone
    hours = [timezone.localtime(s.starts_at).hour for s in activity.sessions.order_by("pk")]
    assert hours == [10, 12, 12, 12]


def test_cancelling_a_session_marks_it_cancelled_and_tells_everyone_booked(hub):
    coordinator = coordinator_of(hub)
    session = make_session(hub, coordinator=coordinator, capacity=1)
    a, b = make_caregiver(hub), make_caregiver(hub)
    services.book_session(access=access_for(a[0]), session_id=session.pk)
    services.book_session(access=access_for(b[0]), session_id=session.pk)
    services.change_session(access=access_for(coordinator), session_id=session.pk, cancel=True)
    session.refresh_from_db()
    assert session.status == Session.Status.CANCELLED and session.sequence == 1
    told = Message.objects.filter(kind="session_cancelled").values_list("person_id", flat=True)
    assert sorted(told) == sorted([a[1].pk, b[1].pk])  # the confirmed and the waiting


def test_lowering_capacity_below_the_confirmed_is_refused_and_nobody_is_dropped(hub):
    coordinator = coordinator_of(hub)
    session = make_session(hub, coordinator=coordinator, capacity=3)
    for _ in range(3):
        services.book_session(access=access_for(make_caregiver(hub)[0]), session_id=session.pk)
    with pytest.raises(activity_errors.CapacityBelowConfirmed):
        services.change_session(access=access_for(coordinator), session_id=session.pk, capacity=2)
    session.refresh_from_db()
    assert session.capacity == 3 and session.confirmed_count == 3
    assert Booking.objects.filter(session=session, status="confirmed").count() == 3


def test_lowering_capacity_to_the_confirmed_count_is_allowed(hub):
    coordinator = coordinator_of(hub)
    session = make_session(hub, coordinator=coordinator, capacity=5)
    services.book_session(access=access_for(make_caregiver(hub)[0]), session_id=session.pk)
    services.change_session(access=access_for(coordinator), session_id=session.pk, capacity=1)
    session.refresh_from_db()
    assert session.capacity == 1 and session.seats_left == 0


def test_raising_capacity_confirms_the_waitlisted_in_order(hub):
    coordinator = coordinator_of(hub)
    session = make_session(hub, coordinator=coordinator, capacity=1)
    people = [make_caregiver(hub) for _ in range(4)]
    for user, _ in people:
        services.book_session(access=access_for(user), session_id=session.pk)
    services.change_session(access=access_for(coordinator), session_id=session.pk, capacity=3)
    statuses = [Booking.objects.get(session=session, person=p).status for _, p in people]
    assert statuses == ["confirmed", "confirmed", "confirmed", "waitlisted"]
    assert Message.objects.filter(kind="booking_promoted").count() == 2


def test_a_session_cannot_end_before_it_starts(hub):
    coordinator = coordinator_of(hub)
    session = make_session(hub, coordinator=coordinator)
    with pytest.raises(errors.ValidationFailed):
        services.change_session(access=access_for(coordinator), session_id=session.pk,
                                starts_at=at(3, 12), ends_at=at(3, 11))
