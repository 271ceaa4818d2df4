"""/api/v1/activities: the programme, programming, bookings with a waitlist. Thin: services and selectors do the work."""

from datetime import date, datetime
from typing import Literal

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from carehub import errors
from carehub.api_auth import caller
from carehub.models import Language
from carehub.schemas import ErrorOut
from carehub.selectors import hub_by_slug
from carehub.timezones import aware

from . import selectors, services
from .errors import BookingClash
from .filters import SessionFilter
from .models import MAX_COMPANIONS_PER_BOOKING, ActivityKind, Booking, Frequency

router = Router(tags=["activities"])


# --- schemas --------------------------------------------------------------------------------------------
class SessionOut(Schema):
    id: int
    activity: int = Field(..., alias="activity_id")
    title: str = Field(..., alias="activity.title")
    kind: str = Field(..., alias="activity.kind")
    hub: str = Field(..., alias="activity.hub.slug")
    language: str = Field(..., alias="activity.language")
    place: str = Field(..., alias="activity.where")
    starts_at: datetime
    ends_at: datetime
    capacity: int
    seats_left: int | None = Field(None, description="null for support groups, which are joined, not booked")
    companion_places: int = Field(..., alias="activity.companion_places",
                                  description="How many people may come with each booking, each taking a place")
    childcare_places: int = Field(..., description="Places for children while their caregivers attend; 0: none")
    childcare_left: int | None = Field(None, description="null when the session offers no childcare")
    childcare_max_age: int | None = Field(None, alias="activity.childcare_max_age",
                                          description="The oldest a child may be, in years")
    status: str
    url: str

    @staticmethod
    def resolve_seats_left(session):
        return None if session.activity.is_support_group else session.seats_left

    @staticmethod
    def resolve_childcare_left(session):
        return session.childcare_left if session.offers_childcare else None

    @staticmethod
    def resolve_childcare_max_age(session):
        return session.activity.childcare_max_age if session.offers_childcare else None

    @staticmethod
    def resolve_url(session):
        return session.get_absolute_url()


class SessionQuery(Schema):
    hub: str | None = Field(None, max_length=80, description="Hub slug")
    district: str | None = Field(None, max_length=32)
    kind: ActivityKind | None = None
    language: Language | None = None
    date_from: date | None = None
    date_to: date | None = None
    has_seats: bool | None = None


class RecurrenceIn(Schema):
    frequency: Literal["weekly", "fortnightly"]
    count: int | None = Field(None, ge=1, le=104, description="Number of sessions, the first included")
    until: date | None = Field(None, description="Last date a session may fall on (Europe/Madrid)")
    include_holidays: bool = Field(False, description="Also on public holidays (Catalonia and the city's local "
                                                      "ones), which a series skips by default")
    dates: list[date] | None = Field(None, max_length=208, description="Exactly these dates of the series get a "
                                                                       "session (a skipped holiday included)")


class ActivityTextsIn(Schema):
    """The texts in each language. `title`, `description`, `place` and `accessibility_notes` are the Catalan
    original (`title_ca`… too, which win when both are sent); `title_es`, `title_en`… their translations, shown
    to Spanish and English readers. An empty translation shows the original."""

    title_ca: str | None = Field(None, min_length=1, max_length=160)
    title_es: str | None = Field(None, max_length=160)
    title_en: str | None = Field(None, max_length=160)
    description_ca: str | None = Field(None, max_length=5000)
    description_es: str | None = Field(None, max_length=5000)
    description_en: str | None = Field(None, max_length=5000)
    place_ca: str | None = Field(None, max_length=200)
    place_es: str | None = Field(None, max_length=200)
    place_en: str | None = Field(None, max_length=200)
    accessibility_notes_ca: str | None = Field(None, max_length=300)
    accessibility_notes_es: str | None = Field(None, max_length=300)
    accessibility_notes_en: str | None = Field(None, max_length=300)


def _originals(changes: dict) -> dict:
    """`title_ca` and the like sent: they are the original, which the service names `title`."""
    for field in services.TRANSLATED_ACTIVITY_FIELDS:
        original = changes.pop(f"{field}_ca", None)
        if original is not None:
            changes[field] = original
    return changes


class ActivityIn(ActivityTextsIn):
    hub: str = Field(..., max_length=80)
    title: str | None = Field(None, min_length=1, max_length=160, description="In Catalan; or send title_ca")
    kind: ActivityKind
    language: Language = Language.CATALAN
    capacity: int = Field(..., ge=1, le=10000)
    starts_at: datetime = Field(..., description="First session; without an offset it is Europe/Madrid time")
    ends_at: datetime
    description: str = Field("", max_length=5000)
    place: str = Field("", max_length=200)
    accessibility_notes: str = Field("", max_length=300)
    booking_opens_days_before: int | None = Field(None, ge=0, le=365)
    facilitator: str | None = Field(None, max_length=150, description="User name of the group's facilitator")
    recurrence: RecurrenceIn | None = None
    childcare_places: int = Field(0, ge=0, le=1000, description="Childcare places per session; 0: no childcare")
    childcare_max_age: int | None = Field(None, ge=0, le=17,
                                          description="The oldest a child may be, in years (needed with childcare)")
    companion_places: int = Field(0, ge=0, le=MAX_COMPANIONS_PER_BOOKING,
                                  description="People who may come with each booking (each takes a place); 0: none")


class ActivityPatch(ActivityTextsIn):
    """Only what is sent changes. New childcare places apply to the coming sessions."""

    title: str | None = Field(None, min_length=1, max_length=160)
    description: str | None = Field(None, max_length=5000)
    language: Language | None = None
    place: str | None = Field(None, max_length=200)
    accessibility_notes: str | None = Field(None, max_length=300)
    booking_opens_days_before: int | None = Field(None, ge=0, le=365)
    childcare_places: int | None = Field(None, ge=0, le=1000)
    childcare_max_age: int | None = Field(None, ge=0, le=17)
    companion_places: int | None = Field(None, ge=0, le=MAX_COMPANIONS_PER_BOOKING)


class ScheduleOut(Schema):
    id: int
    starts_at: datetime
    ends_at: datetime


class ActivityOut(Schema):
    id: int
    hub: str = Field(..., alias="hub.slug")
    title: str
    kind: str
    language: str
    capacity: int
    frequency: str
    childcare_places: int
    childcare_max_age: int | None
    companion_places: int
    sessions: list[int]
    schedule: list[ScheduleOut]

    @staticmethod
    def resolve_sessions(activity):
        return [s.pk for s in activity.sessions.order_by("starts_at", "id")]

    @staticmethod
    def resolve_schedule(activity):
        return list(activity.sessions.order_by("starts_at", "id"))


class SessionPatch(Schema):
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    capacity: int | None = Field(None, ge=1, le=10000)
    status: Literal["cancelled"] | None = Field(None, description="Send \"cancelled\" to cancel")
    scope: Literal["this", "following"] = Field("this", description="This session, or it and the rest of the series")


class SessionChangedOut(SessionOut):
    changed_sessions: list[int]


class BookingIn(Schema):
    person: int | None = Field(None, description="Staff only: the person booked for. Caregivers send {}.")
    childcare: int = Field(0, ge=0, le=100, description="Children who need childcare during the session")
    childcare_ages: list[int] = Field(default_factory=list, max_length=100,
                                      description="Each child's age in whole years, one per child; no names")
    companions: int = Field(0, ge=0, le=100, description="People coming with the person booked (the person they "
                                                         "care for...), up to the activity's companion_places")
    confirm_clash: bool = Field(False, description="Book even when the person already has a place at that time")


class SeriesBookingIn(Schema):
    person: int | None = Field(None, description="Staff only: the person booked for. Caregivers send {}.")
    companions: int = Field(0, ge=0, le=100)
    confirm_clash: bool = False


class ClashOut(Schema):
    booking: int = Field(..., alias="pk")
    session: int = Field(..., alias="session_id")
    title: str = Field(..., alias="session.activity.title")
    starts_at: datetime = Field(..., alias="session.starts_at")


class BookingClashOut(ErrorOut):
    clashes: list[ClashOut]


class BookingOut(Schema):
    id: int
    status: str
    session: int = Field(..., alias="session_id")
    person: int = Field(..., alias="person_id")
    title: str = Field(..., alias="session.activity.title")
    starts_at: datetime = Field(..., alias="session.starts_at")
    session_status: str = Field(..., alias="session.status")
    waitlist_position: int | None = None
    childcare: int = Field(..., alias="childcare_places", description="Children in childcare with this booking")
    childcare_ages: list[int] = Field(..., alias="childcare_age_list")
    childcare_status: Literal["not_requested", "confirmed", "waitlisted", "cancelled"] = Field(
        ..., description="Always the booking's status when childcare was asked: seat and childcare go together")
    companions: int = Field(..., description="People coming with the person booked")
    places: int = Field(..., description="Places the booking holds or waits for: 1 + companions, all together")
    attendance: str
    created_at: datetime

    @staticmethod
    def resolve_waitlist_position(booking):
        if booking.status != Booking.Status.WAITLISTED:
            return None
        return getattr(booking, "waitlist_position", None)


class AttendanceIn(Schema):
    attendance: Literal["attended", "no_show", "unknown"]


ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


# --- programme ------------------------------------------------------------------------------------------
@router.get("/sessions", auth=None, response={200: list[SessionOut], 422: ErrorOut})
@paginate(LimitOffsetPagination)
def list_sessions(request, filters: Query[SessionQuery]):
    """Upcoming sessions of every hub (public), soonest first, with seats left."""
    data = {k: (v.value if hasattr(v, "value") else v) for k, v in filters.dict(exclude_none=True).items()}
    filterset = SessionFilter(data, queryset=selectors.upcoming_sessions())
    if not filterset.is_valid():
        name, problems = next(iter(filterset.errors.items()))
        raise errors.ValidationFailed(
            _("Invalid input for %(field)s: %(message)s") % {"field": name, "message": problems[0]},
            code="invalid", field=name)
    return filterset.qs


@router.get("/sessions/{int:session_id}", auth=None, response={200: SessionOut, 404: ErrorOut})
def get_session(request, session_id: int):
    return selectors.session_public(session_id)


@router.post("", response={201: ActivityOut, **ERRORS})
def create_activity(request, payload: ActivityIn):
    """Programme an activity (coordinator of the hub): one session, or a weekly / fortnightly series."""
    access = caller(request)
    hub = hub_by_slug(payload.hub)
    facilitator = None
    if payload.facilitator:
        facilitator = get_user_model().objects.filter(username=payload.facilitator).first()
        if facilitator is None:
            raise errors.ValidationFailed(_("No user with this name."), code="facilitator_invalid",
                                          field="facilitator")
    recurrence = payload.recurrence
    activity = services.create_activity(
        access=access, hub=hub, title=payload.title_ca or payload.title, kind=payload.kind,
        language=payload.language, translations=payload.dict(),
        capacity=payload.capacity, starts_at=aware(payload.starts_at), ends_at=aware(payload.ends_at),
        description=payload.description_ca or payload.description, place=payload.place_ca or payload.place,
        accessibility_notes=payload.accessibility_notes_ca or payload.accessibility_notes,
        booking_opens_days_before=payload.booking_opens_days_before, facilitator=facilitator,
        frequency=recurrence.frequency if recurrence else Frequency.ONCE,
        occurrences=recurrence.count if recurrence else None, until=recurrence.until if recurrence else None,
        include_holidays=recurrence.include_holidays if recurrence else False,
        dates=recurrence.dates if recurrence else None,
        childcare_places=payload.childcare_places, childcare_max_age=payload.childcare_max_age,
        companion_places=payload.companion_places,
    )
    return 201, activity


@router.patch("/{int:activity_id}", response={200: ActivityOut, **ERRORS})
def update_activity(request, activity_id: int, payload: ActivityPatch):
    """Change an activity (coordinator of the hub): what is sent, e.g. `{"childcare_places": 6,
    "childcare_max_age": 10}`. 409 `childcare_below_booked` when a coming session has more children booked or
    waiting than the new number."""
    changes = _originals(payload.dict(exclude_unset=True))
    # null clears these two (booking opens at once, no age limit yet); for the others it means "unchanged".
    nullable = {"booking_opens_days_before", "childcare_max_age"}
    changes = {name: (value.value if hasattr(value, "value") else value) for name, value in changes.items()
               if value is not None or name in nullable}
    return services.update_activity(access=caller(request), activity_id=activity_id, **changes)


@router.patch("/sessions/{int:session_id}", response={200: SessionChangedOut, **ERRORS})
def change_session(request, session_id: int, payload: SessionPatch):
    """Reschedule, change the places of, or cancel a session (or it and the rest of its series)."""
    changed = services.change_session(
        access=caller(request), session_id=session_id, starts_at=aware(payload.starts_at),
        ends_at=aware(payload.ends_at), capacity=payload.capacity, cancel=payload.status == "cancelled",
        scope=payload.scope,
    )
    session = selectors.session_public(session_id)
    session.changed_sessions = [s.pk for s in changed]
    return session


# --- bookings -------------------------------------------------------------------------------------------
def _clash_response(exc: BookingClash):
    return 409, {"detail": str(exc.message), "code": exc.code, "clashes": exc.clashes}


@router.post("/sessions/{int:session_id}/bookings", response={201: BookingOut, **ERRORS, 409: BookingClashOut})
def book(request, session_id: int, payload: BookingIn):
    """Book a place: confirmed when one is free, otherwise on the waitlist. 409 for a second booking.

    With `{"companions": 1}` the booking holds two places (the person and who comes with them, up to the
    activity's `companion_places`), confirmed or waitlisted together, never one without the other; 422
    `companions_not_allowed` / `companions_too_many` beyond it. With `{"childcare": 2, "childcare_ages": [3, 6]}`
    the seat and two childcare places are confirmed or waitlisted together (`childcare_status`); 422
    `childcare_not_offered`, `childcare_too_many`, `childcare_ages_mismatch` or `childcare_age_over_max` when the
    request does not fit the activity. 409 `booking_clash` (with `clashes`) when the person already has a place
    at an overlapping time: send the same request with `"confirm_clash": true` to book anyway."""
    try:
        booking = services.book_session(access=caller(request), session_id=session_id, person_id=payload.person,
                                        childcare=payload.childcare, childcare_ages=payload.childcare_ages,
                                        companions=payload.companions, confirm_clash=payload.confirm_clash)
    except BookingClash as exc:
        return _clash_response(exc)
    return 201, selectors.bookings_with_position().get(pk=booking.pk)


class SeriesOutcomeOut(Schema):
    session: int
    starts_at: datetime
    status: Literal["confirmed", "waitlisted", "not_booked"]
    booking: BookingOut | None = None
    reason: str = Field("", description="Why a session was not booked (already booked, booking not open yet)")


@router.post("/{int:activity_id}/book-series", response={201: list[SeriesOutcomeOut], **ERRORS,
                                                                    409: BookingClashOut})
def book_series(request, activity_id: int, payload: SeriesBookingIn):
    """Book every coming session of the activity's series: each one confirmed or waitlisted on its own (one
    result per session, soonest first). 409 `booking_clash` as for one session."""
    try:
        outcomes = services.book_series(access=caller(request), activity_id=activity_id, person_id=payload.person,
                                        companions=payload.companions, confirm_clash=payload.confirm_clash)
    except BookingClash as exc:
        return _clash_response(exc)
    booked = selectors.bookings_with_position().in_bulk([o.booking.pk for o in outcomes if o.booking])
    return 201, [{"session": o.session.pk, "starts_at": o.session.starts_at,
                  "status": o.booking.status if o.booking else "not_booked",
                  "booking": booked.get(o.booking.pk) if o.booking else None, "reason": o.refused}
                 for o in outcomes]


@router.get("/bookings/mine", response={200: list[BookingOut], 401: ErrorOut})
def my_bookings(request):
    """The caller's upcoming bookings (confirmed and waitlisted, with their position)."""
    person = caller(request).person
    return list(selectors.bookings_of(person)) if person is not None else []


@router.get("/bookings/{int:booking_id}", response={200: BookingOut, 401: ErrorOut, 404: ErrorOut})
def get_booking(request, booking_id: int):
    return selectors.booking_for(caller(request), booking_id)


@router.post("/bookings/{int:booking_id}/cancel", response={200: BookingOut, **ERRORS})
def cancel(request, booking_id: int):
    """Give the place back; the first person on the waitlist gets it and is told (email, SMS or the desk)."""
    booking = services.cancel_booking(access=caller(request), booking_id=booking_id)
    return selectors.bookings_with_position().get(pk=booking.pk)


@router.post("/bookings/{int:booking_id}/attendance", response={200: BookingOut, **ERRORS})
def attendance(request, booking_id: int, payload: AttendanceIn):
    """Front desk: record whether the person came (attended / no_show)."""
    booking = services.mark_attendance(access=caller(request), booking_id=booking_id, attendance=payload.attendance)
    return selectors.bookings_with_position().get(pk=booking.pk)
