"""The activities' own domain errors (subclasses of carehub's), so that their messages live in this app's
catalogue. Each keeps a stable `code` for API clients."""

from django.utils.translation import gettext_lazy as _

from carehub.errors import Conflict


class SessionNotBookable(Conflict):
    """The session is cancelled, over, not yet open for booking, or a closed support group."""

    code = "session_not_bookable"
    default_message = _("This session cannot be booked.")


class AlreadyBooked(Conflict):
    code = "already_booked"
    default_message = _("This person already has a place in this session.")


class CapacityBelowConfirmed(Conflict):
    code = "capacity_below_confirmed"
    default_message = _("More people are already confirmed than the new number of places.")


class SessionFull(Conflict):
    """The last place went to someone else at the same instant (the database refused a second one)."""

    code = "session_full"
    default_message = _("The last place was just taken. Please try again: you will join the waitlist.")


class BookingClash(Conflict):
    """The person already holds a place (confirmed or waiting) in a session at an overlapping time. A warning:
    the same request with `confirm_clash` books anyway. `clashes` are those bookings, soonest first."""

    code = "booking_clash"
    default_message = _("You already have a booking at that time.")

    def __init__(self, message=None, *, clashes=(), **kwargs):
        super().__init__(message, **kwargs)
        self.clashes = list(clashes)
