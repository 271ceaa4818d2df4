"""Activities' section of the desk's day (registry hook `desk_day`): today's sessions at the desk's hubs, with
who booked and one attendance form per session once it has started. Support groups appear without their
circle: members and attendance are for the facilitator and the coordinator only (permissions.py)."""

from django.utils.translation import gettext as _

from carehub.notifications.phones import for_display

from . import selectors


def desk_day(access, *, hub_ids, today, now) -> dict:
    """Two queries whatever the number of sessions and bookings (`selectors.desk_sessions_on`)."""
    sessions = selectors.desk_sessions_on(access, today, hub_ids=hub_ids, now=now)
    for session in sessions:
        for booking in session.live_bookings:
            booking.person.phone_display = for_display(booking.person.phone)  # as the desk reads it aloud
    return {
        "template": "activities/_desk_day.html", "order": 10, "anchor": "day-sessions",
        "title": _("Sessions today"), "count": len(sessions), "sessions": sessions,
    }
