"""Attendance at queue speed: one form per session marks everyone at once, a walk-in is added as come, and no
attendance button shows (nor is accepted) before the session starts. Support groups stay their circle's."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activities import errors as activity_errors
from activities import services
from activities.models import ActivityKind, Booking, Frequency, Session
from carehub import errors
from carehub.permissions import access_for
from tests.conftest import client_for, make_person

from .helpers import at, coordinator_of, make_activity, make_session

pytestmark = pytest.mark.django_db


def book(desk, session, person=None):
    person = person or make_person(session.activity.hub)
    return services.book_session(access=access_for(desk), session_id=session.pk, person_id=person.pk)


def attendance_of(session) -> dict:
    return dict(Booking.objects.filter(session=session).values_list("pk", "attendance"))


@pytest.fixture
def started(hub, desk, time_machine):
    """A session of today at 10:00 with three people booked, and the clock at 10:05."""
    session = make_session(hub, days=0, hour=10, capacity=4)
    bookings = [book(desk, session) for _ in range(3)]
    time_machine.move_to(at(0, 10, 5), tick=False)
    return session, bookings


# --- the service ------------------------------------------------------------------------------------------
def test_one_call_marks_the_ticked_as_come_and_the_other_listed_as_absent(started, desk):
    session, (came, absent, not_listed) = started
    saved = services.record_session_attendance(access=access_for(desk), session_id=session.pk,
                                               attended={came.pk}, listed={came.pk, absent.pk})
    assert (saved.came, saved.absent, saved.skipped) == (1, 1, 0)
    # A booking the form did not list (promoted after the page was loaded) is left alone.
    assert attendance_of(session) == {came.pk: "attended", absent.pk: "no_show", not_listed.pk: "unknown"}


def test_the_attendance_history_names_the_desk(started, desk):
    session, (came, *_rest) = started
    services.record_session_attendance(access=access_for(desk), session_id=session.pk, attended={came.pk},
                                       listed={came.pk})
    latest = Booking.objects.get(pk=came.pk).history.first()
    assert (latest.attendance, latest.history_user) == ("attended", desk)


def test_a_booking_cancelled_meanwhile_is_skipped_not_marked(hub, desk, time_machine):
    session = make_session(hub, days=0, hour=10)
    kept, cancelled = book(desk, session), book(desk, session)
    services.cancel_booking(access=access_for(desk), booking_id=cancelled.pk)
    time_machine.move_to(at(0, 10, 5), tick=False)
    saved = services.record_session_attendance(access=access_for(desk), session_id=session.pk,
                                               attended={kept.pk, cancelled.pk}, listed={kept.pk, cancelled.pk})
    assert (saved.came, saved.skipped) == (1, 1)
    assert Booking.objects.get(pk=cancelled.pk).attendance == "unknown"


def test_bookings_of_another_session_are_not_touched(started, hub, desk):
    session, _bookings = started
    other_booking = book(desk, make_session(hub, days=3))
    saved = services.record_session_attendance(access=access_for(desk), session_id=session.pk,
                                               attended={other_booking.pk}, listed={other_booking.pk})
    assert Booking.objects.get(pk=other_booking.pk).attendance == "unknown" and saved.came == 0


def test_attendance_before_the_session_starts_is_refused(hub, desk):
    session = make_session(hub, days=0, hour=10)
    booking = book(desk, session)
    with pytest.raises(errors.Conflict) as refused:
        services.record_session_attendance(access=access_for(desk), session_id=session.pk,
                                           attended={booking.pk}, listed={booking.pk})
    assert refused.value.code == "too_early" and "10:00" in str(refused.value.message)
    with pytest.raises(errors.Conflict):
        services.mark_attendance(access=access_for(desk), booking_id=booking.pk, attendance="attended")
    assert attendance_of(session) == {booking.pk: "unknown"}


def test_the_form_costs_the_same_queries_for_three_people_or_twelve(hub, desk, time_machine):
    small, large = make_session(hub, days=0, hour=10, capacity=3), make_session(hub, days=0, hour=11, capacity=12)
    small_ids = {book(desk, small).pk for _ in range(3)}
    large_ids = {book(desk, large).pk for _ in range(12)}
    time_machine.move_to(at(0, 11, 5), tick=False)
    access = access_for(desk)
    counts = []
    for session, ids in ((small, small_ids), (large, large_ids)):
        with CaptureQueriesContext(connection) as queries:
            services.record_session_attendance(access=access, session_id=session.pk, attended=ids, listed=ids)
        counts.append(len(queries.captured_queries))
        if connection.vendor == "postgresql":
            assert any("FOR UPDATE" in query["sql"] for query in queries.captured_queries)
    assert counts[0] == counts[1]


def test_the_desk_cannot_take_a_support_groups_attendance(hub, desk, facilitator, time_machine):
    group = make_activity(hub, kind=ActivityKind.SUPPORT_GROUP, days=0, hour=10, frequency=Frequency.ONCE,
                          facilitator=facilitator)
    session = group.sessions.get()
    time_machine.move_to(at(0, 10, 5), tick=False)
    with pytest.raises(errors.NotFound):
        services.record_session_attendance(access=access_for(desk), session_id=session.pk, attended=set(),
                                           listed=set())
    with pytest.raises(errors.NotFound):
        services.record_walk_in(access=access_for(desk), session_id=session.pk, person_id=make_person(hub).pk)


def test_the_desk_of_another_hub_cannot_take_attendance(started, other_desk):
    session, bookings = started
    with pytest.raises(errors.NotFound):
        services.record_session_attendance(access=access_for(other_desk), session_id=session.pk,
                                           attended={b.pk for b in bookings}, listed={b.pk for b in bookings})


# --- walk-ins ---------------------------------------------------------------------------------------------
def test_a_walk_in_gets_a_place_marked_as_come(started, hub, desk):
    session, _bookings = started
    walker = make_person(hub)
    booking = services.record_walk_in(access=access_for(desk), session_id=session.pk, person_id=walker.pk)
    assert (booking.status, booking.attendance, booking.booked_by) == ("confirmed", "attended", desk)
    assert Session.objects.get(pk=session.pk).confirmed_count == 4


def test_a_walk_in_into_a_full_session_is_refused_and_nothing_changes(started, hub, desk):
    session, _bookings = started
    services.record_walk_in(access=access_for(desk), session_id=session.pk, person_id=make_person(hub).pk)
    with pytest.raises(activity_errors.SessionFull):
        services.record_walk_in(access=access_for(desk), session_id=session.pk, person_id=make_person(hub).pk)
    assert Session.objects.get(pk=session.pk).confirmed_count == 4
    assert Booking.objects.filter(session=session).count() == 4


def test_a_walk_in_who_already_had_a_place_is_marked_as_come(started, desk):
    session, (booking, *_rest) = started
    again = services.record_walk_in(access=access_for(desk), session_id=session.pk, person_id=booking.person_id)
    assert again.pk == booking.pk and again.attendance == "attended"
    assert Session.objects.get(pk=session.pk).confirmed_count == 3


def test_a_walk_in_from_another_hub_is_not_found(started, other_hub, desk):
    session, _bookings = started
    with pytest.raises(errors.NotFound):
        services.record_walk_in(access=access_for(desk), session_id=session.pk, person_id=make_person(other_hub).pk)


def test_a_walk_in_before_the_session_starts_is_refused(hub, desk):
    session = make_session(hub, days=0, hour=10)
    with pytest.raises(errors.Conflict) as refused:
        services.record_walk_in(access=access_for(desk), session_id=session.pk, person_id=make_person(hub).pk)
    assert refused.value.code == "too_early"


# --- the pages --------------------------------------------------------------------------------------------
def test_a_future_session_page_lists_people_without_attendance_buttons(hub, desk):
    session = make_session(hub, days=1)
    book(desk, session, make_person(hub, first_name="Núria"))
    page = client_for(desk).get(session.get_absolute_url()).content.decode()
    assert "Núria" in page
    assert 'name="attendance"' not in page and "Save attendance" not in page and 'name="came"' not in page
    assert "Attendance can be taken once the session starts" in page


def test_a_started_session_page_has_one_form_for_everyone(started, desk):
    session, bookings = started
    client = client_for(desk)
    page = client.get(session.get_absolute_url()).content.decode()
    assert page.count("Save attendance") == 1 and page.count('name="came"') == 3
    response = client.post(reverse("activities:session-attendance", args=[session.pk]), {
        "listed": [b.pk for b in bookings], "came": [bookings[0].pk],
        "next": session.get_absolute_url()})
    assert response.status_code == 302 and response["Location"] == session.get_absolute_url()
    assert sorted(attendance_of(session).values()) == ["attended", "no_show", "no_show"]


def test_the_sessions_on_a_future_day_show_no_attendance_button(hub, desk):
    session = make_session(hub, days=1)
    book(desk, session)
    day = at(1).date().isoformat()
    page = client_for(desk).get(reverse("activities:today"), {"date": day}).content.decode()
    assert "Did not come" not in page and "Save attendance" not in page


def test_the_attendance_form_of_another_hubs_session_is_a_404(started, other_desk):
    session, bookings = started
    response = client_for(other_desk).post(reverse("activities:session-attendance", args=[session.pk]),
                                           {"listed": [bookings[0].pk], "came": [bookings[0].pk]})
    assert response.status_code == 404


def test_bad_ids_in_the_form_are_ignored_not_a_500(started, desk):
    session, bookings = started
    response = client_for(desk).post(reverse("activities:session-attendance", args=[session.pk]),
                                     {"listed": ["x", "²", "-1", str(bookings[0].pk)], "came": ["9" * 30]})
    assert response.status_code == 302
    assert attendance_of(session)[bookings[0].pk] == "no_show"


def test_the_walk_in_page_finds_people_of_the_hub_only(started, hub, other_hub, desk):
    session, _bookings = started
    make_person(hub, first_name="Amparo", last_name="Soler")
    make_person(other_hub, first_name="Amparo", last_name="Forastera")
    page = client_for(desk).get(reverse("activities:walk-in", args=[session.pk]), {"q": "Amparo"}).content.decode()
    assert "Amparo Soler" in page and "Amparo Forastera" not in page


def test_posting_a_walk_in_from_outside_the_hub_is_a_404(started, other_hub, desk):
    session, _bookings = started
    response = client_for(desk).post(reverse("activities:walk-in", args=[session.pk]),
                                     {"person": make_person(other_hub).pk})
    assert response.status_code == 404


def test_a_walk_in_into_a_full_session_says_so_on_the_page(hub, desk, time_machine):
    session = make_session(hub, days=0, hour=10, capacity=1)
    book(desk, session)
    time_machine.move_to(at(0, 10, 5), tick=False)
    walker = make_person(hub, first_name="Pere", last_name="Vidal")
    response = client_for(desk).post(reverse("activities:walk-in", args=[session.pk]),
                                     {"person": walker.pk, "next": session.get_absolute_url()}, follow=True)
    assert "The session is full (1 places): Pere Vidal cannot be added." in response.content.decode()


def test_a_support_group_has_no_attendance_link_before_its_session_starts(hub, facilitator, time_machine):
    group = make_activity(hub, kind=ActivityKind.SUPPORT_GROUP, days=0, hour=10, frequency=Frequency.WEEKLY,
                          occurrences=2, facilitator=facilitator)
    first = group.sessions.order_by("starts_at").first()
    services.enrol_member(access=access_for(coordinator_of(hub)), activity_id=group.pk,
                          person_id=make_person(hub).pk)
    client = client_for(facilitator)
    attendance_url = reverse("activities:group-attendance", args=[first.pk])
    assert attendance_url not in client.get(reverse("activities:group", args=[group.pk])).content.decode()
    assert attendance_url not in client.get(first.get_absolute_url()).content.decode()
    page = client.get(attendance_url).content.decode()
    assert "Save attendance" not in page and "Attendance can be taken once the session starts, at 10:00." in page
    time_machine.move_to(at(0, 10, 5), tick=False)
    assert attendance_url in client.get(reverse("activities:group", args=[group.pk])).content.decode()
    assert "Save attendance" in client.get(attendance_url).content.decode()


def test_a_support_groups_attendance_posted_before_it_starts_is_refused(hub, facilitator):
    group = make_activity(hub, kind=ActivityKind.SUPPORT_GROUP, days=0, hour=10, frequency=Frequency.ONCE,
                          facilitator=facilitator)
    member = make_person(hub)
    services.enrol_member(access=access_for(coordinator_of(hub)), activity_id=group.pk, person_id=member.pk)
    with pytest.raises(errors.Conflict):
        services.record_group_attendance(access=access_for(facilitator), session_id=group.sessions.get().pk,
                                         attended_person_ids={member.pk})
