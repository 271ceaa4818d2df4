"""iCalendar (RFC 5545) for sessions, written with the `icalendar` package.

Each session is one VEVENT with a stable UID (`session-<id>@carehub`), so a calendar updates the event rather
than duplicating it; SEQUENCE rises on every reschedule or cancellation and a cancelled session stays in the
feed with STATUS:CANCELLED. Times are in Europe/Madrid with its VTIMEZONE. Feeds never name participants.
"""

import calendar as calendar_module
from datetime import date, datetime, timedelta
from datetime import timezone as dt_timezone
from functools import lru_cache
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo

import segno
from django.conf import settings
from icalendar import Calendar, Event, Timezone

from carehub.timezones import LOCAL_TZ

from .models import Session

PRODID = "-//carehub//Vila Veina activities//EN"


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


WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def _rule_day(year: int, month: int, nth: int, weekday: int) -> int:
    """The day of the month of the `nth` (-1: last) `weekday` of a month."""
    days = [d for d in range(1, calendar_module.monthrange(year, month)[1] + 1)
            if date(year, month, d).weekday() == weekday]
    return days[nth if nth < 0 else nth - 1]


def yearly_vtimezone(tzid: str, *, year: int) -> bytes:
    """A zone's VTIMEZONE as yearly rules (one STANDARD, one DAYLIGHT, each an RRULE), read from its changes in
    `year`: the shape tzurl.org and most calendar servers publish, which every common reader handles (for
    Europe/Madrid, the EU rule since 1996). icalendar's own block lists every transition as RDATEs, which
    dateutil/vobject (and Outlook) read wrongly: they showed every summer session an hour off. A zone without
    changes is one STANDARD. Changes are assumed to follow "the nth / last weekday of a month" (true of Europe
    and the Americas); another pattern would be written as it fell that year."""
    zone = ZoneInfo(tzid)
    moment = datetime(year, 1, 1, tzinfo=dt_timezone.utc)
    changes, before = [], moment.astimezone(zone).utcoffset()
    while moment.year == year:  # every hour of the year, once per process (lru_cache below)
        moment += timedelta(hours=1)
        after = moment.astimezone(zone).utcoffset()
        if after != before:
            changes.append((moment, before, after))
            before = after

    def offset(delta: timedelta) -> str:
        minutes = int(delta.total_seconds() // 60)
        return f"{'+' if minutes >= 0 else '-'}{abs(minutes) // 60:02d}{abs(minutes) % 60:02d}"

    lines = ["BEGIN:VTIMEZONE", f"TZID:{tzid}"]
    if not changes:
        standing = moment.astimezone(zone)
        lines += ["BEGIN:STANDARD", "DTSTART:19700101T000000", f"TZOFFSETFROM:{offset(standing.utcoffset())}",
                  f"TZOFFSETTO:{offset(standing.utcoffset())}", f"TZNAME:{standing.tzname()}", "END:STANDARD"]
    for instant, before, after in changes:
        wall = (instant + before).replace(tzinfo=None)  # the local time the change happens at, as the clock read
        last = wall.day + 7 > calendar_module.monthrange(wall.year, wall.month)[1]
        nth = -1 if last else (wall.day - 1) // 7 + 1
        kind = "DAYLIGHT" if after > before else "STANDARD"
        first = wall.replace(year=1970, day=_rule_day(1970, wall.month, nth, wall.weekday()))
        lines += [f"BEGIN:{kind}", f"TZOFFSETFROM:{offset(before)}", f"TZOFFSETTO:{offset(after)}",
                  f"TZNAME:{instant.astimezone(zone).tzname()}", f"DTSTART:{first:%Y%m%dT%H%M%S}",
                  f"RRULE:FREQ=YEARLY;BYMONTH={wall.month};BYDAY={nth}{WEEKDAYS[wall.weekday()]}", f"END:{kind}"]
    lines.append("END:VTIMEZONE")
    return "".join(f"{line}\r\n" for line in lines).encode()


@lru_cache(maxsize=4)
def _vtimezone(tzid: str) -> bytes:
    return yearly_vtimezone(tzid, year=date.today().year)


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
    cal.add_component(Timezone.from_ical(_vtimezone(settings.TIME_ZONE)))
    for session in sessions:
        cal.add_component(session_event(session))
    return cal.to_ical()

