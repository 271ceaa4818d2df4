"""The calendar feeds, read back by icalendar and by an independent parser (vobject)."""

import re

import icalendar
import pytest
import vobject
from django.urls import reverse

from activities import services
from activities.models import ActivityKind, CalendarFeedToken, Frequency
from carehub.permissions import access_for
from tests.conftest import client_for, make_caregiver, make_person

from .helpers import at, coordinator_of, make_activity, make_session

pytestmark = pytest.mark.django_db


def hub_feed(client, hub):
    response = client.get(f"/hubs/{hub.slug}/calendar.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return response.content.decode()


def test_hub_feed_events_carry_uid_dtstamp_madrid_times_location_and_url(client, hub):
    session = make_session(hub, place="Biblioteca Sant Antoni, sala 2")
    text = hub_feed(client, hub)

    parsed = vobject.readOne(text)
    assert parsed.vtimezone.tzid.value == "Europe/Madrid"
    event = parsed.vevent
    assert event.uid.value == f"session-{session.pk}@carehub"
    assert event.dtstamp.value is not None
    assert re.search(r"^DTSTAMP:\d{8}T\d{6}Z\r?$", text, re.M)
    assert "DTSTART;TZID=Europe/Madrid:" in text and "DTEND;TZID=Europe/Madrid:" in text
    assert event.dtstart.value.tzinfo is not None
    assert event.dtstart.value == session.starts_at and event.dtend.value == session.ends_at
    assert event.dtstart.value.hour == 10  # local wall-clock time
    assert event.location.value == "Biblioteca Sant Antoni, sala 2"
    assert event.url.value.endswith(session.get_absolute_url())
    assert event.summary.value == session.activity.title

    cal = icalendar.Calendar.from_ical(text)
    events = list(cal.walk("VEVENT"))
    assert len(events) == 1 and str(events[0]["UID"]) == session.uid
    assert events[0].decoded("DTSTART") == session.starts_at


def test_rescheduled_session_keeps_its_uid_and_raises_sequence(client, hub):
    coordinator = coordinator_of(hub)
    session = make_session(hub, coordinator=coordinator)
    before = vobject.readOne(hub_feed(client, hub)).vevent
    services.change_session(access=access_for(coordinator), session_id=session.pk, starts_at=at(4, 17),
                            ends_at=at(4, 18))
    after = vobject.readOne(hub_feed(client, hub)).vevent
    assert after.uid.value == before.uid.value
    assert int(after.sequence.value) == int(before.sequence.value) + 1
    assert after.dtstart.value.hour == 17


def test_cancelled_session_stays_in_the_feed_as_cancelled(client, hub):
    coordinator = coordinator_of(hub)
    session = make_session(hub, coordinator=coordinator)
    services.change_session(access=access_for(coordinator), session_id=session.pk, cancel=True)
    event = vobject.readOne(hub_feed(client, hub)).vevent
    assert event.status.value == "CANCELLED"
    assert int(event.sequence.value) == 1


def test_hub_feed_never_names_participants(client, hub):
    session = make_session(hub)
    person = make_person(hub, first_name="Pepeta", last_name="Confidencial")
    from tests.conftest import make_user
    from carehub.models import Role
    desk = make_user(roles=[(Role.DESK, hub)])
    services.book_session(access=access_for(desk), session_id=session.pk, person_id=person.pk)
    assert "Confidencial" not in hub_feed(client, hub)


def test_unknown_hub_feed_is_404(client, db):
    assert client.get("/hubs/nowhere/calendar.ics").status_code == 404


def test_hub_feed_queries_stay_bounded_as_sessions_grow(client, hub, django_assert_max_num_queries):
    make_activity(hub, frequency=Frequency.WEEKLY, occurrences=10)
    with django_assert_max_num_queries(4):
        hub_feed(client, hub)
    make_activity(hub, frequency=Frequency.WEEKLY, occurrences=40, title="Passejada")
    with django_assert_max_num_queries(4):
        text = hub_feed(client, hub)
    assert len(list(vobject.readOne(text).vevent_list)) == 50


def test_private_feed_lists_my_bookings_and_groups_and_is_revocable(client, hub):
    user, person = make_caregiver(hub)
    booked = make_session(hub, title="Xerrada")
    make_session(hub, title="Altra cosa")
    services.book_session(access=access_for(user), session_id=booked.pk)
    token = services.feed_token_for(person=person)
    text = client.get(token.get_absolute_url()).content.decode()
    events = vobject.readOne(text).vevent_list
    assert [e.summary.value for e in events] == ["Xerrada"]
    services.revoke_feed_token(person=person)
    assert client.get(token.get_absolute_url()).status_code == 404
    assert CalendarFeedToken.objects.filter(person=person, revoked_at__isnull=True).count() == 1


def test_private_feed_queries_stay_bounded(client, hub, django_assert_max_num_queries):
    user, person = make_caregiver(hub)
    activity = make_activity(hub, frequency=Frequency.WEEKLY, occurrences=20)
    for session in activity.sessions.all():
        services.book_session(access=access_for(user), session_id=session.pk)
    token = services.feed_token_for(person=person)
    with django_assert_max_num_queries(4):
        response = client.get(token.get_absolute_url())
    assert len(vobject.readOne(response.content.decode()).vevent_list) == 20


def test_booking_ics_download_is_only_for_its_person_or_staff(hub, desk):
    user, _ = make_caregiver(hub)
    session = make_session(hub)
    booking = services.book_session(access=access_for(user), session_id=session.pk)
    url = reverse("activities:booking-ics", args=[booking.pk])
    response = client_for(user).get(url)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    assert vobject.readOne(response.content.decode()).vevent.uid.value == session.uid
    assert client_for(desk).get(url).status_code == 200
    assert client_for(make_caregiver(hub)[0]).get(url).status_code == 404


def test_dst_change_keeps_local_time_in_the_feed(client, hub):
    activity = make_activity(hub, frequency=Frequency.WEEKLY, occurrences=30, kind=ActivityKind.OUTDOOR)
    hours = {e.dtstart.value.hour for e in vobject.readOne(hub_feed(client, hub)).vevent_list}
    assert hours == {10}
    assert activity.sessions.count() == 30


def test_feed_times_are_the_right_instants_on_both_sides_of_the_october_change(client, hub):
    # 22 weeks from June: summer (+02:00) sessions and winter (+01:00) ones. An RDATE-only VTIMEZONE made
    # readers that follow its rules (dateutil/vobject, Outlook) put every summer session an hour early.
    activity = make_activity(hub, frequency=Frequency.WEEKLY, occurrences=22)
    events = vobject.readOne(hub_feed(client, hub)).vevent_list
    starts = {int(e.uid.value.split("-")[1].split("@")[0]): e.dtstart.value for e in events}
    sessions = list(activity.sessions.all())
    assert {starts[s.pk] == s.starts_at for s in sessions} == {True}
    assert {starts[s.pk].utcoffset().seconds // 3600 for s in sessions} == {1, 2}
