"""An appointment as an iCalendar file: attached to the person's messages and offered on the appointment page.

Nothing here includes the reason or the case notes: the service, the hub, the time and how it takes place.
"""

from datetime import datetime, timezone as dt_timezone

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, Timezone, vCalAddress, vText

from carehub.timezones import LOCAL_TZ

from .models import Appointment, Mode


def appointment_uid(appointment: Appointment) -> str:
    """Stable across updates and cancellation, so calendars replace the event instead of adding one."""
    return f"appointment-{appointment.pk}@carehub"


def ics_for(appointment: Appointment, *, cancelled: bool = False) -> bytes:
    """An iCalendar file with the appointment in Europe/Madrid (with its VTIMEZONE), in the active language.
    `cancelled` makes it a CANCEL of the same event, so a calendar that has it removes it."""
    calendar = Calendar()
    calendar.add("prodid", "-//carehub//Vila Veina advice//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")
    calendar.add_component(Timezone.from_tzid(settings.TIME_ZONE, first_date=appointment.starts_at.date()))
    event = Event()
    event.add("uid", appointment_uid(appointment))
    event.add("dtstamp", datetime.now(dt_timezone.utc))
    event.add("dtstart", appointment.starts_at.astimezone(LOCAL_TZ))
    event.add("dtend", appointment.ends_at.astimezone(LOCAL_TZ))
    event.add("summary", f"{appointment.service.name} · {appointment.hub.name}")
    in_person = appointment.mode == Mode.IN_PERSON
    event.add("location", vText(f"{appointment.hub.name}, {appointment.hub.address}" if in_person
                                else str(appointment.get_mode_display())))
    event.add("description", _("Advice appointment (%(mode)s). To cancel, go to %(url)s") % {
        "mode": appointment.get_mode_display(),
        "url": settings.SITE_URL + reverse("advice:appointment", args=[appointment.pk]),
    })
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("sequence", 1 if cancelled else 0)
    if appointment.hub.email:
        event["organizer"] = vCalAddress(f"mailto:{appointment.hub.email}")
    calendar.add_component(event)
    return calendar.to_ical()
