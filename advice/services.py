"""Every write in advice. One function = one business operation = one transaction.

Locks go through `carehub.locking` only, in its global order: the advisor's User row, then the Person row,
then the AdviceService row, then Appointment rows (primary key ascending). Two advice operations therefore
never wait for each other in opposite orders, and a lock that cannot be had in time is `Busy` (409).

Messages: a booking and a cancellation write the person's message (`notices.tell`, i.e. carehub's `notify()`)
inside their transaction, after the change; the worker delivers after commit. Nothing here sends mail, so no
request fails or waits because a mail server or SMS gateway is down (docs/notifications.md).
"""

from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from carehub import content, permissions
from carehub import selectors as core_selectors
from carehub.locking import lock_row
from carehub.models import Hub, Person, Role, StaffRole
from carehub.permissions import Access, require_login
from carehub.timezones import LOCAL_TZ, aware

from . import errors, notices, selectors
from . import slots as slot_math
from .models import (
    AdviceService,
    Appointment,
    Availability,
    AvailabilityException,
    CaseNote,
    Mode,
    ServiceKind,
)

REASON_MAX = 300
NOTES_MAX = 20000


def _is_advisor_at(advisor_id: int, hub_id: int) -> bool:
    return StaffRole.objects.filter(user_id=advisor_id, role=Role.ADVISOR, hub_id=hub_id).exists()


def _require_advisor_at(advisor_id: int, hub_id: int) -> None:
    if not _is_advisor_at(advisor_id, hub_id):
        raise errors.ValidationFailed(_("This person is not an advisor at the service's hub."),
                                      code="not_an_advisor", field="advisor")


def _clean_reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX:
        raise errors.ValidationFailed(
            _("Keep the reason under %(n)d characters.") % {"n": REASON_MAX}, code="reason_too_long", field="reason"
        )
    return reason


def _lock_advisor(advisor_id: int) -> None:
    """Every write that depends on an advisor's calendar (booking, publishing hours) passes here one at a time."""
    lock_row(get_user_model().objects.filter(pk=advisor_id))


# --- booking --------------------------------------------------------------------------------------------
@transaction.atomic
def book_appointment(
    *,
    access: Access,
    service: AdviceService,
    advisor_id: int,
    starts_at: datetime,
    person_id: int | None = None,
    reason: str = "",
    mode: str | None = None,
) -> Appointment:
    """Book the slot of `advisor_id` at `starts_at` for a person: the caller themselves (a caregiver) or, for
    the desk, a person of their hubs.

    Checks access and the request first, then locks the advisor's user row, the person's row and the
    service's row (in that order, FOR UPDATE) and re-checks availability and overlaps against what is
    committed, so concurrent bookings of one advisor or one person are checked one after the other and the
    service's length and modes cannot change meanwhile. The database's no-overlap constraint (migration
    0002) backs this up where locks do not exist (SQLite).
    """
    require_login(access)
    if person_id is None:
        person = access.person
        if person is None:
            raise errors.ValidationFailed(
                _("Choose the person the appointment is for."), code="person_required", field="person"
            )
    else:
        person = core_selectors.person_for(access, person_id)  # 404 outside the caller's scope
    own = access.person is not None and person.pk == access.person.pk
    acting_as_staff = permissions.can_act_for_people_at(access, service.hub_id) or permissions.can_act_for_people_at(
        access, person.home_hub_id
    )
    if not own and not acting_as_staff:
        raise errors.PermissionDenied(_("You cannot book for this person."), code="booking_forbidden")
    reason = _clean_reason(reason)
    starts_at = aware(starts_at)
    now = timezone.now()
    if starts_at < now:
        raise errors.SlotInPast(field="starts_at")
    if starts_at > now + timedelta(days=366):  # no slot is offered that far ahead (and no date overflow)
        raise errors.SlotUnavailable(field="starts_at")
    if not _is_advisor_at(advisor_id, service.hub_id):
        raise errors.SlotUnavailable(field="starts_at")

    _lock_advisor(advisor_id)
    lock_row(Person.objects.filter(pk=person.pk))
    service = lock_row(AdviceService.objects.select_related("hub").filter(pk=service.pk))
    if service is None or not service.is_active or not service.hub.is_active:
        raise errors.NotFound(_("No such advice service."), code="service_not_found")
    mode = mode or (service.modes[0] if service.modes else Mode.IN_PERSON)
    if mode not in service.modes:
        raise errors.ValidationFailed(
            _("This service is not offered that way. Choose one of its modes."), code="mode_invalid", field="mode"
        )

    day = starts_at.astimezone(LOCAL_TZ).date()
    windows = slot_math.windows_for(
        service=service,
        availability=list(Availability.objects.filter(service=service, advisor_id=advisor_id, weekday=day.weekday())),
        exceptions=list(AvailabilityException.objects.filter(advisor_id=advisor_id, date=day)),
        date_from=day,
        date_to=day,
    )
    slot = next((s for s in slot_math.candidate_slots(service=service, windows=windows) if s.starts_at == starts_at),
                None)
    if slot is None:
        raise errors.SlotUnavailable(field="starts_at")
    notice = timedelta(0) if acting_as_staff else selectors.MIN_BOOKING_NOTICE
    if slot.starts_at < now + notice:
        raise errors.SlotUnavailable(
            _("Online booking closes %(hours)d hours before the appointment. Please call or visit the hub.")
            % {"hours": int(notice.total_seconds() // 3600)},
            field="starts_at",
        )
    active = Appointment.objects.exclude(status=Appointment.Status.CANCELLED)
    if active.filter(advisor_id=advisor_id, starts_at__lt=slot.blocked_until,
                     blocked_until__gt=slot.starts_at).exists():
        raise errors.SlotTaken(field="starts_at")
    if active.filter(person=person, starts_at__lt=slot.ends_at, ends_at__gt=slot.starts_at).exists():
        raise errors.PersonBusy(
            _("You already have an advice appointment at that time.") if own else None, field="starts_at"
        )

    appointment = Appointment(
        service=service, advisor_id=advisor_id, hub=service.hub, person=person,
        starts_at=slot.starts_at, ends_at=slot.ends_at, blocked_until=slot.blocked_until,
        mode=mode, reason=reason, booked_by=access.user,
    )
    try:
        with transaction.atomic():
            appointment.save()
    except IntegrityError as exc:  # the database's no-overlap rule caught what the lock could not
        if "person_no_overlap" in str(exc):
            raise errors.PersonBusy(field="starts_at") from exc
        raise errors.SlotTaken(field="starts_at") from exc
    notices.tell(appointment, "appointment_confirmed")
    return appointment


def _locked(access: Access, appointment_id: int) -> Appointment:
    """The appointment under a row lock, if the caller may see it (else 404). The caller's scope is part of
    the locking query, so a row they may not see is never locked, and one query does both."""
    require_login(access)
    appointment = lock_row(selectors.appointments_visible_to(access).filter(pk=appointment_id))
    if appointment is None:
        raise errors.NotFound(_("No such appointment."), code="appointment_not_found")
    return appointment


@transaction.atomic
def cancel_appointment(*, access: Access, appointment_id: int, tell_person: bool = True) -> Appointment:
    """Cancel a booked appointment before it starts. The slot is free again at once (the no-overlap rule only
    counts appointments that are not cancelled). A person cancelling online respects the service's minimum
    notice; the desk and the advisor may cancel until it starts.

    The person is told, with a CANCEL .ics that takes the event out of their calendar; always when the desk or
    the advisor cancelled. When they cancelled it themselves and are reachable only by a call, nothing is
    written: the desk need not phone someone to tell them what they just did. The erasure passes
    `tell_person=False`: a message would copy the contact data it is wiping."""
    appointment = _locked(access, appointment_id)
    if not permissions.can_cancel_appointment(access, appointment):
        raise errors.PermissionDenied(code="cancel_forbidden")
    if appointment.status != Appointment.Status.BOOKED:
        raise errors.AppointmentNotChangeable(_("This appointment is already cancelled or over."))
    now = timezone.now()
    if now >= appointment.starts_at:
        raise errors.AppointmentNotChangeable(
            _("This appointment has already started and can no longer be cancelled."), code="appointment_started"
        )
    if now >= selectors.cancel_deadline(access, appointment):
        raise errors.Conflict(
            _("This appointment can be cancelled online until %(hours)d hours before it starts. "
              "Please call the hub.") % {"hours": appointment.service.cancel_notice_hours},
            code="cancel_too_late",
        )
    appointment.status = Appointment.Status.CANCELLED
    appointment.cancelled_at = now
    appointment.cancelled_by = access.user
    appointment.save()
    if tell_person and not (permissions.is_appointment_person(access, appointment)
                            and notices.reached_only_by_call(appointment.person)):
        notices.tell(appointment, "appointment_cancelled")
    return appointment


def _set_outcome(access: Access, appointment: Appointment, status: str) -> None:
    if status not in (Appointment.Status.ATTENDED, Appointment.Status.NO_SHOW):
        raise errors.ValidationFailed(
            _("The outcome is either attended or did not come."), code="status_invalid", field="status"
        )
    # The advisor, and the hub's desk who checks people in, record whether the person came.
    if not (permissions.is_appointment_advisor(access, appointment)
            or permissions.can_act_for_people_at(access, appointment.hub_id)):
        raise errors.PermissionDenied(code="outcome_forbidden")
    if appointment.status == Appointment.Status.CANCELLED:
        raise errors.AppointmentNotChangeable(_("This appointment was cancelled."))
    if timezone.now() < appointment.starts_at:
        raise errors.AppointmentNotChangeable(
            _("The outcome can be recorded once the appointment has started."), code="appointment_not_started"
        )
    appointment.status = status


def _set_reason(access: Access, appointment: Appointment, reason: str) -> None:
    if not permissions.can_change_appointment_reason(access, appointment):
        raise errors.PermissionDenied(code="reason_forbidden")
    if appointment.status != Appointment.Status.BOOKED:
        raise errors.AppointmentNotChangeable()
    appointment.reason = _clean_reason(reason)


def _save_notes(access: Access, appointment: Appointment, text: str) -> None:
    if not permissions.can_see_case_notes(access, appointment):
        raise errors.PermissionDenied(_("Only the advisor of this appointment keeps its case notes."),
                                      code="notes_forbidden")
    text = text or ""
    if len(text) > NOTES_MAX:
        raise errors.ValidationFailed(code="notes_too_long", field="notes")
    note, created = CaseNote.objects.get_or_create(
        appointment=appointment, defaults={"advisor_id": appointment.advisor_id, "text": text}
    )
    if not created:
        note.text = text
        note.updated_at = timezone.now()
        note.save(update_fields=["text", "updated_at"])


@transaction.atomic
def update_appointment(
    *, access: Access, appointment_id: int, reason: str | None = None, status: str | None = None,
    notes: str | None = None,
) -> Appointment:
    """Change what each may change (None = leave as is): the advisor writes case notes; the advisor or the
    hub's desk records the outcome (attended / did not come); the person or the hub's staff edit the reason.
    All or nothing."""
    appointment = _locked(access, appointment_id)
    changed = False
    if status is not None and status != appointment.status:
        _set_outcome(access, appointment, status)
        changed = True
    if reason is not None and reason.strip() != appointment.reason:
        _set_reason(access, appointment, reason)
        changed = True
    if notes is not None:
        _save_notes(access, appointment, notes)
    if changed:
        appointment.save()
    return appointment


def record_outcome(*, access: Access, appointment_id: int, status: str) -> Appointment:
    return update_appointment(access=access, appointment_id=appointment_id, status=status)


def save_case_note(*, access: Access, appointment_id: int, text: str) -> Appointment:
    return update_appointment(access=access, appointment_id=appointment_id, notes=text)


# --- services and availability (coordinators, advisors) -------------------------------------------------
SERVICE_FIELDS = ("kind", "name", "description", "appointment_minutes", "buffer_minutes", "in_person", "by_phone",
                  "by_video", "cancel_notice_hours", "is_active",
                  # `name` is the Catalan original; name_es, name_en… its translations (carehub/content.py)
                  *content.translation_columns(("name", "description")))


def _clean_service(fields: dict) -> None:
    if fields.get("kind") not in ServiceKind.values:
        raise errors.ValidationFailed(_("Choose a kind of advice."), code="kind_invalid", field="kind")
    if not (fields.get("name") or "").strip():
        raise errors.ValidationFailed(_("Enter a name."), code="name_required", field="name")
    if not 10 <= int(fields.get("appointment_minutes") or 0) <= 240:
        raise errors.ValidationFailed(_("Appointments last between 10 and 240 minutes."),
                                      code="length_invalid", field="appointment_minutes")
    if not 0 <= int(fields.get("buffer_minutes") or 0) <= 120:
        raise errors.ValidationFailed(_("The buffer is between 0 and 120 minutes."),
                                      code="buffer_invalid", field="buffer_minutes")
    if not (fields.get("in_person") or fields.get("by_phone") or fields.get("by_video")):
        raise errors.ValidationFailed(_("Offer at least one mode: in person, by phone or by video call."),
                                      code="mode_required", field="in_person")


@transaction.atomic
def create_service(*, access: Access, hub: Hub, **fields) -> AdviceService:
    if not permissions.can_coordinate(access, hub.pk):
        raise errors.PermissionDenied(_("Only the hub's coordinator manages its advice services."),
                                      code="services_forbidden")
    fields = {key: value for key, value in fields.items() if key in SERVICE_FIELDS}
    _clean_service(fields)
    service = AdviceService(hub=hub, **content.by_column(fields, ("name", "description")))
    service.save()
    return service


@transaction.atomic
def update_service(*, access: Access, service_id: int, **fields) -> AdviceService:
    # Scoped lock: only a service the caller coordinates is locked (and found).
    service = lock_row(selectors.services_manageable_by(access).filter(pk=service_id))
    if service is None:
        raise errors.NotFound(_("No such advice service."), code="service_not_found")
    _clean_service({**content.form_initial(service, SERVICE_FIELDS), **fields})
    for key, value in content.by_column(fields, ("name", "description")).items():
        if key in SERVICE_FIELDS or key in ("name_ca", "description_ca"):
            setattr(service, key, value)
    service.save()
    return service


@transaction.atomic
def add_availability(
    *, access: Access, service: AdviceService, advisor_id: int, weekday: int, start_time: time, end_time: time,
    valid_from: date | None = None, valid_until: date | None = None,
) -> Availability:
    """Publish a weekly window. Refused when it overlaps another of the advisor's windows (at any hub)."""
    require_login(access)
    if not permissions.can_manage_availability(access, advisor_id=advisor_id, hub_id=service.hub_id):
        raise errors.PermissionDenied(code="availability_forbidden")
    _require_advisor_at(advisor_id, service.hub_id)
    if end_time <= start_time:
        raise errors.ValidationFailed(_("The end is before the start."), code="times_invalid", field="end_time")
    valid_from = valid_from or timezone.localdate()
    if valid_until and valid_until < valid_from:
        raise errors.ValidationFailed(_("The end date is before the start date."), code="range_invalid",
                                      field="valid_until")
    _lock_advisor(advisor_id)  # two windows published at once cannot both pass the overlap check
    clashes = Availability.objects.filter(
        advisor_id=advisor_id, weekday=weekday, start_time__lt=end_time, end_time__gt=start_time
    )
    for other in clashes:
        if (other.valid_until is None or other.valid_until >= valid_from) and (
            valid_until is None or valid_until >= other.valid_from
        ):
            raise errors.Conflict(
                _("These hours overlap the advisor's other hours (%(other)s).") % {"other": str(other)},
                code="availability_overlaps", field="start_time",
            )
    row = Availability(service=service, advisor_id=advisor_id, weekday=weekday, start_time=start_time,
                       end_time=end_time, valid_from=valid_from, valid_until=valid_until)
    row.save()
    return row


@transaction.atomic
def remove_availability(*, access: Access, availability_id: int) -> None:
    """Stop publishing a window. Appointments already booked in it stay booked."""
    require_login(access)
    row = selectors.availability_visible_to(access).filter(pk=availability_id).first()
    if row is None or not permissions.can_manage_availability(
        access, advisor_id=row.advisor_id, hub_id=row.service.hub_id
    ):
        raise errors.NotFound(code="availability_not_found")
    row.delete()


@transaction.atomic
def add_exception(
    *, access: Access, advisor_id: int, day: date, kind: str, service: AdviceService | None = None,
    start_time: time | None = None, end_time: time | None = None, note: str = "",
) -> AvailabilityException:
    """A day or hours off (at every hub), or extra hours for one service."""
    require_login(access)
    if kind == AvailabilityException.Kind.EXTRA:
        if service is None or start_time is None or end_time is None:
            raise errors.ValidationFailed(_("Extra hours need a service and the hours."),
                                          code="extra_incomplete", field="service")
        hub_ids = [service.hub_id]
    else:
        service = None
        hub_ids = list(StaffRole.objects.filter(user_id=advisor_id, role=Role.ADVISOR).values_list("hub_id", flat=True))
    if not hub_ids or not any(
        permissions.can_manage_availability(access, advisor_id=advisor_id, hub_id=h) for h in hub_ids
    ):
        raise errors.PermissionDenied(code="availability_forbidden")
    if service is not None:
        _require_advisor_at(advisor_id, service.hub_id)
    if (start_time is None) != (end_time is None):
        raise errors.ValidationFailed(_("Give both times, or neither for the whole day."),
                                      code="times_invalid", field="end_time")
    if start_time is not None and end_time <= start_time:
        raise errors.ValidationFailed(_("The end is before the start."), code="times_invalid", field="end_time")
    row = AvailabilityException(advisor_id=advisor_id, date=day, kind=kind, service=service,
                                start_time=start_time, end_time=end_time, note=(note or "").strip()[:200])
    row.save()
    return row


@transaction.atomic
def remove_exception(*, access: Access, exception_id: int) -> None:
    require_login(access)
    row = selectors.exceptions_visible_to(access).filter(pk=exception_id).first()
    if row is None:
        raise errors.NotFound(code="exception_not_found")
    row.delete()
