"""Advice's part of the desk screen (registry hook `desk_panel`): the person's appointments of the coming
days, as the desk may see them (time, service, advisor; never case notes)."""

from datetime import timedelta

from django.utils import timezone

from carehub.desk.panels import DeskPanel

from . import selectors
from .models import Appointment

DAYS_AHEAD = 14
SHOWN = 10


class AdvicePanel(DeskPanel):
    template = "desk/_panel_advice.html"
    order = 40

    def load(self) -> dict:
        now = timezone.now()
        appointments = (selectors.appointments_visible_to(self.access)
                        .filter(person=self.person, status=Appointment.Status.BOOKED, ends_at__gte=now,
                                starts_at__lt=now + timedelta(days=DAYS_AHEAD))
                        .order_by("starts_at", "pk")[:SHOWN])
        return {"appointments": list(appointments), "days": DAYS_AHEAD}
