"""The advice API (/api/v1/advice/…): services, free slots, appointments. Thin: parse, call a selector or a
service, let the root's handlers map domain errors to `{"detail", "code"}` with their status.

Case notes appear in an appointment's representation only for its advisor (`notes` is null for everyone
else, administrators included): they come from `selectors.case_note_for`, never from the appointment row.
"""

from datetime import date, datetime, timedelta

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from carehub import permissions
from carehub import selectors as core_selectors
from carehub.api_auth import caller
from carehub.schemas import ErrorOut

from . import errors, selectors, services
from .models import Appointment

router = Router(tags=["advice"])

ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


# --- schemas --------------------------------------------------------------------------------------------
class ServiceOut(Schema):
    id: int
    hub: str = Field(..., alias="hub.slug")
    kind: str
    name: str
    description: str
    appointment_minutes: int
    buffer_minutes: int
    modes: list[str]
    cancel_notice_hours: int


class ServicesFilter(Schema):
    hub: str | None = Field(None, max_length=80, description="Slug of a hub")


class SlotsFilter(Schema):
    hub: str | None = Field(None, max_length=80, description="Slug of a hub (all its services)")
    service: int | None = Field(None, ge=1, le=2**31 - 1, description="One service's id")
    date_from: date | None = None
    date_to: date | None = None


class SlotOut(Schema):
    advisor: int
    service: int
    starts_at: datetime
    ends_at: datetime


class AppointmentIn(Schema):
    advisor: int = Field(..., ge=1, le=2**31 - 1)
    service: int = Field(..., ge=1, le=2**31 - 1)
    starts_at: datetime
    reason: str = Field("", max_length=services.REASON_MAX)
    mode: str | None = Field(None, max_length=16)
    person: int | None = Field(None, ge=1, le=2**31 - 1, description="Staff only: whom the appointment is for")


class AppointmentCreatedOut(Schema):
    id: int
    status: str


class AppointmentPatch(Schema):
    reason: str | None = Field(None, max_length=services.REASON_MAX)
    status: str | None = Field(None, max_length=16, description="Outcome: attended or no_show")
    notes: str | None = Field(None, max_length=services.NOTES_MAX, description="Case notes (the advisor only)")


class AppointmentOut(Schema):
    id: int
    service: int
    service_name: str
    kind: str
    hub: str
    advisor: int
    advisor_name: str
    person: int
    person_name: str
    starts_at: datetime
    ends_at: datetime
    mode: str
    reason: str
    status: str
    can_cancel: bool
    notes: str | None = Field(None, description="Only for the appointment's advisor; null for everyone else")


def _out(access, appointment: Appointment, *, notes: str | None = None, with_notes: bool = False) -> dict:
    if with_notes:
        note = selectors.case_note_for(access, appointment)
        notes = note.text if note is not None else ("" if permissions.can_see_case_notes(access, appointment)
                                                    else None)
    return {
        "id": appointment.pk,
        "service": appointment.service_id,
        "service_name": appointment.service.name,
        "kind": appointment.service.kind,
        "hub": appointment.hub.slug,
        "advisor": appointment.advisor_id,
        "advisor_name": appointment.advisor.get_full_name() or appointment.advisor.get_username(),
        "person": appointment.person_id,
        "person_name": f"{appointment.person.first_name} {appointment.person.last_name}".strip(),
        "starts_at": appointment.starts_at,
        "ends_at": appointment.ends_at,
        "mode": appointment.mode,
        "reason": appointment.reason,
        "status": appointment.status,
        "can_cancel": selectors.can_cancel_now(access, appointment),
        "notes": notes,
    }


# --- services and slots (public) ------------------------------------------------------------------------
@router.get("/services", auth=None, response={200: list[ServiceOut], 404: ErrorOut, 422: ErrorOut})
def list_services(request, filters: Query[ServicesFilter]):
    """Advice services offered, optionally at one hub."""
    hub = core_selectors.hub_by_slug(filters.hub) if filters.hub else None
    return selectors.services_offered(hub=hub)


@router.get("/slots", auth=None, response={200: list[SlotOut], 404: ErrorOut, 422: ErrorOut})
def list_slots(request, filters: Query[SlotsFilter]):
    """Free slots of one service, or of every service of a hub, between two dates (Madrid time, inclusive;
    at most eight weeks, from today)."""
    access = caller(request)
    if filters.service is None and not filters.hub:
        raise errors.ValidationFailed(_("Give a hub or a service."), code="hub_or_service_required", field="hub")
    hub = core_selectors.hub_by_slug(filters.hub) if filters.hub else None
    if filters.service is not None:
        service = selectors.service_by_id(filters.service)
        if hub is not None and service.hub_id != hub.pk:
            raise errors.NotFound(_("No such advice service."), code="service_not_found")
        offered = [service]
    else:
        offered = list(selectors.services_offered(hub=hub))
    date_from, date_to = selectors.bounded_range(filters.date_from, filters.date_to)
    found = []
    for service in offered:
        notice = timedelta(0) if permissions.can_act_for_people_at(access, service.hub_id) \
            else selectors.MIN_BOOKING_NOTICE
        found += selectors.free_slots(service=service, date_from=date_from, date_to=date_to, min_notice=notice)
    found.sort()
    return [{"advisor": s.advisor_id, "service": s.service_id, "starts_at": s.starts_at, "ends_at": s.ends_at}
            for s in found]


# --- appointments ---------------------------------------------------------------------------------------
@router.post("/appointments", response={201: AppointmentCreatedOut, **ERRORS})
def create_appointment(request, payload: AppointmentIn):
    """Book a free slot: for yourself (a caregiver account) or, staff only, for `person`.
    409 `slot_taken` / `slot_unavailable` / `person_busy` when the time cannot be booked."""
    access = caller(request)
    service = selectors.service_by_id(payload.service)
    appointment = services.book_appointment(
        access=access, service=service, advisor_id=payload.advisor, starts_at=payload.starts_at,
        person_id=payload.person, reason=payload.reason, mode=payload.mode,
    )
    return 201, {"id": appointment.pk, "status": appointment.status}


@router.get("/appointments/mine", response={200: list[AppointmentOut], 401: ErrorOut})
def my_appointments(request):
    """The caller's own appointments as a person, newest first (never with case notes)."""
    access = caller(request)
    return [_out(access, a) for a in selectors.my_appointments(access)[:200]]


@router.get("/appointments/{int:appointment_id}", response={200: AppointmentOut, **ERRORS})
def get_appointment(request, appointment_id: int):
    access = caller(request)
    appointment = selectors.appointment_for(access, appointment_id)
    return _out(access, appointment, with_notes=True)


@router.patch("/appointments/{int:appointment_id}", response={200: AppointmentOut, **ERRORS})
def patch_appointment(request, appointment_id: int, payload: AppointmentPatch):
    """The advisor: `notes` and the outcome (`status`: attended / no_show); the person or the hub's staff:
    `reason`. All or nothing."""
    access = caller(request)
    appointment = services.update_appointment(
        access=access, appointment_id=appointment_id, reason=payload.reason, status=payload.status,
        notes=payload.notes,
    )
    return _out(access, appointment, with_notes=True)


@router.post("/appointments/{int:appointment_id}/cancel", response={200: AppointmentOut, **ERRORS})
def cancel_appointment(request, appointment_id: int):
    access = caller(request)
    appointment = services.cancel_appointment(access=access, appointment_id=appointment_id)
    return _out(access, appointment, with_notes=True)
