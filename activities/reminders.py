"""The day-before reminder of each confirmed booking, written once (`python manage.py send_reminders`)."""

from datetime import date, timedelta

from django.db import IntegrityError, transaction

from carehub.notifications import notify
from carehub.timezones import day_bounds

from . import links
from .models import Booking, ReminderSent, Session


def send(*, today: date) -> int:
    """Write the reminder of everyone with a confirmed place in a session tomorrow (Madrid time) who has not had
    it, by their channel (email, SMS, or the hub's call list); the worker delivers. Returns how many were written.

    The marker and the message are written together, in one transaction per reminder: a run that fails half-way
    keeps the reminders it wrote (each committed with its marker) and the next run writes the rest; neither
    exists without the other. The marker stays (rather than relying on the message's idempotency key alone)
    because it is what the query below filters on, so a second run reads only what is left to do; the key
    (`occasion` = the day) guards the rare race of two runs at once on top of the marker's unique constraint.
    """
    start, end = day_bounds(today + timedelta(days=1))
    due = (
        Booking.objects.select_related("person", "session__activity__hub")
        .filter(status=Booking.Status.CONFIRMED, session__status=Session.Status.SCHEDULED,
                session__starts_at__gte=start, session__starts_at__lt=end,
                person__erased_at__isnull=True, reminder__isnull=True)
        .order_by("session__starts_at", "pk")
    )
    written = 0
    for booking in due:
        session, activity = booking.session, booking.session.activity
        try:
            with transaction.atomic():
                ReminderSent.objects.create(booking=booking)
                notify(booking.person, kind="session_reminder", hub=activity.hub, related=booking,
                       occasion=today.isoformat(), context={
                           "title": activity.title, "starts_at": session.starts_at, "where": activity.where,
                           "link": links.booking_url(booking)})
        except IntegrityError:  # another run wrote this one (marker and message) first
            continue
        written += 1
    return written
