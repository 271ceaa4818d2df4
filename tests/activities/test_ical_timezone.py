"""The guarantee: a weekly 10:00 series across the March and October changes reads 10:00 Europe/Madrid in
icalendar, vobject and recurring-ical-events, each reading the feed's own VTIMEZONE (yearly rules)."""

from datetime import date, datetime, time, timedelta, timezone as dt_timezone

import icalendar
import pytest
import recurring_ical_events
import vobject

from activities import services
from activities.models import Frequency
from carehub.permissions import access_for
from carehub.timezones import LOCAL_TZ, local_datetime

from .helpers import coordinator_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def across_both_changes(hub):
    """Tuesdays at 10:00 from 2 March 2027 to mid-November: winter, summer (from 28 March), winter again (from
    31 October)."""
    start = date(2027, 3, 2)
    activity = services.create_activity(
        access=access_for(coordinator_of(hub)), hub=hub, title="Caminada", kind="outdoor", capacity=10,
        starts_at=local_datetime(start, time(10)), ends_at=local_datetime(start, time(11, 30)),
        frequency=Frequency.WEEKLY, occurrences=36)
    sessions = list(activity.sessions.order_by("starts_at"))
    offsets = {s.starts_at.astimezone(LOCAL_TZ).utcoffset().seconds // 3600 for s in sessions}
    assert offsets == {1, 2} and sessions[-1].starts_at.date() > date(2027, 10, 31)
    return sessions


def feed(client, hub) -> str:
    response = client.get(f"/hubs/{hub.slug}/calendar.ics")
    assert response.status_code == 200
    return response.content.decode()


def utc(moment: datetime) -> datetime:
    return moment.astimezone(dt_timezone.utc)


def test_the_time_zone_block_is_one_standard_and_one_daylight_rule(client, hub, across_both_changes):
    [vtimezone] = icalendar.Calendar.from_ical(feed(client, hub)).walk("VTIMEZONE")
    assert vtimezone["TZID"] == "Europe/Madrid"
    parts = vtimezone.subcomponents
    assert sorted(part.name for part in parts) == ["DAYLIGHT", "STANDARD"]
    for part in parts:
        assert "RRULE" in part and "RDATE" not in part
        assert part["RRULE"]["FREQ"] == ["YEARLY"] and part["RRULE"]["BYDAY"] == ["-1SU"]


def test_icalendar_reads_every_session_at_10_madrid_through_the_feeds_vtimezone(client, hub, across_both_changes):
    calendar = icalendar.Calendar.from_ical(feed(client, hub))
    # The feed's own VTIMEZONE as a tzinfo, not the system's zoneinfo: what a reader without tzdata does.
    feed_zone = calendar.walk("VTIMEZONE")[0].to_tz()
    by_uid = {str(event["UID"]): event for event in calendar.walk("VEVENT")}
    for session in across_both_changes:
        event = by_uid[session.uid]
        assert event["DTSTART"].params["TZID"] == "Europe/Madrid"
        wall = event.decoded("DTSTART").replace(tzinfo=None)
        assert wall.time() == time(10)
        assert utc(wall.replace(tzinfo=feed_zone)) == utc(session.starts_at)


def test_vobject_reads_every_session_at_10_madrid(client, hub, across_both_changes):
    events = {e.uid.value: e for e in vobject.readOne(feed(client, hub)).vevent_list}
    for session in across_both_changes:
        start = events[session.uid].dtstart.value
        assert start.hour == 10 and utc(start) == utc(session.starts_at)
        assert start.astimezone(LOCAL_TZ).hour == 10


def test_recurring_ical_events_reads_every_session_at_10_madrid(client, hub, across_both_changes):
    calendar = icalendar.Calendar.from_ical(feed(client, hub))
    found = recurring_ical_events.of(calendar).between(date(2027, 3, 1), date(2027, 12, 1))
    starts = {str(event["UID"]): event["DTSTART"].dt for event in found}
    assert len(starts) == len(across_both_changes)
    for session in across_both_changes:
        assert starts[session.uid].astimezone(LOCAL_TZ).time() == time(10)
        assert utc(starts[session.uid]) == utc(session.starts_at)


@pytest.mark.parametrize("tzid", ["Europe/Madrid", "America/New_York", "Australia/Sydney", "Asia/Tokyo"])
def test_the_yearly_rules_give_every_hour_of_the_year_its_zones_offset(tzid):
    from zoneinfo import ZoneInfo

    from activities.ical import yearly_vtimezone

    block = icalendar.Timezone.from_ical(yearly_vtimezone(tzid, year=2027))
    assert "RDATE" not in block.to_ical().decode()
    assert len(block.subcomponents) == (1 if tzid == "Asia/Tokyo" else 2)
    rules, zone = block.to_tz(), ZoneInfo(tzid)
    moment = datetime(2027, 1, 1, tzinfo=dt_timezone.utc)
    for _ in range(365 * 4):  # every six hours of 2027, on both sides of each change
        assert moment.astimezone(rules).utcoffset() == moment.astimezone(zone).utcoffset(), moment
        moment += timedelta(hours=6)
