"""Every write a user can cause in activities. One function = one business operation = one transaction.

Locking, always through `carehub.locking` and in its global order: a person, then an activity, then its
sessions (all in one `lock_rows` call, so in primary-key order), then bookings, then memberships. Every change
to who holds a place in a session locks that session's row before reading its bookings; a change to an
activity and its sessions (`update_activity`, `change_session`) locks the activity first, so the two never
wait on each other in a cycle. A lock that cannot be had in time is `carehub.errors.Busy` (409). The database
keeps the invariants too (`session_never_over_capacity`, `booking_one_live_per_person`), because SQLite has no
row locks.

Messages: every change to a person's plans (booked, waitlisted, promoted, session moved or cancelled) writes
its message with `carehub.notifications.notify()` inside the same transaction (docs/notifications.md): a
rollback takes the message back with the change, and nothing outside the database is touched before the
commit, so a mail server or SMS gateway that is down can never fail or slow a request. The worker delivers.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from carehub import errors, permissions, selectors as core_selectors
from carehub.locking import lock_row, lock_rows
from carehub.models import Hub, Language, Person, Role, StaffRole
from carehub.notifications import notify
from carehub.permissions import Access, require_login

from . import recurrence
from . import errors as activity_errors
from .models import (
    Activity, ActivityKind, Booking, CalendarFeedToken, Frequency, GroupAttendance, GroupMembership, Session,
)

EDITABLE_ACTIVITY_FIELDS = (
    "title", "description", "place", "language", "accessibility_notes", "booking_opens_days_before", "facilitator",
)


# --- helpers --------------------------------------------------------------------------------------------
def _lock_session(session_id: int) -> Session:
    session = lock_row(Session.objects.select_related("activity__hub").filter(pk=session_id))
    if session is None:
        raise errors.NotFound(_("This session does not exist."), code="session_not_found")
    return session


def _person_to_book(access: Access, person_id: int | None) -> Person:
    """The caller's own person, or (staff) a person within their scope; 404 outside it, as for any person."""
    require_login(access, _("Please log in to book."))
    own = access.person
    if person_id is None or (own is not None and own.pk == person_id):
        if own is None:
            raise errors.ValidationFailed(_("Choose the person you are booking for."), code="person_required",
                                          field="person")
        return own
    if not permissions.can_list_people(access):
        raise errors.PermissionDenied(_("You can only book for yourself."), code="booking_for_others_forbidden")
    return core_selectors.person_for(access, person_id)


def _may_handle_booking(access: Access, booking: Booking) -> bool:
    """The person themself, the desk of the session's hub, or staff who may act for that person."""
    own = access.person
    if own is not None and own.pk == booking.person_id:
        return True
    if permissions.can_act_for_people_at(access, booking.session.activity.hub_id):
        return True
    return permissions.can_list_people(access) and core_selectors.people_visible_to(access).filter(
        pk=booking.person_id).exists()


def _tell(person: Person, kind: str, session: Session, *, related, occasion: str = "", **context) -> None:
    """Write the message `kind` about `session` for `person`, signed by (and on the call list of) the activity's
    hub. Caller holds the session, and has loaded `session.activity.hub` (no query here but the message's)."""
    activity = session.activity
    notify(person, kind=kind, hub=activity.hub, related=related, occasion=occasion, context={
        "title": activity.title, "starts_at": session.starts_at, "where": activity.where,
        "link": settings.SITE_URL + session.get_absolute_url(), **context,
    })


def _adjust_confirmed(session: Session, delta: int) -> None:
    """Move the session's confirmed counter by `delta` in the database (F() arithmetic, so the
    `session_never_over_capacity` check judges the real value even if two writers ever raced past the lock),
    and in memory. Not through save(): the counter is not audited, history would only record noise."""
    if not delta:
        return
    try:
        with transaction.atomic():
            Session.objects.filter(pk=session.pk).update(confirmed_count=F("confirmed_count") + delta)
    except IntegrityError:
        raise activity_errors.SessionFull()
    session.confirmed_count += delta


def _lock_waitlists(sessions: list[Session]) -> dict[int, list[Booking]]:
    """Lock the waitlisted bookings of `sessions` in one call (bookings rank after sessions, and one call keeps
    them in primary-key order across sessions), each session's in waitlist order. Caller holds the sessions."""
    waiting: dict[int, list[Booking]] = {session.pk: [] for session in sessions}
    # With their people (joined, not locked): whoever is promoted is told, without a query per booking.
    rows = lock_rows(Booking.objects.select_related("person").filter(
        session__in=[s.pk for s in sessions], status=Booking.Status.WAITLISTED))
    for booking in sorted(rows, key=lambda b: (b.created_at, b.pk)):
        waiting[booking.session_id].append(booking)
    return waiting


def _promote_from_waitlist(session: Session, waiting: list[Booking] | None = None, *,
                           freed: int = 0) -> list[Booking]:
    """Confirm the earliest waitlisted bookings while places are free. Caller holds the session lock, and
    passes `waiting` when it already locked the waitlist (several sessions at once). `freed` places were just
    given back and are not yet off the counter: the counter then moves once, by the difference (a cancellation
    that promotes someone does not write it at all)."""
    promoted = []
    now = timezone.now()
    free = session.capacity - session.confirmed_count + freed
    if session.is_cancelled or free <= 0:
        _adjust_confirmed(session, -freed)
        return promoted
    if waiting is None:
        waiting = _lock_waitlists([session])[session.pk]
    for booking in waiting[:free]:
        booking.status = Booking.Status.CONFIRMED
        booking.confirmed_at = now
        booking.save(update_fields=["status", "confirmed_at"])
        promoted.append(booking)
    _adjust_confirmed(session, len(promoted) - freed)
    for booking in promoted:
        _tell(booking.person, "booking_promoted", session, related=booking)
    return promoted


def _people_to_tell(session: Session) -> list[Person]:
    """Whoever a move or cancellation of `session` concerns: a support group's members; else everyone with a
    live booking, confirmed or waiting (one query either way). Erased people are skipped by notify()."""
    if session.activity.is_support_group:
        people = Person.objects.filter(group_memberships__activity_id=session.activity_id,
                                       group_memberships__status=GroupMembership.Status.MEMBER)
    else:
        people = Person.objects.filter(  # one filter() call: both conditions on the same booking row
            activity_bookings__session=session,
            activity_bookings__status__in=[Booking.Status.CONFIRMED, Booking.Status.WAITLISTED])
    return list(people.order_by("pk").distinct())


def _check_in_range(*moments: datetime) -> None:
    """Before any arithmetic on the times: near year 1 or 9999 a shift to UTC or to the next week overflows.
    Judged on the dates in the times' own offsets, which are within a day of the local ones."""
    if not all(recurrence.FIRST_DAY <= moment.date() <= recurrence.LAST_DAY for moment in moments):
        raise errors.ValidationFailed(
            _("Choose a date between %(first)s and %(last)s.") % {
                "first": recurrence.FIRST_DAY.isoformat(), "last": recurrence.LAST_DAY.isoformat()},
            code="date_out_of_range", field="starts_at")


def _check_times(starts_at: datetime, ends_at: datetime) -> None:
    if timezone.is_naive(starts_at) or timezone.is_naive(ends_at):
        raise errors.ValidationFailed(_("Give times with their time zone."), code="naive_datetime", field="starts_at")
    _check_in_range(starts_at, ends_at)
    if ends_at <= starts_at:
        raise errors.ValidationFailed(_("The end must be after the start."), code="ends_before_start", field="ends_at")
    if ends_at - starts_at > timedelta(hours=24):
        raise errors.ValidationFailed(_("A session lasts at most one day."), code="session_too_long", field="ends_at")


# --- programming ----------------------------------------------------------------------------------------
def _check_facilitator(hub: Hub, facilitator, kind: str):
    if facilitator is None:
        return None
    if not StaffRole.objects.filter(user=facilitator, role=Role.FACILITATOR, hub=hub).exists():
        raise errors.ValidationFailed(_("The facilitator must be a facilitator at this hub."),
                                      code="facilitator_invalid", field="facilitator")
    return facilitator


@transaction.atomic
def create_activity(
    *,
    access: Access,
    hub: Hub,
    title: str,
    kind: str,
    starts_at: datetime,
    ends_at: datetime,
    capacity: int,
    language: str = Language.CATALAN,
    description: str = "",
    place: str = "",
    accessibility_notes: str = "",
    frequency: str = Frequency.ONCE,
    occurrences: int | None = None,
    until: date | None = None,
    booking_opens_days_before: int | None = None,
    facilitator=None,
) -> Activity:
    """Programme an activity and create its sessions (one, or a weekly / fortnightly series)."""
    if not permissions.can_coordinate(access, hub.pk):
        raise errors.PermissionDenied(_("Only the hub's coordinator can programme activities."),
                                      code="programme_forbidden")
    if not (title or "").strip():
        raise errors.ValidationFailed(_("Enter a title."), code="title_required", field="title")
    if kind not in ActivityKind.values:
        raise errors.ValidationFailed(_("Choose a kind of activity."), code="kind_invalid", field="kind")
    if language not in Language.values:
        raise errors.ValidationFailed(_("Choose Catalan, Spanish or English."), code="language_invalid",
                                      field="language")
    if capacity is None or capacity < 1:
        raise errors.ValidationFailed(_("There must be at least one place."), code="capacity_invalid",
                                      field="capacity")
    _check_times(starts_at, ends_at)
    if starts_at <= timezone.now():
        raise errors.ValidationFailed(_("The first session must be in the future."), code="starts_in_past",
                                      field="starts_at")
    if frequency not in Frequency.values:
        raise errors.ValidationFailed(_("Choose how often it repeats."), code="frequency_invalid", field="frequency")
    if frequency != Frequency.ONCE:
        if occurrences is None and until is None:
            raise errors.ValidationFailed(_("Say how many sessions, or until which date."),
                                          code="recurrence_end_required", field="occurrences")
        if occurrences is not None and not 1 <= occurrences <= recurrence.MAX_OCCURRENCES:
            raise errors.ValidationFailed(
                _("A series has between 1 and %(max)d sessions.") % {"max": recurrence.MAX_OCCURRENCES},
                code="occurrences_invalid", field="occurrences")
        if until is not None and until < recurrence.to_local_naive(starts_at).date():
            raise errors.ValidationFailed(_("The last date must be after the first session."),
                                          code="until_before_start", field="until")
    activity = Activity(
        hub=hub, title=title.strip(), description=description or "", kind=kind, place=place or "",
        language=language, accessibility_notes=accessibility_notes or "", capacity=capacity,
        booking_opens_days_before=booking_opens_days_before, frequency=frequency,
        facilitator=_check_facilitator(hub, facilitator, kind), created_by=access.user,
    )
    activity.save()
    for start, end in recurrence.series(starts_at=starts_at, ends_at=ends_at, frequency=frequency,
                                        occurrences=occurrences, until=until):
        Session(activity=activity, starts_at=start, ends_at=end, capacity=capacity).save()
    return activity


@transaction.atomic
def update_activity(*, access: Access, activity_id: int, **changes) -> Activity:
    """Change what an activity is (title, place, language…). Future sessions get a new SEQUENCE for calendars."""
    activity = lock_row(Activity.objects.select_related("hub").filter(pk=activity_id))
    if activity is None:
        raise errors.NotFound(_("This activity does not exist."), code="activity_not_found")
    if not permissions.can_coordinate(access, activity.hub_id):
        raise errors.PermissionDenied(_("Only the hub's coordinator can change activities."),
                                      code="programme_forbidden")
    unknown = set(changes) - set(EDITABLE_ACTIVITY_FIELDS)
    if unknown:
        raise errors.ValidationFailed(code="field_not_editable", field=sorted(unknown)[0])
    if "title" in changes and not (changes["title"] or "").strip():
        raise errors.ValidationFailed(_("Enter a title."), code="title_required", field="title")
    if "facilitator" in changes:
        changes["facilitator"] = _check_facilitator(activity.hub, changes["facilitator"], activity.kind)
    for name, value in changes.items():
        setattr(activity, name, value)
    activity.save()
    now = timezone.now()
    for session in lock_rows(Session.objects.filter(activity=activity, starts_at__gte=now)):
        session.sequence += 1
        session.updated_at = now
        session.save(update_fields=["sequence", "updated_at"])
    return activity


@transaction.atomic
def change_session(
    *,
    access: Access,
    session_id: int,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
    capacity: int | None = None,
    cancel: bool = False,
    scope: str = "this",
) -> list[Session]:
    """Reschedule, resize or cancel one session, or this and the following sessions of its series.

    A new time is applied as the same wall-clock shift to each session of the series (so a move from 10:00 to
    11:00 gives 11:00 local on both sides of a DST change). Lowering the places below the confirmed bookings is
    refused for the whole change (nobody is dropped silently); raising them confirms the earliest waitlisted.
    Everyone with a place (confirmed or waiting, or a group's members) gets a message when their session moves
    (old and new time) or is cancelled, written in this transaction; the promoted get theirs.

    Locks the activity, then the sessions concerned (pk order), then their waitlists: the order
    `update_activity` uses, so the two can run at the same time without a deadlock.
    """
    if scope not in ("this", "following"):
        raise errors.ValidationFailed(_("Apply the change to this session or to the following ones."),
                                      code="scope_invalid", field="scope")
    anchor = Session.objects.select_related("activity").filter(pk=session_id).first()
    if anchor is None:
        raise errors.NotFound(_("This session does not exist."), code="session_not_found")
    if not permissions.can_coordinate(access, anchor.activity.hub_id):
        raise errors.PermissionDenied(_("Only the hub's coordinator can change sessions."),
                                      code="programme_forbidden")
    # With its hub (joined, not locked): it signs the messages and `where` names its space.
    activity = lock_row(Activity.objects.select_related("hub").filter(pk=anchor.activity_id))
    if scope == "following":
        # The anchor's time as it is now that the activity is held (nobody else can move it any more).
        concerned = Session.objects.filter(
            activity=activity, starts_at__gte=Subquery(Session.objects.filter(pk=anchor.pk).values("starts_at")))
    else:
        concerned = Session.objects.filter(pk=anchor.pk)
    sessions = lock_rows(concerned)
    for session in sessions:
        session.activity = activity
    anchor = next(s for s in sessions if s.pk == anchor.pk)
    if anchor.is_cancelled:
        raise errors.Conflict(_("This session is cancelled."), code="session_cancelled")
    sessions = [s for s in sessions if not s.is_cancelled]

    shift = duration = None
    if starts_at is not None or ends_at is not None:
        new_start = starts_at or anchor.starts_at
        _check_in_range(new_start)
        new_end = ends_at or (new_start + (anchor.ends_at - anchor.starts_at))
        _check_times(new_start, new_end)
        shift = recurrence.to_local_naive(new_start) - recurrence.to_local_naive(anchor.starts_at)
        duration = recurrence.to_local_naive(new_end) - recurrence.to_local_naive(new_start)
        if new_start <= timezone.now() < anchor.starts_at:
            raise errors.ValidationFailed(_("A session cannot be moved into the past."), code="starts_in_past",
                                          field="starts_at")
    if capacity is not None and capacity < 1:
        raise errors.ValidationFailed(_("There must be at least one place."), code="capacity_invalid",
                                      field="capacity")

    waitlists = _lock_waitlists(sessions) if capacity is not None else {}
    now = timezone.now()
    for session in sessions:
        if capacity is not None and capacity < session.confirmed_count:
            raise activity_errors.CapacityBelowConfirmed(
                _("%(count)d people are already confirmed on %(date)s: choose at least %(count)d places, or "
                  "cancel some bookings first.") % {
                    "count": session.confirmed_count,
                    "date": timezone.localtime(session.starts_at).strftime("%d/%m/%Y"),
                },
                field="capacity",
            )
        moved = False
        old_starts_at = session.starts_at
        if shift is not None:
            new_start = recurrence.shift_wall_clock(session.starts_at, shift)
            new_end = recurrence.from_local_naive(recurrence.to_local_naive(new_start) + duration)
            moved = (new_start, new_end) != (session.starts_at, session.ends_at)
            session.starts_at, session.ends_at = new_start, new_end
        if capacity is not None:
            session.capacity = capacity
        if cancel:
            session.status = Session.Status.CANCELLED
        session.updated_at = now
        if moved or cancel:
            session.sequence += 1
        session.save()
        if moved or cancel:
            # After the save, so a message never says more than what is stored. One message per person: the
            # whole list is written even if no mail server answers (the worker delivers later).
            for person in _people_to_tell(session):
                if cancel:
                    _tell(person, "session_cancelled", session, related=session)
                else:
                    # A new event per change: the new start *and* the sequence, so that moving 10:00 -> 11:00
                    # -> 10:00 -> 11:00 tells people three times (the start alone would repeat a key), while
                    # a retry of the same change (rolled back, so the same sequence) writes nothing twice.
                    _tell(person, "session_rescheduled", session, related=session,
                          occasion=f"{session.starts_at.isoformat()}#{session.sequence}",
                          old_starts_at=old_starts_at)
        if capacity is not None:
            # After the new capacity is stored, so that the database check sees it.
            _promote_from_waitlist(session, waitlists[session.pk])
    if capacity is not None and scope == "following":
        # The default for sessions added later.
        activity.capacity = capacity
        activity.save(update_fields=["capacity"])
    return sessions


# --- bookings -------------------------------------------------------------------------------------------
@transaction.atomic
def book_session(*, access: Access, session_id: int, person_id: int | None = None) -> Booking:
    """Give the person a confirmed place if one is free, else a place on the waitlist, and tell them which
    (with their position on the waitlist); a booking by the desk tells the person booked, too.

    Locks the session row, then counts: of all the concurrent requests for the last place, exactly one gets it.
    """
    person = _person_to_book(access, person_id)
    session = _lock_session(session_id)
    activity = session.activity
    now = timezone.now()
    if activity.is_support_group:
        raise activity_errors.SessionNotBookable(
            _("Support groups are closed: ask to join the group instead."), code="support_group_closed")
    if session.is_cancelled:
        raise activity_errors.SessionNotBookable(_("This session has been cancelled."), code="session_cancelled")
    if session.starts_at <= now:
        raise activity_errors.SessionNotBookable(_("This session has already started."), code="session_past")
    if activity.booking_opens_days_before is not None:
        opens_at = session.starts_at - timedelta(days=activity.booking_opens_days_before)
        if now < opens_at:
            raise activity_errors.SessionNotBookable(
                _("Booking opens on %(date)s.") % {"date": timezone.localtime(opens_at).strftime("%d/%m/%Y %H:%M")},
                code="booking_not_open")
    if Booking.objects.filter(session=session, person=person).exclude(status=Booking.Status.CANCELLED).exists():
        raise activity_errors.AlreadyBooked(_("%(name)s already has a place in this session.") % {"name": person.full_name})
    confirmed = session.confirmed_count < session.capacity
    booking = Booking(
        session=session, person=person, booked_by=access.user,
        status=Booking.Status.CONFIRMED if confirmed else Booking.Status.WAITLISTED,
        confirmed_at=now if confirmed else None,
    )
    try:
        with transaction.atomic():
            booking.save()
    except IntegrityError:
        raise activity_errors.AlreadyBooked(_("%(name)s already has a place in this session.") % {"name": person.full_name})
    if confirmed:
        _adjust_confirmed(session, 1)
        _tell(person, "booking_confirmed", session, related=booking)
    else:
        # The newest waitlisted booking is last in the waitlist (created now, under the session lock).
        position = Booking.objects.filter(session=session, status=Booking.Status.WAITLISTED).count()
        _tell(person, "booking_waitlisted", session, related=booking, position=position)
    return booking


@transaction.atomic
def cancel_booking(*, access: Access, booking_id: int) -> Booking:
    """Give a place back. When it was confirmed, the earliest waitlisted booking is confirmed and its person told."""
    require_login(access)
    found = Booking.objects.select_related("session__activity").filter(pk=booking_id).first()
    if found is None or not _may_handle_booking(access, found):
        raise errors.NotFound(_("This booking does not exist."), code="booking_not_found")
    session = _lock_session(found.session_id)
    booking = lock_row(Booking.objects.filter(pk=booking_id))
    if booking.status == Booking.Status.CANCELLED:
        raise errors.Conflict(_("This booking is already cancelled."), code="booking_already_cancelled")
    if session.starts_at <= timezone.now():
        raise errors.Conflict(_("This session has already started; it can no longer be cancelled."),
                              code="session_past")
    was_confirmed = booking.status == Booking.Status.CONFIRMED
    booking.status = Booking.Status.CANCELLED
    booking.cancelled_at = timezone.now()
    booking.save(update_fields=["status", "cancelled_at"])
    if was_confirmed:
        _promote_from_waitlist(session, freed=1)
    booking.session = session
    return booking


def _check_started(session: Session, now: datetime) -> None:
    """Attendance says who came: there is nothing to say before the session starts (the pages show no button
    until then; this refuses a form posted early or an API call)."""
    if session.starts_at > now:
        raise errors.Conflict(
            _("Attendance can be taken once the session has started, at %(time)s.") % {
                "time": timezone.localtime(session.starts_at).strftime("%H:%M")},
            code="too_early")


@transaction.atomic
def mark_attendance(*, access: Access, booking_id: int, attendance: str) -> Booking:
    """The desk records whether a confirmed person came, once the session has started."""
    if attendance not in Booking.Attendance.values:
        raise errors.ValidationFailed(_("Choose attended or did not come."), code="attendance_invalid")
    booking = lock_row(Booking.objects.select_related("session__activity").filter(pk=booking_id))
    if booking is None or not permissions.can_see_session_participants(access, booking.session):
        raise errors.NotFound(_("This booking does not exist."), code="booking_not_found")
    if booking.status != Booking.Status.CONFIRMED:
        raise errors.Conflict(_("Only confirmed bookings have attendance."), code="booking_not_confirmed")
    _check_started(booking.session, timezone.now())
    booking.attendance = attendance
    booking.save(update_fields=["attendance"])
    return booking


@dataclass(frozen=True)
class AttendanceSaved:
    """What one attendance form changed: how many came, how many did not, and how many listed bookings were
    no longer confirmed when it was posted (cancelled meanwhile: left as they are)."""

    came: int
    absent: int
    skipped: int


def _lock_session_for_attendance(access: Access, session_id: int) -> Session:
    """The session, locked, for whoever may see who booked it (404 for anyone else, as for its bookings), if it
    is an open activity under way or over. Support groups keep their own attendance (`record_group_attendance`),
    seen only by their facilitator and coordinator."""
    session = _lock_session(session_id)
    if not permissions.can_see_session_participants(access, session):
        raise errors.NotFound(_("This session does not exist."), code="session_not_found")
    if session.activity.is_support_group:
        raise errors.Conflict(_("A support group's attendance is taken by its facilitator, on the group's page."),
                              code="support_group_attendance")
    if session.is_cancelled:
        raise activity_errors.SessionNotBookable(_("This session has been cancelled."), code="session_cancelled")
    _check_started(session, timezone.now())
    return session


@transaction.atomic
def record_session_attendance(*, access: Access, session_id: int, attended: set[int],
                              listed: set[int]) -> AttendanceSaved:
    """The desk's one form per session: every booking it `listed` gets "came" when ticked (in `attended`), "did
    not come" otherwise. Bookings it did not list (confirmed after the page was loaded) are left alone, so a
    form filled in before someone was promoted never marks them absent.

    Locks the session, then the listed bookings (one `lock_rows` call). A constant number of queries whatever
    the number of people: only the bookings whose attendance changes are written, in one bulk update with
    their history rows, signed by the caller."""
    from simple_history.utils import bulk_update_with_history

    session = _lock_session_for_attendance(access, session_id)
    wanted = set(listed) | set(attended)
    bookings = lock_rows(Booking.objects.filter(session=session, pk__in=wanted)) if wanted else []
    changed, came, absent = [], 0, 0
    for booking in bookings:
        if booking.status != Booking.Status.CONFIRMED:
            continue
        value = Booking.Attendance.ATTENDED if booking.pk in attended else Booking.Attendance.NO_SHOW
        came += value == Booking.Attendance.ATTENDED
        absent += value == Booking.Attendance.NO_SHOW
        if booking.attendance != value:
            booking.attendance = value
            changed.append(booking)
    if changed:
        bulk_update_with_history(changed, Booking, ["attendance"], default_user=access.user)
    return AttendanceSaved(came=came, absent=absent, skipped=len(wanted) - came - absent)


@transaction.atomic
def record_walk_in(*, access: Access, session_id: int, person_id: int) -> Booking:
    """Someone came without a place: a booking created as confirmed and attended, within the session's places
    (the same counter and lock as `book_session`; a full session refuses). Whoever already holds a place is
    marked as having come; whoever waits on the waitlist gets a free place if there is one. Nobody is sent a
    message: the person is standing at the session."""
    person = core_selectors.person_for(access, person_id)
    session = _lock_session_for_attendance(access, session_id)
    booking = lock_row(Booking.objects.filter(session=session, person=person).exclude(
        status=Booking.Status.CANCELLED))
    if booking is not None and booking.status == Booking.Status.CONFIRMED:
        if booking.attendance != Booking.Attendance.ATTENDED:
            booking.attendance = Booking.Attendance.ATTENDED
            booking.save(update_fields=["attendance"])
        booking.person = person
        return booking
    if session.confirmed_count >= session.capacity:
        raise activity_errors.SessionFull(
            _("The session is full (%(n)d places): %(name)s cannot be added.") % {
                "n": session.capacity, "name": person.full_name})
    now = timezone.now()
    if booking is None:
        booking = Booking(session=session, person=person, booked_by=access.user)
    booking.status = Booking.Status.CONFIRMED
    booking.confirmed_at = now
    booking.attendance = Booking.Attendance.ATTENDED
    try:
        with transaction.atomic():
            booking.save()
    except IntegrityError:
        raise activity_errors.AlreadyBooked(_("%(name)s already has a place in this session.") % {"name": person.full_name})
    _adjust_confirmed(session, 1)
    booking.person = person
    return booking


# --- support groups -------------------------------------------------------------------------------------
def _lock_support_group(activity_id: int) -> Activity:
    activity = lock_row(Activity.objects.select_related("hub").filter(pk=activity_id, kind=ActivityKind.SUPPORT_GROUP))
    if activity is None:
        raise errors.NotFound(_("This support group does not exist."), code="group_not_found")
    return activity


def _require_group_manager(access: Access, activity: Activity) -> None:
    if not permissions.can_manage_support_group(access, activity):
        # 404, not 403: a group's circle is not something to probe.
        raise errors.NotFound(_("This support group does not exist."), code="group_not_found")


def _member_count(activity: Activity) -> int:
    return GroupMembership.objects.filter(activity=activity, status=GroupMembership.Status.MEMBER).count()


@transaction.atomic
def request_to_join(*, access: Access, activity_id: int) -> GroupMembership:
    """A caregiver asks to join a support group; the facilitator or coordinator decides."""
    require_login(access)
    person = access.person
    if person is None:
        raise errors.PermissionDenied(_("Only caregivers with an account can ask to join."), code="no_person")
    activity = _lock_support_group(activity_id)
    membership = lock_row(GroupMembership.objects.filter(activity=activity, person=person))
    if membership is not None and membership.status == GroupMembership.Status.MEMBER:
        raise errors.Conflict(_("You are already a member of this group."), code="already_member")
    if membership is not None and membership.status == GroupMembership.Status.REQUESTED:
        raise errors.Conflict(_("You have already asked to join; the facilitator will contact you."),
                              code="already_requested")
    if membership is None:
        membership = GroupMembership(activity=activity, person=person)
    membership.status = GroupMembership.Status.REQUESTED
    membership.decided_by, membership.decided_at = None, None
    membership.save()
    return membership


def _make_member(access: Access, activity: Activity, membership: GroupMembership) -> GroupMembership:
    if _member_count(activity) >= activity.capacity:
        raise errors.Conflict(_("The group is full (%(n)d members).") % {"n": activity.capacity}, code="group_full")
    membership.status = GroupMembership.Status.MEMBER
    membership.decided_by, membership.decided_at = access.user, timezone.now()
    membership.save()
    return membership


@transaction.atomic
def enrol_member(*, access: Access, activity_id: int, person_id: int) -> GroupMembership:
    """The coordinator enrols a person of their scope directly (the facilitator approves requests instead)."""
    activity = _lock_support_group(activity_id)
    _require_group_manager(access, activity)
    if not permissions.can_list_people(access):
        raise errors.PermissionDenied(_("Only the coordinator can enrol people directly; approve a request instead."),
                                      code="enrol_forbidden")
    person = core_selectors.person_for(access, person_id)
    membership = lock_row(GroupMembership.objects.filter(activity=activity, person=person))
    if membership is not None and membership.status == GroupMembership.Status.MEMBER:
        raise errors.Conflict(_("%(name)s is already a member.") % {"name": person.full_name}, code="already_member")
    return _make_member(access, activity, membership or GroupMembership(activity=activity, person=person))


@transaction.atomic
def decide_membership(*, access: Access, membership_id: int, approve: bool) -> GroupMembership:
    """Approve a request (member) or decline it; or, with approve=False on a member, remove them (left)."""
    membership = GroupMembership.objects.filter(pk=membership_id).first()
    if membership is None:
        raise errors.NotFound(_("This request does not exist."), code="membership_not_found")
    activity = _lock_support_group(membership.activity_id)
    _require_group_manager(access, activity)
    membership = lock_row(GroupMembership.objects.filter(pk=membership_id))
    if approve:
        if membership.status == GroupMembership.Status.MEMBER:
            raise errors.Conflict(_("Already a member."), code="already_member")
        return _make_member(access, activity, membership)
    membership.status = GroupMembership.Status.LEFT
    membership.decided_by, membership.decided_at = access.user, timezone.now()
    membership.save()
    return membership


@transaction.atomic
def leave_group(*, access: Access, activity_id: int) -> GroupMembership:
    require_login(access)
    membership = lock_row(GroupMembership.objects.filter(
        activity_id=activity_id, person=access.person,
        status__in=[GroupMembership.Status.MEMBER, GroupMembership.Status.REQUESTED],
    )) if access.person else None
    if membership is None:
        raise errors.NotFound(_("You are not in this group."), code="membership_not_found")
    membership.status = GroupMembership.Status.LEFT
    membership.decided_at = timezone.now()
    membership.save()
    return membership


@transaction.atomic
def record_group_attendance(*, access: Access, session_id: int, attended_person_ids: set[int]) -> int:
    """The facilitator ticks who came. Every current member gets a row (came / did not come)."""
    session = _lock_session(session_id)
    activity = session.activity
    if not activity.is_support_group:
        raise errors.NotFound(_("This support group does not exist."), code="group_not_found")
    _require_group_manager(access, activity)
    _check_started(session, timezone.now())
    members = set(GroupMembership.objects.filter(activity=activity, status=GroupMembership.Status.MEMBER)
                  .values_list("person_id", flat=True))
    existing = {row.person_id: row for row in GroupAttendance.objects.filter(session=session)}
    now = timezone.now()
    for person_id in sorted(members | (set(existing) & set(attended_person_ids))):
        row = existing.get(person_id) or GroupAttendance(session=session, person_id=person_id)
        row.attended = person_id in attended_person_ids
        row.recorded_by, row.recorded_at = access.user, now
        row.save()
    return len(members)


# --- calendar feeds -------------------------------------------------------------------------------------
@transaction.atomic
def feed_token_for(*, person: Person) -> CalendarFeedToken:
    """The person's active private-feed secret, created on first use."""
    lock_row(Person.objects.filter(pk=person.pk))
    token = CalendarFeedToken.objects.filter(person=person, revoked_at__isnull=True).first()
    return token or CalendarFeedToken.objects.create(person=person)


@transaction.atomic
def revoke_feed_token(*, person: Person) -> CalendarFeedToken:
    """Stop the old private URL working and issue a new one."""
    lock_row(Person.objects.filter(pk=person.pk))
    CalendarFeedToken.objects.filter(person=person, revoked_at__isnull=True).update(revoked_at=timezone.now())
    return CalendarFeedToken.objects.create(person=person)

