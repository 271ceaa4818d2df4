"""Builders for activities tests: sessions straight through the services, as a coordinator would."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from activities import services
from activities.models import ActivityKind, Frequency
from carehub.models import Role
from carehub.permissions import access_for
from carehub.timezones import local_datetime
from tests.conftest import make_user


def coordinator_of(hub):
    return make_user(roles=[(Role.COORDINATOR, hub)])


def at(days: int, hour: int = 10, minute: int = 0) -> datetime:
    return local_datetime(timezone.localdate() + timedelta(days=days), time(hour, minute))


def make_activity(hub, *, coordinator=None, capacity=5, kind=ActivityKind.TALK, days=3, hour=10,
                  frequency=Frequency.ONCE, occurrences=None, title="Xerrada sobre demència", **fields):
    coordinator = coordinator or coordinator_of(hub)
    return services.create_activity(
        access=access_for(coordinator), hub=hub, title=title, kind=kind, capacity=capacity,
        starts_at=at(days, hour), ends_at=at(days, hour + 1, 30), frequency=frequency, occurrences=occurrences,
        **fields,
    )


def make_session(hub, **kwargs):
    return make_activity(hub, **kwargs).sessions.get()
