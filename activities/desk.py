"""Activities' part of the desk screen (registry hook `desk_panel`): the person's bookings of the coming
days. Support-group sessions only for whoever may manage that group (never the desk), like the person page."""

from datetime import timedelta

from django.utils import timezone

from carehub import permissions
from carehub.desk.panels import DeskPanel

from . import selectors

DAYS_AHEAD = 14
SHOWN = 20


class ActivitiesPanel(DeskPanel):
    template = "desk/_panel_activities.html"
    order = 30

    def load(self) -> dict:
        now = timezone.now()
        bookings = selectors.bookings_of(self.person).filter(
            session__starts_at__lt=now + timedelta(days=DAYS_AHEAD))[:SHOWN]
        return {"bookings": [booking for booking in bookings
                             if permissions.can_see_session_participants(self.access, booking.session)],
                "days": DAYS_AHEAD}
