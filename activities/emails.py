"""Emails about bookings and sessions, each in the person's language.

Only called after the transaction commits (services use `transaction.on_commit`), so nobody is told about a
place that a rollback took back. Each function reloads what it needs, so the message shows committed data.
"""

from django.conf import settings
from django.core.mail import send_mail
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from carehub.models import Person

from .models import Booking, Session


def _when(session: Session) -> str:
    local = timezone.localtime(session.starts_at)
    end = timezone.localtime(session.ends_at)
    return f"{formats.date_format(local, 'DATE_FORMAT')} {local:%H:%M}–{end:%H:%M}"


def _link(session: Session) -> str:
    return f"{settings.SITE_URL}{session.get_absolute_url()}"


def _send(person: Person, subject: str, body: str) -> int:
    if not person.email or person.erased_at is not None:
        return 0
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [person.email], fail_silently=False)


def booking_promoted(booking_id: int) -> int:
    """A place freed up and the first waitlisted booking is now confirmed."""
    booking = Booking.objects.select_related("person", "session__activity__hub").filter(pk=booking_id).first()
    if booking is None or booking.status != Booking.Status.CONFIRMED:
        return 0
    session = booking.session
    with translation.override(booking.person.preferred_language):
        subject = _("You have a place: %(title)s") % {"title": session.activity.title}
        body = _(
            "Hello %(name)s,\n\nA place has become free and your booking is now confirmed:\n\n"
            "%(title)s\n%(when)s\n%(where)s\n\nIf you cannot come, please cancel so that someone else can go:\n"
            "%(link)s\n\n%(hub)s"
        ) % {
            "name": booking.person.first_name, "title": session.activity.title, "when": _when(session),
            "where": session.activity.where, "link": _link(session), "hub": session.activity.hub.name,
        }
    return _send(booking.person, subject, body)


def session_changed(session_id: int, person_ids: list[int], *, cancelled: bool) -> int:
    """Tell everyone with a place (or on the waitlist, or in the group) that a session moved or was cancelled."""
    session = Session.objects.select_related("activity__hub").filter(pk=session_id).first()
    if session is None:
        return 0
    sent = 0
    for person in Person.objects.filter(pk__in=person_ids, erased_at__isnull=True).exclude(email=""):
        with translation.override(person.preferred_language):
            values = {
                "name": person.first_name, "title": session.activity.title, "when": _when(session),
                "where": session.activity.where, "link": _link(session), "hub": session.activity.hub.name,
            }
            if cancelled:
                subject = _("Cancelled: %(title)s") % values
                body = _(
                    "Hello %(name)s,\n\nWe are sorry: this session has been cancelled.\n\n%(title)s\n%(when)s\n"
                    "%(where)s\n\nSee what else is on: %(link)s\n\n%(hub)s"
                ) % values
            else:
                subject = _("New date or time: %(title)s") % values
                body = _(
                    "Hello %(name)s,\n\nThis session has changed. It is now:\n\n%(title)s\n%(when)s\n%(where)s\n\n"
                    "Your place is kept. If you cannot come at the new time, please cancel:\n%(link)s\n\n"
                    "%(hub)s"
                ) % values
        sent += _send(person, subject, body)
    return sent


def session_reminder(booking: Booking) -> int:
    session = booking.session
    with translation.override(booking.person.preferred_language):
        subject = _("Tomorrow: %(title)s") % {"title": session.activity.title}
        body = _(
            "Hello %(name)s,\n\nA reminder of your place tomorrow:\n\n%(title)s\n%(when)s\n%(where)s\n\n"
            "If you cannot come, please cancel so that someone on the waitlist can go:\n%(link)s\n\n"
            "%(hub)s"
        ) % {
            "name": booking.person.first_name, "title": session.activity.title, "when": _when(session),
            "where": session.activity.where, "link": _link(session), "hub": session.activity.hub.name,
        }
    return _send(booking.person, subject, body)
