"""Advice test data: a service with an advisor's weekly window, and dates that always lie ahead."""

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from advice.models import AdviceService, Availability
from advice.slots import LOCAL_TZ


def next_weekday(weekday: int, *, weeks_ahead: int = 1) -> date:
    """The date of `weekday` (0 = Monday) at least `weeks_ahead` weeks from today, so never today."""
    today = timezone.localdate()
    return today + timedelta(days=(weekday - today.weekday()) % 7 + 7 * weeks_ahead)


def at(day: date, hhmm: str) -> datetime:
    """A Madrid wall-clock time on `day`, aware."""
    return datetime.combine(day, time.fromisoformat(hhmm), tzinfo=LOCAL_TZ)


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
