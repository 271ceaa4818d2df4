"""Advice's section of the desk's day (registry hook `desk_day`): today's appointments at the desk's hubs, with
the outcome buttons once each has started. Never the case notes (they are the advisor's alone)."""

from django.utils.translation import gettext as _

from carehub.notifications.phones import for_display
from carehub.timezones import day_bounds

from . import selectors
from .models import Appointment


def desk_day(access, *, hub_ids, today, now) -> dict:
    """One query whatever the number of appointments."""
    start, end = day_bounds(today)
    appointments = list(
        selectors.appointments_visible_to(access)
        .filter(hub_id__in=hub_ids, starts_at__gte=start, starts_at__lt=end).order_by("starts_at", "id")
    )
    for appointment in appointments:
        appointment.person.phone_display = for_display(appointment.person.phone)
        appointment.can_record = appointment.status == Appointment.Status.BOOKED and appointment.starts_at <= now
    return {
        "template": "advice/_desk_day.html", "order": 20, "anchor": "day-appointments",
        "title": _("Appointments today"), "count": len(appointments), "appointments": appointments,
    }
