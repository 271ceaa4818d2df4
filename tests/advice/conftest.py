"""Advice test data: a service with an advisor's weekly window, and a clock frozen at a fixed moment.

Every advice test runs at FROZEN_NOW (time-machine, process-wide, so threads and a live server see it too):
no test depends on the real date, hour or weekday. The moment is a Tuesday 09:00 in Madrid on purpose: the
advisor's Tuesday 10:00 window is then within the two-hour booking notice today, the case that once made a
test fail at certain hours.
"""

from datetime import date, datetime, time, timedelta

import pytest
import time_machine
from django.utils import timezone

from advice.models import AdviceService, Availability
from carehub.timezones import LOCAL_TZ

FROZEN_NOW = datetime(2026, 11, 24, 9, 0, tzinfo=LOCAL_TZ)  # Tuesday


def next_weekday(weekday: int, *, weeks_ahead: int = 1) -> date:
    """The date of `weekday` (0 = Monday) at least `weeks_ahead` weeks from today, so never today."""
    today = timezone.localdate()
    return today + timedelta(days=(weekday - today.weekday()) % 7 + 7 * weeks_ahead)


def at(day: date, hhmm: str) -> datetime:
    """A Madrid wall-clock time on `day`, aware."""
    return datetime.combine(day, time.fromisoformat(hhmm), tzinfo=LOCAL_TZ)


def messages_of(person, kind: str | None = None) -> list:
    """The messages written for `person` (carehub.notifications), oldest first, of one kind if given."""
    from carehub.notifications.models import Message

    found = Message.objects.filter(person=person).order_by("pk")
    return list(found.filter(kind=kind) if kind else found)


def make_service(hub, **fields) -> AdviceService:
    defaults = dict(kind="legal", name="Assessorament jurídic", appointment_minutes=30, buffer_minutes=0)
    defaults.update(fields)
    service = AdviceService(hub=hub, **defaults)
    service.save()
    return service


def publish(advisor, service, weekday: int = 1, start: str = "10:00", end: str = "13:00", **fields) -> Availability:
    row = Availability(advisor=advisor, service=service, weekday=weekday, start_time=time.fromisoformat(start),
                       end_time=time.fromisoformat(end), valid_from=fields.pop("valid_from", date(2020, 1, 1)),
                       **fields)
    row.save()
    return row


@pytest.fixture(autouse=True)
def frozen_clock():
    """The clock at FROZEN_NOW, still ticking (so timeouts and durations behave), for every advice test."""
    with time_machine.travel(FROZEN_NOW, tick=True) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """These tests create many accounts; the real hasher's cost is not what they test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def service(hub):
    return make_service(hub)


@pytest.fixture
def tuesday():
    """A Tuesday one to two weeks ahead."""
    return next_weekday(1)


@pytest.fixture
def window(advisor, service):
    """The advisor gives `service` on Tuesdays 10:00–13:00."""
    return publish(advisor, service, weekday=1)
