"""iCalendar (RFC 5545) for sessions, written with the `icalendar` package.

Each session is one VEVENT with a stable UID (`session-<id>@carehub`), so a calendar updates the event rather
than duplicating it; SEQUENCE rises on every reschedule or cancellation and a cancelled session stays in the
feed with STATUS:CANCELLED. Times are in Europe/Madrid with its VTIMEZONE. Feeds never name participants.
"""

from functools import lru_cache

from django.conf import settings
from icalendar import Calendar, Event, Timezone

from .models import Session
from .recurrence import LOCAL_TZ

PRODID = "-//carehub//Vila Veina activities//EN"


@lru_cache(maxsize=1)
def _vtimezone() -> bytes:
    # Building it walks the zone's transitions: do it once per process.
    return Timezone.from_tzid(settings.TIME_ZONE).to_ical()


def session_event(session: Session) -> Event:
    activity = session.activity
    event = Event()
    event.add("uid", session.uid)
    event.add("dtstamp", session.updated_at)
    event.add("last-modified", session.updated_at)
    event.add("dtstart", session.starts_at.astimezone(LOCAL_TZ))
    event.add("dtend", session.ends_at.astimezone(LOCAL_TZ))
    event.add("summary", activity.title)
    description = activity.description
    if activity.accessibility_notes:
        description = f"{description}\n\n{activity.accessibility_notes}".strip()
    if description:
        event.add("description", description)
    event.add("location", activity.where)
    event.add("url", f"{settings.SITE_URL}{session.get_absolute_url()}")
    event.add("sequence", session.sequence)
    event.add("status", "CANCELLED" if session.is_cancelled else "CONFIRMED")
    event.add("categories", [activity.get_kind_display()])
    return event


def calendar(sessions, *, name: str) -> bytes:
    """A VCALENDAR with one VEVENT per session; `sessions` must already select_related activity__hub."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    cal.add_component(Timezone.from_ical(_vtimezone()))
    for session in sessions:
        cal.add_component(session_event(session))
    return cal.to_ical()

