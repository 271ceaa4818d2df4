"""The day-before reminder of each appointment, sent once (`python manage.py send_reminders`)."""

from datetime import date, timedelta

from django.db import IntegrityError, transaction

from carehub.timezones import day_bounds

from . import emails
from .models import Appointment, AppointmentReminder


def send(*, today: date) -> int:
    """Email everyone with an email address and a booked appointment tomorrow (Madrid time) that has not had
    its reminder. The marker row (unique per appointment) is written first, in its own transaction, so two
    runs — even at the same time — send each reminder once."""
    tomorrow = today + timedelta(days=1)
    start, end = day_bounds(tomorrow)
    due = (
        Appointment.objects.select_related("service", "hub", "person", "advisor")
        .filter(status=Appointment.Status.BOOKED, starts_at__gte=start, starts_at__lt=end,
                person__erased_at__isnull=True, reminder__isnull=True)
        .exclude(person__email="")
        .order_by("starts_at", "pk")
    )
    sent = 0
    for appointment in due:
        try:
            with transaction.atomic():
                AppointmentReminder.objects.create(appointment=appointment)
        except IntegrityError:  # another run got there first
            continue
        if emails.send_reminder(appointment):
            sent += 1
        else:  # not sent (mail server down): let the next run try again
            AppointmentReminder.objects.filter(appointment=appointment).delete()
    return sent
