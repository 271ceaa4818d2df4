"""Emails to the person about their appointment, in their language, with an .ics attachment.

Called through `transaction.on_commit` by the services (never inside the transaction), and by the reminders.
Nothing here includes the case notes.
"""

import logging
from datetime import datetime, timezone as dt_timezone

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from icalendar import Calendar, Event, Timezone, vCalAddress, vText

from carehub.timezones import LOCAL_TZ

from .models import Appointment

log = logging.getLogger(__name__)


def appointment_uid(appointment: Appointment) -> str:
    """Stable across updates and cancellation, so calendars replace the event instead of adding one."""
    return f"appointment-{appointment.pk}@carehub"


def ics_for(appointment: Appointment, *, cancelled: bool = False) -> bytes:
    """An iCalendar file with the appointment in Europe/Madrid (with its VTIMEZONE)."""
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
    where = appointment.hub.address if appointment.mode == "in_person" else appointment.get_mode_display()
    event.add("location", vText(f"{appointment.hub.name}, {where}" if appointment.mode == "in_person" else where))
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


def _load(appointment_id: int) -> Appointment | None:
    return (
        Appointment.objects.select_related("service", "hub", "person", "advisor")
        .filter(pk=appointment_id, person__erased_at__isnull=True)
        .first()
    )


def _send(appointment: Appointment, *, template: str, subject, cancelled: bool = False) -> bool:
    person = appointment.person
    if not person.email:
        return False
    with translation.override(person.preferred_language):
        context = {
            "appointment": appointment,
            "person": person,
            "starts_local": timezone.localtime(appointment.starts_at, LOCAL_TZ),
            "url": settings.SITE_URL + reverse("advice:appointment", args=[appointment.pk]),
        }
        message = EmailMessage(
            subject=str(subject) % {"service": appointment.service.name},
            body=render_to_string(template, context),
            to=[person.email],
        )
        message.attach("appointment.ics", ics_for(appointment, cancelled=cancelled), "text/calendar")
    try:
        message.send()
    except Exception:  # a mail server hiccup must not break the page that booked
        log.exception("advice: could not email appointment %s", appointment.pk)
        return False
    return True


def send_confirmation(appointment_id: int) -> bool:
    appointment = _load(appointment_id)
    if appointment is None:
        return False
    return _send(appointment, template="advice/email/confirmation.txt",
                 subject=gettext_lazy("Your appointment: %(service)s"))


def send_cancellation(appointment_id: int) -> bool:
    appointment = _load(appointment_id)
    if appointment is None:
        return False
    return _send(appointment, template="advice/email/cancellation.txt",
                 subject=gettext_lazy("Appointment cancelled: %(service)s"), cancelled=True)


def send_reminder(appointment: Appointment) -> bool:
    return _send(appointment, template="advice/email/reminder.txt",
                 subject=gettext_lazy("Reminder: your appointment tomorrow (%(service)s)"))
