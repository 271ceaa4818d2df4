"""The day-before reminder of each appointment, written once (`python manage.py send_reminders`)."""

from datetime import date, timedelta

from django.db import IntegrityError, transaction

from carehub.timezones import day_bounds

from . import notices
from .models import Appointment, AppointmentReminder


def send(*, today: date) -> int:
    """Write the reminder of everyone with a booked appointment tomorrow (Madrid time) that has not had it, by
    their channel (email, SMS, or the call list of the appointment's hub); the worker delivers. Returns how
    many were written.

    The marker and the message are written together, in one transaction per reminder: a run that fails
    half-way keeps the reminders it wrote (each committed with its marker) and the next run writes the rest;
    neither exists without the other, so nothing is sent twice and nothing is skipped. The marker stays
    (rather than relying on the message's idempotency key alone) because it is what the query below filters
    on, so a second run reads only what is left to do; the key (`occasion` = the day) guards the rare race of
    two runs at once, beside the marker's unique constraint.
    """
    start, end = day_bounds(today + timedelta(days=1))
    due = (
        Appointment.objects.select_related("service", "hub", "person")
        .filter(status=Appointment.Status.BOOKED, starts_at__gte=start, starts_at__lt=end,
                person__erased_at__isnull=True, reminder__isnull=True)
        .order_by("starts_at", "pk")
    )
    written = 0
    for appointment in due:
        try:
            with transaction.atomic():
                AppointmentReminder.objects.create(appointment=appointment)
                notices.tell(appointment, "appointment_reminder", occasion=today.isoformat())
        except IntegrityError:  # another run wrote this one (marker and message) first
            continue
        written += 1
    return written
