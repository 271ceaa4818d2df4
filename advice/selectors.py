"""Reads for advice, already scoped to what the caller may see. Case notes only through `case_note_for`."""

from datetime import date, datetime, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carehub import permissions
from carehub.models import Role, StaffRole
from carehub.permissions import Access
from carehub.timezones import day_bounds, local_datetime

from . import errors
from . import slots as slot_math
from .models import AdviceService, Appointment, Availability, AvailabilityException, CaseNote

# Caregivers book at least this long ahead online, so that the advisor can prepare; the desk may book any
# future slot for someone standing in front of it.
MIN_BOOKING_NOTICE = timedelta(hours=2)
DEFAULT_RANGE_DAYS = 28


def services_offered(*, hub=None) -> QuerySet[AdviceService]:
    services = AdviceService.objects.filter(is_active=True, hub__is_active=True).select_related("hub")
    if hub is not None:
        services = services.filter(hub=hub)
    return services


def service_by_id(service_id: int) -> AdviceService:
    """An offered service (inactive ones are not found)."""
    service = AdviceService.objects.select_related("hub").filter(is_active=True, pk=service_id).first()
    if service is None:
        raise errors.NotFound(_("No such advice service."), code="service_not_found")
    return service


def services_manageable_by(access: Access) -> QuerySet[AdviceService]:
    services = AdviceService.objects.select_related("hub")
    if access.is_admin:
        return services
    return services.filter(hub_id__in=access.hubs_with(Role.COORDINATOR))


def advisor_ids_at(hub_id: int) -> set[int]:
    return set(StaffRole.objects.filter(role=Role.ADVISOR, hub_id=hub_id).values_list("user_id", flat=True))


def advisor_of(service: AdviceService, advisor_id: int):
    """The account of `advisor_id` (its names only) if it is an advisor at the service's hub today, else None.
    The booking page shows this name: looking any account up by its id would tell anyone logged in the full
    name behind every user id."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model().objects.filter(
            pk=advisor_id, is_active=True, staff_roles__role=Role.ADVISOR, staff_roles__hub_id=service.hub_id)
        .only("first_name", "last_name", "username").first()
    )


def sees_agenda(access: Access) -> bool:
    """Whether the caller has an agenda (the page, its link in the navigation): advisors, the desk and
    coordinators of some hub, and administrators. What it shows is `agenda()`'s scope."""
    return access.is_admin or bool(access.hubs_with(Role.ADVISOR, Role.DESK, Role.COORDINATOR))


def bounded_range(date_from: date | None, date_to: date | None, *, today: date | None = None):
    """Clamp a requested date range to [today, today + 8 weeks], at most eight weeks long."""
    today = today or timezone.localdate()
    last = today + timedelta(days=slot_math.MAX_RANGE_DAYS - 1)
    start = min(max(date_from or today, today), last)
    end = min(date_to or (start + timedelta(days=DEFAULT_RANGE_DAYS - 1)), last)
    if end < start:
        raise errors.ValidationFailed(_("The end date is before the start date."), code="range_invalid",
                                      field="date_to")
    return start, end


def _window_bounds(date_from: date, date_to: date) -> tuple[datetime, datetime]:
    """[start of `date_from`, end of `date_to`), local days."""
    return day_bounds(date_from)[0], day_bounds(date_to)[1]


def free_slots(
    *, service: AdviceService, date_from: date, date_to: date, advisor_id: int | None = None,
    now: datetime | None = None, min_notice: timedelta = MIN_BOOKING_NOTICE,
) -> list[slot_math.Slot]:
    """Free slots of `service` between two dates (inclusive, Madrid time). Four queries whatever the range or
    the number of appointments: advisors of the hub, their weekly windows, their exceptions, their
    appointments (at any hub — an advisor busy elsewhere is busy)."""
    now = now or timezone.now()
    advisors = advisor_ids_at(service.hub_id)
    if advisor_id is not None:
        advisors &= {advisor_id}
    if not advisors:
        return []
    availability = list(
        Availability.objects.filter(service=service, advisor_id__in=advisors, valid_from__lte=date_to)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=date_from))
    )
    exceptions = list(
        AvailabilityException.objects.filter(advisor_id__in=advisors, date__gte=date_from, date__lte=date_to)
    )
    start, end = _window_bounds(date_from, date_to)
    appointments = list(
        Appointment.objects.filter(advisor_id__in=advisors, starts_at__lt=end, blocked_until__gt=start)
        .exclude(status=Appointment.Status.CANCELLED)
        .only("advisor_id", "starts_at", "blocked_until")
    )
    return slot_math.free_slots(
        service=service, availability=availability, exceptions=exceptions, appointments=appointments,
        date_from=date_from, date_to=date_to, earliest=now + min_notice,
    )


def slots_by_day(slots: list[slot_math.Slot]) -> list[tuple[date, list[slot_math.Slot]]]:
    days: dict[date, list] = {}
    for slot in slots:
        days.setdefault(slot.local_date, []).append(slot)
    return sorted(days.items())


# --- appointments ---------------------------------------------------------------------------------------
def _appointments() -> QuerySet[Appointment]:
    return Appointment.objects.select_related("service", "hub", "advisor", "person", "person__home_hub")


def appointments_visible_to(access: Access) -> QuerySet[Appointment]:
    """Every appointment the caller may see (never with notes: those come from `case_note_for`)."""
    appointments = _appointments()
    if not access.is_authenticated:
        return appointments.none()
    hub_ids = permissions.people_hub_ids(access)
    if hub_ids is None:
        return appointments
    # An advisor sees their appointments at the hubs where they still hold the advisor role.
    scope = Q(advisor_id=access.user.pk, hub_id__in=access.hubs_with(Role.ADVISOR))
    if hub_ids:
        scope |= Q(hub_id__in=hub_ids) | Q(person__home_hub_id__in=hub_ids)
    if access.person is not None:
        scope |= Q(person_id=access.person.pk)
    return appointments.filter(scope)


def appointment_for(access: Access, appointment_id: int) -> Appointment:
    """One appointment, or NotFound when it does not exist or the caller may not see it (no leak)."""
    if not access.is_authenticated:
        raise errors.NotAuthenticated()
    appointment = appointments_visible_to(access).filter(pk=appointment_id).first()
    if appointment is None:
        raise errors.NotFound(_("No such appointment."), code="appointment_not_found")
    return appointment


def my_appointments(access: Access) -> QuerySet[Appointment]:
    """The caller's own appointments as a person (a caregiver with an online account)."""
    if access.person is None:
        return Appointment.objects.none()
    return _appointments().filter(person=access.person).order_by("-starts_at", "-id")


def upcoming_for_person(person, *, now=None) -> QuerySet[Appointment]:
    now = now or timezone.now()
    return _appointments().filter(person=person, ends_at__gte=now).order_by("starts_at")


def agenda(access: Access, *, date_from: date, date_to: date, hub_id: int | None = None) -> QuerySet[Appointment]:
    """The advisor's own appointments across hubs, or — for the desk and coordinators — their hubs'."""
    start, end = _window_bounds(date_from, date_to)
    appointments = appointments_visible_to(access).filter(starts_at__gte=start, starts_at__lt=end)
    if hub_id is not None:
        appointments = appointments.filter(hub_id=hub_id)
    return appointments.order_by("starts_at", "id")


def acts_as_staff_for(access: Access, appointment: Appointment) -> bool:
    """The advisor, or staff of the appointment's hub or of the person's home hub (not the person)."""
    return (
        permissions.is_appointment_advisor(access, appointment)
        or permissions.can_act_for_people_at(access, appointment.hub_id)
        or permissions.can_act_for_people_at(access, appointment.person.home_hub_id)
    )


def cancel_deadline(access: Access, appointment: Appointment) -> datetime:
    """Until when the caller may cancel: the start for staff and the advisor; for the person, the start minus
    the service's minimum notice (0 hours by default: until it starts)."""
    if acts_as_staff_for(access, appointment):
        return appointment.starts_at
    return appointment.starts_at - timedelta(hours=appointment.service.cancel_notice_hours)


def can_cancel_now(access: Access, appointment: Appointment, *, now: datetime | None = None) -> bool:
    """Whether a cancel button makes sense for the caller now (the service re-checks under a lock)."""
    now = now or timezone.now()
    return (
        appointment.status == Appointment.Status.BOOKED
        and permissions.can_cancel_appointment(access, appointment)
        and now < cancel_deadline(access, appointment)
    )


def case_note_for(access: Access, appointment: Appointment) -> CaseNote | None:
    """The appointment's case note, for its advisor only; None for everyone else (admins included)."""
    if not permissions.can_see_case_notes(access, appointment):
        return None
    return CaseNote.objects.filter(appointment=appointment).first()


def availability_visible_to(access: Access) -> QuerySet[Availability]:
    rows = Availability.objects.select_related("service", "service__hub", "advisor")
    if access.is_admin:
        return rows
    return rows.filter(
        Q(advisor_id=access.user.pk) | Q(service__hub_id__in=access.hubs_with(Role.COORDINATOR))
    )


def exceptions_visible_to(access: Access) -> QuerySet[AvailabilityException]:
    rows = AvailabilityException.objects.select_related("service", "service__hub", "advisor")
    if access.is_admin:
        return rows
    coordinated = access.hubs_with(Role.COORDINATOR)
    advisors_there = StaffRole.objects.filter(role=Role.ADVISOR, hub_id__in=coordinated).values("user_id")
    return rows.filter(Q(advisor_id=access.user.pk) | Q(advisor_id__in=advisors_there))


def booked_during(*, advisor_id: int, day: date, start_time=None, end_time=None) -> int:
    """How many booked appointments the advisor has on `day` (or within its hours): a day off does not cancel
    them, so whoever adds it is told to move or cancel them."""
    if start_time is None:
        start, end = _window_bounds(day, day)
    else:
        start, end = local_datetime(day, start_time), local_datetime(day, end_time)
    return Appointment.objects.filter(advisor_id=advisor_id, status=Appointment.Status.BOOKED,
                                      starts_at__lt=end, blocked_until__gt=start).count()
