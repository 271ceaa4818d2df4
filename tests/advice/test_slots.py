"""Free slots: weekly windows, exceptions, buffers, taken slots, and Madrid wall-clock time across DST."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from advice import selectors
from advice.models import Appointment, AvailabilityException
from tests.conftest import make_person

from .conftest import at, make_service, publish

pytestmark = pytest.mark.django_db
UTC = ZoneInfo("UTC")
LONG_AGO = datetime(2020, 1, 1, tzinfo=UTC)


def starts(service, day_from, day_to=None, **kwargs):
    found = selectors.free_slots(service=service, date_from=day_from, date_to=day_to or day_from, now=LONG_AGO,
                                 **kwargs)
    return [s.starts_at for s in found]


def local_hhmm(instants):
    return [i.astimezone(ZoneInfo("Europe/Madrid")).strftime("%H:%M") for i in instants]


def test_a_window_gives_slots_every_appointment_length(advisor, service):
    publish(advisor, service, weekday=1, start="10:00", end="11:30")
    tuesday = date(2026, 12, 1)
    assert local_hhmm(starts(service, tuesday)) == ["10:00", "10:30", "11:00"]


def test_buffer_spaces_slots_and_the_last_appointment_may_end_at_the_window_end(advisor, hub):
    service = make_service(hub, appointment_minutes=45, buffer_minutes=15)
    publish(advisor, service, weekday=1, start="10:00", end="12:45")
    assert local_hhmm(starts(service, date(2026, 12, 1))) == ["10:00", "11:00", "12:00"]


def test_no_slots_on_other_weekdays_or_outside_the_validity(advisor, service):
    publish(advisor, service, weekday=1, valid_from=date(2026, 12, 8), valid_until=date(2026, 12, 15))
    assert starts(service, date(2026, 12, 1)) == []  # before valid_from
    assert starts(service, date(2026, 12, 9)) == []  # a Wednesday
    assert starts(service, date(2026, 12, 8))
    assert starts(service, date(2026, 12, 22)) == []  # after valid_until


def test_a_whole_day_off_removes_that_day_only(advisor, service):
    publish(advisor, service, weekday=1)
    AvailabilityException.objects.create(advisor=advisor, date=date(2026, 12, 8), kind="closed")
    assert starts(service, date(2026, 12, 8)) == []
    assert len(starts(service, date(2026, 12, 1))) == 6


def test_hours_off_cut_the_window(advisor, service):
    publish(advisor, service, weekday=1, start="10:00", end="13:00")
    AvailabilityException.objects.create(advisor=advisor, date=date(2026, 12, 1), kind="closed",
                                         start_time=time(11, 0), end_time=time(12, 0))
    assert local_hhmm(starts(service, date(2026, 12, 1))) == ["10:00", "10:30", "12:00", "12:30"]


def test_extra_hours_add_slots_on_a_day_without_a_window(advisor, service, hub):
    AvailabilityException.objects.create(advisor=advisor, date=date(2026, 12, 3), kind="extra", service=service,
                                         start_time=time(16, 0), end_time=time(17, 0))
    other = make_service(hub, kind="employment", name="Laboral")
    assert local_hhmm(starts(service, date(2026, 12, 3))) == ["16:00", "16:30"]
    assert starts(other, date(2026, 12, 3)) == []  # extra hours are for one service


def test_a_booked_slot_and_its_buffer_are_not_free_but_a_cancelled_one_is(advisor, hub):
    service = make_service(hub, appointment_minutes=30, buffer_minutes=15)
    publish(advisor, service, weekday=1, start="10:00", end="12:00")
    day = date(2026, 12, 1)
    person = make_person(hub)
    booked = Appointment.objects.create(service=service, advisor=advisor, hub=hub, person=person,
                                        starts_at=at(day, "10:45"), ends_at=at(day, "11:15"),
                                        blocked_until=at(day, "11:30"))
    assert local_hhmm(starts(service, day)) == ["10:00", "11:30"]
    booked.status, booked.cancelled_at = "cancelled", at(day, "09:00")
    booked.save()
    assert local_hhmm(starts(service, day)) == ["10:00", "10:45", "11:30"]


def test_an_appointment_at_another_hub_blocks_the_advisor_here(advisor, hub, other_hub, service):
    publish(advisor, service, weekday=1, start="10:00", end="11:00")
    elsewhere = make_service(other_hub)
    day = date(2026, 12, 1)
    Appointment.objects.create(service=elsewhere, advisor=advisor, hub=other_hub, person=make_person(other_hub),
                               starts_at=at(day, "10:15"), ends_at=at(day, "10:45"), blocked_until=at(day, "10:45"))
    assert starts(service, day) == []


@pytest.mark.parametrize("before, after", [
    (date(2027, 3, 23), date(2027, 3, 30)),   # spring forward on Sunday 28 March 2027
    (date(2026, 10, 20), date(2026, 10, 27)),  # fall back on Sunday 25 October 2026
])
def test_a_weekly_window_stays_at_10_madrid_time_across_daylight_saving(advisor, service, before, after):
    publish(advisor, service, weekday=1, start="10:00", end="10:30")
    [first], [second] = starts(service, before), starts(service, after)
    assert local_hhmm([first, second]) == ["10:00", "10:00"]
    assert second - first != timedelta(days=7)  # the UTC instants differ by an hour from a naive week


def test_slots_across_the_change_in_one_range_are_all_at_local_10(advisor, service):
    publish(advisor, service, weekday=1, start="10:00", end="10:30")
    found = starts(service, date(2027, 3, 16), date(2027, 4, 6))
    assert local_hhmm(found) == ["10:00"] * 4
    assert [f.astimezone(UTC).hour for f in found] == [9, 9, 8, 8]


def test_slots_starting_too_soon_are_not_offered(advisor, service):
    publish(advisor, service, weekday=1, start="10:00", end="12:00")
    day = date(2026, 12, 1)
    now = at(day, "09:00")
    found = selectors.free_slots(service=service, date_from=day, date_to=day, now=now)
    assert local_hhmm([s.starts_at for s in found]) == ["11:00", "11:30"]  # two hours' notice online


def test_free_slots_take_a_bounded_number_of_queries(advisor, service, hub, django_assert_max_num_queries):
    publish(advisor, service, weekday=1)
    publish(advisor, service, weekday=3)
    for week in range(4):
        day = date(2026, 12, 1) + timedelta(weeks=week)
        Appointment.objects.create(service=service, advisor=advisor, hub=hub, person=make_person(hub),
                                   starts_at=at(day, "10:00"), ends_at=at(day, "10:30"),
                                   blocked_until=at(day, "10:30"))
    with django_assert_max_num_queries(4):
        found = starts(service, date(2026, 12, 1), date(2027, 1, 25))
    assert len(found) == 8 * 2 * 6 - 4


def test_bounded_range_limits_to_eight_weeks_from_today():
    today = date(2026, 12, 1)
    start, end = selectors.bounded_range(date(2026, 11, 1), date(2027, 12, 1), today=today)
    assert start == today and end == today + timedelta(days=55)
