"""The day-before reminder of each confirmed booking, sent once (`python manage.py send_reminders`)."""

from datetime import date, timedelta

from django.db import IntegrityError, transaction

from carehub.timezones import day_bounds

from . import emails
from .models import Booking, ReminderSent, Session


def send(*, today: date) -> int:
    """Email everyone with a confirmed place in a session tomorrow (Madrid time) that has not had its reminder.

    The marker row (one per booking, unique) is written first in its own transaction, so two runs, even at the
    same time, send each reminder once; if the mail server fails the marker is removed and the next run retries.
    """
    start, end = day_bounds(today + timedelta(days=1))
    due = (
        Booking.objects.select_related("person", "session__activity__hub")
        .filter(status=Booking.Status.CONFIRMED, session__status=Session.Status.SCHEDULED,
                session__starts_at__gte=start, session__starts_at__lt=end,
                person__erased_at__isnull=True, reminder__isnull=True)
        .exclude(person__email="")
        .order_by("session__starts_at", "pk")
    )
    sent = 0
    for booking in due:
        try:
            with transaction.atomic():
                ReminderSent.objects.create(booking=booking)
        except IntegrityError:  # another run got there first
            continue
        try:
            delivered = emails.session_reminder(booking)
        except Exception:  # noqa: BLE001 - a mail failure must not stop the other reminders
            delivered = 0
        if delivered:
            sent += 1
        else:
            ReminderSent.objects.filter(booking=booking).delete()
    return sent
