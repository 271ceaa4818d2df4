"""Signed links to one booking, in every message about it: the person sees that booking and may cancel it
without logging in (many caregivers read their messages on a phone where they have no session).

A token is `<booking id>-<signature>`: the signature (HMAC with SECRET_KEY, salted for this use only) covers
the booking and its person, so it cannot be forged, changed into another booking's, or kept by a booking that
moved to another person (a merge). It carries no name, no session and no date. It works until the session
ends; an erased person's links stop at once. A wrong, forged or expired token is NotFound (a 404 page)."""

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from carehub import errors

SALT = "carehub.activities.booking-link"


def _signature(booking_id: int, person_id: int) -> str:
    return signing.Signer(salt=SALT).signature(f"{booking_id}:{person_id}")


def token_for(booking) -> str:
    return f"{booking.pk}-{_signature(booking.pk, booking.person_id)}"


def booking_url(booking) -> str:
    """The absolute link a message carries."""
    return settings.SITE_URL + reverse("activities:booking-link", kwargs={"token": token_for(booking)})


def booking_from_token(token: str):
    """The booking a token names (with its session, activity, hub and person, and its waitlist position), while
    its session has not ended; NotFound otherwise, whatever is wrong with the token."""
    from .selectors import bookings_with_position

    booking_id, _sep, signature = (token or "").partition("-")
    if not (booking_id.isascii() and booking_id.isdigit() and len(booking_id) <= 18 and signature):
        raise errors.NotFound(_("This link is not valid."), code="booking_link_invalid")
    booking = bookings_with_position().filter(pk=int(booking_id)).first()
    if (booking is None or not constant_time_compare(signature, _signature(booking.pk, booking.person_id))
            or booking.person.erased_at is not None or booking.session.ends_at <= timezone.now()):
        raise errors.NotFound(_("This link is not valid."), code="booking_link_invalid")
    return booking
