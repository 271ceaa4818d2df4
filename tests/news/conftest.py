"""News test data and a clock frozen at FROZEN_NOW: Thursday 26 November 2026, 10:00 in Madrid, after the
digest day (the 25th), so the edition due is December's. Tests that need another day travel there."""

from datetime import date, datetime, timedelta

import pytest
import time_machine

from activities.models import Activity, Session
from carehub.timezones import LOCAL_TZ
from news.models import DigestSubscription, NewsItem

FROZEN_NOW = datetime(2026, 11, 26, 10, 0, tzinfo=LOCAL_TZ)
TODAY = FROZEN_NOW.date()


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(FROZEN_NOW, tick=False) as traveller:
        yield traveller


def make_news(hub, *, title="Nou horari d'estiu", body="Obrim de 9 a 14 h.", language="ca",
              publish_on: date | None = None, ends_on: date | None = None, translations=None, **fields) -> NewsItem:
    item = NewsItem(hub=hub, title=title, body=body, language=language, publish_on=publish_on or TODAY,
                    ends_on=ends_on, translations=translations or {}, **fields)
    item.save()
    return item


def make_session_at(hub, starts_at: datetime, *, title="Taller de memòria", **activity_fields) -> Session:
    activity = Activity.objects.create(hub=hub, title=title, capacity=10, **activity_fields)
    return Session.objects.create(activity=activity, starts_at=starts_at, ends_at=starts_at + timedelta(hours=1),
                                  capacity=10)


def subscribe(person, hub=None) -> DigestSubscription:
    subscription = DigestSubscription(person=person, hub=hub or person.home_hub)
    subscription.save()
    return subscription


def digests_of(person) -> list:
    from carehub.notifications.models import Message

    return list(Message.objects.filter(person=person, kind="monthly_digest").order_by("pk"))


def at(day: date, hhmm: str) -> datetime:
    hour, minute = map(int, hhmm.split(":"))
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=LOCAL_TZ)


@pytest.fixture(autouse=True)
def english_pages(settings):
    """Pages in English, so that assertions read the msgids; messages still follow each person's language."""
    settings.LANGUAGE_CODE = "en"
