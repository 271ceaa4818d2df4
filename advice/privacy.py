"""Advice's part of a person's data rights (see carehub/privacy.py for the hook contract).

Export: the person's appointments (service, hub, times, mode, reason, status). Not the advisor's case notes:
only the advisor reads them (docs/privacy.md says how a person obtains them).
Erasure: upcoming appointments are cancelled through the advice service (the slot is free again); every
appointment keeps its service, hub, advisor, times and status for the waiting-time and no-show figures, and
loses its reason (live row and history rows) and its case notes.
"""

from django.utils import timezone

from carehub.privacy import iso, system_access

from . import services
from .models import Appointment, CaseNote


def export_person(person) -> dict:
    appointments = Appointment.objects.filter(person=person).select_related("service", "hub").order_by(
        "starts_at", "pk")
    return {
        "appointments": [
            {
                "id": a.pk,
                "service": a.service.name,
                "kind": a.service.kind,
                "hub": a.hub.slug,
                "starts_at": iso(a.starts_at),
                "ends_at": iso(a.ends_at),
                "mode": a.mode,
                "reason": a.reason,
                "status": a.status,
                "booked_at": iso(a.created_at),
                "cancelled_at": iso(a.cancelled_at),
            }
            for a in appointments
        ],
    }


def _upcoming(person):
    return Appointment.objects.filter(person=person, status=Appointment.Status.BOOKED,
                                      starts_at__gt=timezone.now())


def erasure_preview(person) -> dict:
    return {"upcoming_appointments": _upcoming(person).count()}


def erase_person(person, *, by) -> None:
    access = system_access(by)
    for appointment_id in _upcoming(person).order_by("pk").values_list("pk", flat=True):
        services.cancel_appointment(access=access, appointment_id=appointment_id)
    for appointment in Appointment.objects.select_for_update(of=("self",)).filter(person=person).exclude(
        reason=""
    ).order_by("pk"):
        appointment.reason = ""
        appointment._history_user = by
        appointment.save()
    Appointment.history.model.objects.filter(person_id=person.pk).update(reason="", history_change_reason=None)
    # Case notes have no history table: blanking the live row is the whole erasure.
    CaseNote.objects.filter(appointment__person=person).update(text="", updated_at=timezone.now())
