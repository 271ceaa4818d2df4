"""iCalendar (RFC 5545) for sessions, written with the `icalendar` package.

Each session is one VEVENT with a stable UID (`session-<id>@carehub`), so a calendar updates the event rather
than duplicating it; SEQUENCE rises on every reschedule or cancellation and a cancelled session stays in the
feed with STATUS:CANCELLED. Times are in Europe/Madrid with its VTIMEZONE. Feeds never name participants.
"""

from functools import lru_cache
from urllib.parse import urlsplit, urlunsplit

import segno
from django.conf import settings
from icalendar import Calendar, Event, Timezone

from carehub.timezones import LOCAL_TZ

from .models import Session

PRODID = "-//carehub//Vila Veina activities//EN"


# Europe/Madrid as the EU rule (since 1996), the shape tzurl.org and most calendar servers publish. icalendar's
# own VTIMEZONE lists every transition as RDATEs, which dateutil/vobject (and Outlook) ignore: they showed
# every summer session an hour early.
MADRID_VTIMEZONE = b"""BEGIN:VTIMEZONE\r
TZID:Europe/Madrid\r
BEGIN:DAYLIGHT\r
TZOFFSETFROM:+0100\r
TZOFFSETTO:+0200\r
TZNAME:CEST\r
DTSTART:19700329T020000\r
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r
END:DAYLIGHT\r
BEGIN:STANDARD\r
TZOFFSETFROM:+0200\r
TZOFFSETTO:+0100\r
TZNAME:CET\r
DTSTART:19701025T030000\r
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r
END:STANDARD\r
END:VTIMEZONE\r
"""


def feed_url(path: str) -> str:
    """The absolute https (or http) address of a feed, on the site's public host (settings.SITE_URL)."""
    return f"{settings.SITE_URL}{path}"


def webcal_url(path: str) -> str:
    """The one-tap subscribe link of a feed: the same address with the webcal:// scheme, which phones and
    desktop calendars open as "subscribe" (an https:// link would only download a file once)."""
    host = urlsplit(settings.SITE_URL)
    return urlunsplit(("webcal", host.netloc, host.path.rstrip("/") + path, "", ""))


def qr_svg(url: str, *, title: str) -> str:
    """A QR code of `url` as inline SVG (dark on white, quiet zone kept), titled for screen readers."""
    svg = segno.make(url, error="m").svg_inline(scale=4, dark="#000", light="#fff", title=title,
                                                svgclass="feed-qr-code")
    return svg.replace("<svg ", '<svg role="img" ', 1)


@lru_cache(maxsize=1)
def _vtimezone() -> bytes:
    if settings.TIME_ZONE == "Europe/Madrid":
        return MADRID_VTIMEZONE
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

