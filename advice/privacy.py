"""Advice's part of a person's data rights (see carehub/privacy.py for the hook contract).

Export: the person's appointments (service, hub, times, mode, reason, status). Not the advisor's case notes:
only the advisor reads them (docs/privacy.md says how a person obtains them).
Erasure: upcoming appointments are cancelled through the advice service (the slot is free again; no message
is written, since it would copy the contact data being wiped); every
appointment keeps its service, hub, advisor, times and status for the waiting-time and no-show figures, and
loses its reason (live row and history rows) and its case notes.
"""

from django.utils import timezone

from carehub.locking import lock_rows
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
    """Runs inside the core's erasure transaction, which has locked the person row. All the person's
    appointments are locked here first, in one go (primary key order): cancelling the upcoming ones one by one
    then re-locks rows already held, which keeps carehub.locking's order (locking them one by one while
    blanking the reasons afterwards would go back to lower ids)."""
    access = system_access(by)
    appointments = lock_rows(Appointment.objects.filter(person=person))
    now = timezone.now()
    for appointment in appointments:
        if appointment.status == Appointment.Status.BOOKED and appointment.starts_at > now:
            # Not told: the message would keep the contact data this erasure wipes (and it was their request).
            services.cancel_appointment(access=access, appointment_id=appointment.pk, tell_person=False)
    for appointment in Appointment.objects.filter(pk__in=[a.pk for a in appointments]).exclude(reason=""):
        appointment.reason = ""
        appointment._history_user = by
        appointment.save()
    Appointment.history.model.objects.filter(person_id=person.pk).update(reason="", history_change_reason=None)
    # Case notes have no history table: blanking the live row is the whole erasure.
    CaseNote.objects.filter(appointment__person=person).update(text="", updated_at=timezone.now())
