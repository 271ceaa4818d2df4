"""Emails about bookings and sessions, each in the person's language (plain-text templates in
templates/activities/email/).

Only called after the transaction commits (services use `transaction.on_commit`), so nobody is told about a
place that a rollback took back. Each function reloads what it needs, so the message shows committed data.
"""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from carehub.models import Person

from .models import Booking, Session


def _when(session: Session) -> str:
    local = timezone.localtime(session.starts_at)
    end = timezone.localtime(session.ends_at)
    return f"{formats.date_format(local, 'DATE_FORMAT')} {local:%H:%M}–{end:%H:%M}"


def _values(person: Person, session: Session) -> dict:
    """What every message names; call inside translation.override so the date reads in the person's language."""
    return {
        "name": person.first_name, "title": session.activity.title, "when": _when(session),
        "where": session.activity.where, "link": f"{settings.SITE_URL}{session.get_absolute_url()}",
        "hub": session.activity.hub.name,
    }


def _send(person: Person, subject: str, template: str, values: dict) -> int:
    if not person.email or person.erased_at is not None:
        return 0
    body = render_to_string(f"activities/email/{template}", values).strip() + "\n"
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [person.email], fail_silently=False)


def booking_promoted(booking_id: int) -> int:
    """A place freed up and the first waitlisted booking is now confirmed."""
    booking = Booking.objects.select_related("person", "session__activity__hub").filter(pk=booking_id).first()
    if booking is None or booking.status != Booking.Status.CONFIRMED:
        return 0
    session = booking.session
    with translation.override(booking.person.preferred_language):
        values = _values(booking.person, session)
        return _send(booking.person, _("You have a place: %(title)s") % values, "promoted.txt", values)


def session_changed(session_id: int, person_ids: list[int], *, cancelled: bool) -> int:
    """Tell everyone with a place (or on the waitlist, or in the group) that a session moved or was cancelled."""
    session = Session.objects.select_related("activity__hub").filter(pk=session_id).first()
    if session is None:
        return 0
    sent = 0
    for person in Person.objects.filter(pk__in=person_ids, erased_at__isnull=True).exclude(email=""):
        with translation.override(person.preferred_language):
            values = _values(person, session)
            if cancelled:
                sent += _send(person, _("Cancelled: %(title)s") % values, "cancelled.txt", values)
            else:
                sent += _send(person, _("New date or time: %(title)s") % values, "rescheduled.txt", values)
    return sent


def session_reminder(booking: Booking) -> int:
    with translation.override(booking.person.preferred_language):
        values = _values(booking.person, booking.session)
        return _send(booking.person, _("Tomorrow: %(title)s") % values, "reminder.txt", values)
