"""Every write a user can cause in activities. One function = one business operation = one transaction.

Locking, always through `carehub.locking` and in its global order: a person, then an activity, then its
sessions (all in one `lock_rows` call, so in primary-key order), then bookings, then memberships. Every change
to who holds a place in a session locks that session's row before reading its bookings; a change to an
activity and its sessions (`update_activity`, `change_session`) locks the activity first, so the two never
wait on each other in a cycle. A lock that cannot be had in time is `carehub.errors.Busy` (409). The database
keeps the invariants too (`session_never_over_capacity`, `booking_one_live_per_person`), because SQLite has no
row locks.

Childcare ("canguratge"): a booking may ask places for children (ages only). Seat and childcare share the
booking's status, so they are confirmed, waitlisted, promoted and cancelled together; the session's
`childcare_confirmed` moves in the same UPDATE as `confirmed_count`, under the same session lock, and the
database refuses it above `childcare_places`. The waitlist is first come, first served among the bookings
that fit, except that the earliest request for childcare that does not fit keeps its claim on the childcare
places: later bookings may take seats past it, never childcare places (see `_promote_from_waitlist`).

Messages: every change to a person's plans (booked, waitlisted, promoted, session moved or cancelled) writes
its message with `carehub.notifications.notify()` inside the same transaction (docs/notifications.md): a
rollback takes the message back with the change, and nothing outside the database is touched before the
commit, so a mail server or SMS gateway that is down can never fail or slow a request. The worker delivers.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q, Subquery
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from carehub import content, errors, i18n, permissions, selectors as core_selectors
from carehub.locking import lock_row, lock_rows
from carehub.models import Hub, Language, Person, Role, StaffRole
from carehub.notifications import notify
from carehub.permissions import Access, require_login

from . import links, recurrence
from . import errors as activity_errors
from .models import (
    CHILDCARE_AGE_LIMIT, MAX_CHILDREN_PER_BOOKING, MAX_COMPANIONS_PER_BOOKING, Activity, ActivityKind, Booking, CalendarFeedToken, Frequency,
    GroupAttendance, GroupMembership, Session,
)

# The texts coordinators enter in Catalan (the original, `title`…) and translate (`title_es`, `title_en`…).
TRANSLATED_ACTIVITY_FIELDS = ("title", "description", "place", "accessibility_notes")
TRANSLATED_ACTIVITY_COLUMNS = tuple(content.translation_columns(TRANSLATED_ACTIVITY_FIELDS))
EDITABLE_ACTIVITY_FIELDS = (
    *TRANSLATED_ACTIVITY_COLUMNS,
    "title", "description", "place", "language", "accessibility_notes", "booking_opens_days_before", "facilitator",
    "childcare_places", "childcare_max_age", "companion_places",
)
MAX_CHILDCARE_PLACES = 1000


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


def _tell(person: Person, kind: str, session: Session, *, related, occasion: str = "", booking: Booking | None = None,
          **context) -> None:
    """Write the message `kind` about `session` for `person`, signed by (and on the call list of) the activity's
    hub. Caller holds the session, and has loaded `session.activity.hub` (no query here but the message's).
    About a `booking` (or with `related` one), the link is that booking's signed page, where it can be seen and
    cancelled without logging in; otherwise the session's page."""
    activity = session.activity
    booking = booking if booking is not None else (related if isinstance(related, Booking) else None)
    link = links.booking_url(booking) if booking is not None else settings.SITE_URL + session.get_absolute_url()
    if booking is not None and booking.companions:
        context.setdefault("companions", booking.companions)
    notify(person, kind=kind, hub=activity.hub, related=related, occasion=occasion, context={
        "title": i18n.content(activity, "title"), "starts_at": session.starts_at,
        "where": i18n.content(activity, "where"), "link": link, **context,
    })


def _adjust_confirmed(session: Session, delta: int, childcare: int = 0) -> None:
    """Move the session's confirmed counter by `delta` and its childcare counter by `childcare`, in one
    UPDATE (F() arithmetic, so the `session_never_over_capacity` and `session_childcare_never_over_capacity`
    checks judge the real values even if two writers ever raced past the lock: seats and childcare are
    refused together), and in memory. Not through save(): the counters are not audited."""
    changes = {}
    if delta:
        changes["confirmed_count"] = F("confirmed_count") + delta
    if childcare:
        changes["childcare_confirmed"] = F("childcare_confirmed") + childcare
    if not changes:
        return
    try:
        with transaction.atomic():
            Session.objects.filter(pk=session.pk).update(**changes)
    except IntegrityError:
        raise activity_errors.SessionFull()
    session.confirmed_count += delta
    session.childcare_confirmed += childcare


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


def _childcare_context(booking: Booking) -> dict:
    """The optional `childcare` key of a booking's messages: how many children, only when it asked."""
    return {"childcare": booking.childcare_places} if booking.childcare_places else {}


def _promote_from_waitlist(session: Session, waiting: list[Booking] | None = None, *,
                           freed: int = 0, freed_childcare: int = 0) -> list[Booking]:
    """Confirm waitlisted bookings, in waitlist order, while seats are free: each whose whole party fits (its
    1 + companions places, and its childcare places if it asked) is confirmed with them, as one.

    The first booking whose party does not fit in the free places stops the promotion: nobody behind it is
    confirmed first (a family of three is not overtaken again and again by people booking alone); it is
    confirmed as soon as its places are free.

    So that a request for childcare is never passed over forever, the earliest one that does not fit keeps
    its claim on the childcare places: bookings behind it may still take free seats, but no childcare place
    (a request for two children is not overtaken again and again by requests for one). It is confirmed as
    soon as both a seat and its childcare are free, before anyone behind it.

    Caller holds the session lock, and passes `waiting` when it already locked the waitlist (several sessions
    at once). `freed` seats and `freed_childcare` childcare places were just given back and are not yet off
    the counters: the counters then move once, by the difference (a cancellation that promotes someone does
    not write them at all)."""
    promoted = []
    now = timezone.now()
    free = session.capacity - session.confirmed_count + freed
    free_childcare = session.childcare_places - session.childcare_confirmed + freed_childcare
    if session.is_cancelled or free <= 0:
        _adjust_confirmed(session, -freed, -freed_childcare)
        return promoted
    if waiting is None:
        waiting = _lock_waitlists([session])[session.pk]
    childcare_claimed = False
    children_promoted = places_promoted = 0
    for booking in waiting:
        if booking.places > free:
            break
        children = booking.childcare_places
        if children:
            if childcare_claimed or children > free_childcare:
                childcare_claimed = True
                continue
            free_childcare -= children
            children_promoted += children
        free -= booking.places
        places_promoted += booking.places
        booking.status = Booking.Status.CONFIRMED
        booking.confirmed_at = now
        booking.save(update_fields=["status", "confirmed_at"])
        promoted.append(booking)
    _adjust_confirmed(session, places_promoted - freed, children_promoted - freed_childcare)
    for booking in promoted:
        _tell(booking.person, "booking_promoted", session, related=booking, **_childcare_context(booking))
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
def _check_childcare_offer(kind: str, places, max_age) -> None:
    """An activity's childcare: a number of places (0 = none) and, when there are places, the oldest age."""
    if not isinstance(places, int) or isinstance(places, bool) or not 0 <= places <= MAX_CHILDCARE_PLACES:
        raise errors.ValidationFailed(
            _("Childcare places are a number from 0 to %(max)d.") % {"max": MAX_CHILDCARE_PLACES},
            code="childcare_places_invalid", field="childcare_places")
    if max_age is not None and (not isinstance(max_age, int) or isinstance(max_age, bool)
                                or not 0 <= max_age <= CHILDCARE_AGE_LIMIT):
        raise errors.ValidationFailed(
            _("The age limit for childcare is from 0 to %(max)d years.") % {"max": CHILDCARE_AGE_LIMIT},
            code="childcare_max_age_invalid", field="childcare_max_age")
    if not places:
        return
    if kind == ActivityKind.SUPPORT_GROUP:
        raise errors.ValidationFailed(
            _("Support groups are joined, not booked: childcare can be offered on open activities only."),
            code="childcare_support_group", field="childcare_places")
    if max_age is None:
        raise errors.ValidationFailed(_("Say up to what age children can come to the childcare."),
                                      code="childcare_max_age_required", field="childcare_max_age")


def _check_companion_offer(kind: str, places) -> None:
    """How many companions one booking may bring: 0 to MAX_COMPANIONS_PER_BOOKING, none for support groups."""
    if not isinstance(places, int) or isinstance(places, bool) or not 0 <= places <= MAX_COMPANIONS_PER_BOOKING:
        raise errors.ValidationFailed(
            _("Companions per booking are a number from 0 to %(max)d.") % {"max": MAX_COMPANIONS_PER_BOOKING},
            code="companion_places_invalid", field="companion_places")
    if places and kind == ActivityKind.SUPPORT_GROUP:
        raise errors.ValidationFailed(
            _("Support groups are joined, not booked: companions can come to open activities only."),
            code="companions_support_group", field="companion_places")


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
    companion_places: int = 0,
    language: str = Language.CATALAN,
    description: str = "",
    place: str = "",
    accessibility_notes: str = "",
    frequency: str = Frequency.ONCE,
    occurrences: int | None = None,
    until: date | None = None,
    booking_opens_days_before: int | None = None,
    facilitator=None,
    translations: dict | None = None,
    childcare_places: int = 0,
    childcare_max_age: int | None = None,
    include_holidays: bool = False,
    dates: list[date] | None = None,
) -> Activity:
    """Programme an activity and create its sessions (one, or a weekly / fortnightly series), each with the
    activity's places and childcare places. A series skips public holidays (recurrence.plan) unless
    `include_holidays`; `dates` picks exactly which of the series' dates get a session (the coordinator's
    ticks on the preview, a holiday included or a date left out)."""
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
    _check_childcare_offer(kind, childcare_places, childcare_max_age)
    _check_companion_offer(kind, companion_places)
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
        companion_places=companion_places, booking_opens_days_before=booking_opens_days_before, frequency=frequency,
        facilitator=_check_facilitator(hub, facilitator, kind), created_by=access.user,
        childcare_places=childcare_places, childcare_max_age=childcare_max_age,
    )
    # title, description… are the Catalan original; `translations` the Spanish and English (title_es…).
    for column, text in content.texts_in_languages(
        {"title": title, "description": description, "place": place, "accessibility_notes": accessibility_notes},
        translations,
    ).items():
        setattr(activity, column, text)
    planned = _chosen_dates(recurrence.plan(starts_at=starts_at, ends_at=ends_at, frequency=frequency,
                                            occurrences=occurrences, until=until,
                                            skip_holidays=not include_holidays), dates)
    activity.save()
    for start, end in planned:
        Session(activity=activity, starts_at=start, ends_at=end, capacity=capacity,
                childcare_places=childcare_places).save()
    return activity


def _chosen_dates(planned: list, dates: list[date] | None) -> list[tuple[datetime, datetime]]:
    """The (start, end) of the sessions to create: the plan's included dates, or exactly `dates` when given,
    each of which must be a date of the series (a holiday it skipped included)."""
    if dates is None:
        chosen = [(p.starts_at, p.ends_at) for p in planned if p.included]
    else:
        by_day = {p.day: p for p in planned}
        unknown = sorted(set(dates) - set(by_day))
        if unknown:
            raise errors.ValidationFailed(
                _("%(date)s is not a date of this series.") % {"date": date_format(unknown[0])},
                code="date_not_in_series", field="dates")
        chosen = [(by_day[day].starts_at, by_day[day].ends_at) for day in sorted(set(dates))]
    if not chosen:
        raise errors.ValidationFailed(_("Choose at least one date."), code="no_dates", field="dates")
    return chosen


def _check_childcare_not_below_bookings(session: Session, places: int, waiting: list[Booking]) -> None:
    """Fewer childcare places than children already confirmed, or than a waiting booking asks for (it could
    then never be confirmed), is refused: nobody loses their childcare, or waits for it, silently."""
    needed = max([session.childcare_confirmed] + [b.childcare_places for b in waiting])
    if places < needed:
        raise errors.Conflict(
            _("%(count)d childcare places are already booked or asked for on %(date)s: offer at least %(count)d, "
              "or cancel those bookings first.") % {
                "count": needed, "date": timezone.localtime(session.starts_at).strftime("%d/%m/%Y")},
            code="childcare_below_booked", field="childcare_places")


@transaction.atomic
def update_activity(*, access: Access, activity_id: int, **changes) -> Activity:
    """Change what an activity is (title, place, language, childcare…). Future sessions get a new SEQUENCE for
    calendars. New childcare places apply to every coming scheduled session: refused for all when one has
    more children booked or waiting than the new number; when raised, the waitlists that now fit are
    confirmed. A lower age limit applies to requests made from then on (children booked keep their place)."""
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
    changes = content.by_column(changes, TRANSLATED_ACTIVITY_FIELDS)  # `title` is the Catalan original
    if "facilitator" in changes:
        changes["facilitator"] = _check_facilitator(activity.hub, changes["facilitator"], activity.kind)
    childcare = changes.get("childcare_places", activity.childcare_places)
    if "childcare_places" in changes or "childcare_max_age" in changes:
        max_age = changes.get("childcare_max_age", activity.childcare_max_age)
        _check_childcare_offer(activity.kind, childcare, max_age)
    if "companion_places" in changes:
        # Bookings already made keep their companions; the new number applies to bookings made from now on.
        _check_companion_offer(activity.kind, changes["companion_places"])
    childcare_changed = childcare != activity.childcare_places
    for name, value in changes.items():
        setattr(activity, name, value)
    activity.save()
    now = timezone.now()
    sessions = lock_rows(Session.objects.filter(activity=activity, starts_at__gte=now))
    # Cancelled sessions keep what they offered; the coming scheduled ones take the new childcare places.
    resized = [s for s in sessions if not s.is_cancelled] if childcare_changed else []
    waitlists = _lock_waitlists(resized) if resized else {}
    for session in resized:
        _check_childcare_not_below_bookings(session, childcare, waitlists[session.pk])
    for session in sessions:
        session.activity = activity
        session.sequence += 1
        session.updated_at = now
        fields = ["sequence", "updated_at"]
        if session.pk in waitlists:
            session.childcare_places = childcare
            fields.append("childcare_places")
        session.save(update_fields=fields)
        if session.pk in waitlists:
            _promote_from_waitlist(session, waitlists[session.pk])
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
    booked_in: dict[int, dict[int, Booking]] = {}
    if shift is not None or cancel:  # the live bookings of all the sessions, for their links (one query)
        for row in Booking.objects.filter(session__in=[s.pk for s in sessions],
                                          status__in=[Booking.Status.CONFIRMED, Booking.Status.WAITLISTED]):
            booked_in.setdefault(row.session_id, {})[row.person_id] = row
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
        if capacity is not None:
            # A waiting party larger than the new places could never be confirmed, and would hold up the rest.
            party = max((b.places for b in waitlists[session.pk]), default=0)
            if capacity < party:
                raise errors.Conflict(
                    _("A booking on the waitlist of %(date)s is for %(count)d places together: choose at least "
                      "%(count)d places, or cancel that booking first.") % {
                        "count": party, "date": timezone.localtime(session.starts_at).strftime("%d/%m/%Y")},
                    code="capacity_below_party", field="capacity")
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
            # whole list is written even if no mail server answers (the worker delivers later). Whoever booked
            # gets their booking's signed link.
            booked = booked_in.get(session.pk, {})
            for person in _people_to_tell(session):
                if cancel:
                    _tell(person, "session_cancelled", session, related=session, booking=booked.get(person.pk))
                else:
                    # A new event per change: the new start *and* the sequence, so that moving 10:00 -> 11:00
                    # -> 10:00 -> 11:00 tells people three times (the start alone would repeat a key), while
                    # a retry of the same change (rolled back, so the same sequence) writes nothing twice.
                    _tell(person, "session_rescheduled", session, related=session,
                          occasion=f"{session.starts_at.isoformat()}#{session.sequence}",
                          old_starts_at=old_starts_at, booking=booked.get(person.pk))
        if capacity is not None:
            # After the new capacity is stored, so that the database check sees it.
            _promote_from_waitlist(session, waitlists[session.pk])
    if capacity is not None and scope == "following":
        # The default for sessions added later.
        activity.capacity = capacity
        activity.save(update_fields=["capacity"])
    return sessions


# --- bookings -------------------------------------------------------------------------------------------
def _check_childcare_request(session: Session, children, ages) -> list[int]:
    """A booking's request for childcare: as many ages (whole years) as children, each within the activity's
    age limit, and no more children than the session's childcare places. The ages, as stored."""
    ages = list(ages or [])
    if not isinstance(children, int) or isinstance(children, bool) or children < 0:
        raise errors.ValidationFailed(_("Give the number of children as a whole number."),
                                      code="childcare_invalid", field="childcare")
    if not children and not ages:
        return []
    activity = session.activity
    if not session.offers_childcare:
        raise errors.ValidationFailed(_("This activity offers no childcare."), code="childcare_not_offered",
                                      field="childcare")
    allowed = min(session.childcare_places, MAX_CHILDREN_PER_BOOKING)
    if children > allowed:
        raise errors.ValidationFailed(
            ngettext("Childcare can be asked for at most %(n)d child per booking.",
                     "Childcare can be asked for at most %(n)d children per booking.", allowed) % {"n": allowed},
            code="childcare_too_many", field="childcare")
    if len(ages) != children:
        raise errors.ValidationFailed(_("Give the age of each child who needs childcare, one age per child."),
                                      code="childcare_ages_mismatch", field="childcare_ages")
    if any(not isinstance(age, int) or isinstance(age, bool) or age < 0 for age in ages):
        raise errors.ValidationFailed(_("Give each child's age in whole years."), code="childcare_age_invalid",
                                      field="childcare_ages")
    limit = activity.childcare_max_age if activity.childcare_max_age is not None else CHILDCARE_AGE_LIMIT
    if any(age > limit for age in ages):
        raise errors.ValidationFailed(
            ngettext("The childcare is for children up to %(age)d year old.",
                     "The childcare is for children up to %(age)d years old.", limit) % {"age": limit},
            code="childcare_age_over_max", field="childcare_ages")
    return ages


def _check_bookable(session: Session, now: datetime) -> None:
    activity = session.activity
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


def _check_companions(activity: Activity, companions) -> int:
    """How many people come with the booker: at most what the activity allows per booking."""
    if not isinstance(companions, int) or isinstance(companions, bool) or companions < 0:
        raise errors.ValidationFailed(_("Give the number of people coming with you as a whole number."),
                                      code="companions_invalid", field="companions")
    allowed = activity.companion_places
    if companions > allowed and not allowed:
        raise errors.ValidationFailed(
            _("A booking is for one person at this activity: book a place for each person who comes."),
            code="companions_not_allowed", field="companions")
    if companions > allowed:
        raise errors.ValidationFailed(
            ngettext("At most %(n)d person can come with each booking.",
                     "At most %(n)d people can come with each booking.", allowed) % {"n": allowed},
            code="companions_too_many", field="companions")
    return companions


def _check_party_fits(session: Session, companions: int) -> None:
    """A party larger than the whole session could never be confirmed, and would hold up the waitlist."""
    if 1 + companions > session.capacity:
        raise errors.ValidationFailed(
            ngettext("This session has %(n)d place in all: fewer people can come with this booking.",
                     "This session has %(n)d places in all: fewer people can come with this booking.",
                     session.capacity) % {"n": session.capacity},
            code="companions_over_capacity", field="companions")


def _clashes(person: Person, sessions: list[Session]) -> list[Booking]:
    """The person's live bookings in other scheduled sessions whose time overlaps one of `sessions` (one query).
    A clash is a warning the person may pass (two people at home may share a diary), not an invariant."""
    if not sessions:
        return []
    overlap = Q()
    for session in sessions:
        overlap |= Q(session__starts_at__lt=session.ends_at, session__ends_at__gt=session.starts_at)
    return list(Booking.objects.select_related("session__activity")
                .filter(person=person, status__in=[Booking.Status.CONFIRMED, Booking.Status.WAITLISTED],
                        session__status=Session.Status.SCHEDULED)
                .filter(overlap).exclude(session__in=[s.pk for s in sessions]).order_by("session__starts_at", "pk"))


def _refuse_clashes(access: Access, person: Person, clashes: list[Booking]) -> None:
    if not clashes:
        return
    first = clashes[0].session
    values = {"name": person.full_name, "title": first.activity.title,
              "when": timezone.localtime(first.starts_at).strftime("%d/%m/%Y %H:%M")}
    if access.person is not None and access.person.pk == person.pk:
        message = _("You already have “%(title)s” at that time (%(when)s). Book anyway?") % values
    else:
        message = _("%(name)s already has “%(title)s” at that time (%(when)s). Book anyway?") % values
    raise activity_errors.BookingClash(message, clashes=clashes)


def _place(access: Access, session: Session, person: Person, *, now: datetime, ages: list[int],
           companions: int) -> Booking:
    """Create the booking of `person` (and `companions`) in the locked, bookable `session`: confirmed when the
    whole party fits, with its childcare, else waitlisted as one; the person is told which."""
    children = len(ages)
    places = 1 + companions
    free = session.capacity - session.confirmed_count
    waiting = Booking.objects.filter(session=session, status=Booking.Status.WAITLISTED)
    # A party already waiting for more places than are free keeps its claim on them (see _promote_from_waitlist).
    seat_free = places <= free and not waiting.filter(companions__gte=free).exists()
    childcare_free = not children or (
        session.childcare_confirmed + children <= session.childcare_places
        # An earlier request for childcare still waiting keeps its claim (see _promote_from_waitlist).
        and not (seat_free and waiting.filter(childcare_places__gt=0).exists()))
    confirmed = seat_free and childcare_free
    booking = Booking(
        session=session, person=person, booked_by=access.user,
        status=Booking.Status.CONFIRMED if confirmed else Booking.Status.WAITLISTED,
        confirmed_at=now if confirmed else None, childcare_places=children,
        childcare_ages=Booking.ages_to_store(ages), companions=companions,
    )
    booking.childcare_full = seat_free and not childcare_free
    try:
        with transaction.atomic():
            booking.save()
    except IntegrityError:
        raise activity_errors.AlreadyBooked(_("%(name)s already has a place in this session.") % {"name": person.full_name})
    if confirmed:
        _adjust_confirmed(session, places, children)
        _tell(person, "booking_confirmed", session, related=booking, **_childcare_context(booking))
    else:
        # The newest waitlisted booking is last in the waitlist (created now, under the session lock).
        position = waiting.count()
        booking.waitlist_position = position
        _tell(person, "booking_waitlisted", session, related=booking, position=position,
              **_childcare_context(booking), **({"childcare_full": True} if booking.childcare_full else {}))
    booking.session = session
    return booking


@transaction.atomic
def book_session(*, access: Access, session_id: int, person_id: int | None = None, childcare: int = 0,
                 childcare_ages: list[int] | None = None, companions: int = 0,
                 confirm_clash: bool = False) -> Booking:
    """Give the person a confirmed place if one is free, else a place on the waitlist, and tell them which
    (with their position on the waitlist); a booking by the desk tells the person booked, too.

    With `companions` (the person they care for...: up to the activity's `companion_places`), the booking
    holds 1 + companions places, confirmed only if all fit, else all waitlisted: never half a party. With
    `childcare` children (and their `childcare_ages`), the seats are confirmed only if their childcare places
    are free too, and no earlier request for childcare is still waiting for them; else seats and childcare go
    on the waitlist together. The booking's `childcare_full` says whether childcare (not the seats) is what put
    it there. When the person already holds a place in a session at an overlapping time, `BookingClash` (409
    `booking_clash`) unless `confirm_clash`.

    Locks the session row, then counts: of all the concurrent requests for the last places, exactly one gets them.
    """
    person = _person_to_book(access, person_id)
    session = _lock_session(session_id)
    now = timezone.now()
    _check_bookable(session, now)
    ages = _check_childcare_request(session, childcare, childcare_ages)
    companions = _check_companions(session.activity, companions)
    _check_party_fits(session, companions)
    if Booking.objects.filter(session=session, person=person).exclude(status=Booking.Status.CANCELLED).exists():
        raise activity_errors.AlreadyBooked(_("%(name)s already has a place in this session.") % {"name": person.full_name})
    if not confirm_clash:
        _refuse_clashes(access, person, _clashes(person, [session]))
    return _place(access, session, person, now=now, ages=ages, companions=companions)


@dataclass(frozen=True)
class SeriesOutcome:
    """What `book_series` did for one session: a `booking` (confirmed or waitlisted), or why not (`refused`)."""

    session: Session
    booking: Booking | None
    refused: str = ""


@transaction.atomic
def book_series(*, access: Access, activity_id: int, person_id: int | None = None, companions: int = 0,
                confirm_clash: bool = False) -> list[SeriesOutcome]:
    """Book every coming session of an activity (its series) for the person, with the same companions: each
    session confirmed or waitlisted on its own, as `book_session` would; a session already booked or not yet
    open for booking is left out, with the reason. One transaction: the sessions are locked together, in
    primary-key order (`lock_rows`). A clash with another booking of the person refuses the whole request
    (`BookingClash`, listing them) unless `confirm_clash`."""
    person = _person_to_book(access, person_id)
    now = timezone.now()
    activity = Activity.objects.filter(pk=activity_id, hub__is_active=True).first()
    if activity is None:
        raise errors.NotFound(_("This activity does not exist."), code="activity_not_found")
    if activity.is_support_group:
        raise activity_errors.SessionNotBookable(
            _("Support groups are closed: ask to join the group instead."), code="support_group_closed")
    companions = _check_companions(activity, companions)
    sessions = lock_rows(Session.objects.select_related("activity__hub").filter(
        activity=activity, status=Session.Status.SCHEDULED, starts_at__gt=now))
    if not sessions:
        raise activity_errors.SessionNotBookable(_("This activity has no coming sessions to book."),
                                                 code="no_sessions")
    held = set(Booking.objects.filter(person=person, session__in=[s.pk for s in sessions])
               .exclude(status=Booking.Status.CANCELLED).values_list("session_id", flat=True))
    if not confirm_clash:
        _refuse_clashes(access, person, _clashes(person, [s for s in sessions if s.pk not in held]))
    outcomes = []
    for session in sorted(sessions, key=lambda s: (s.starts_at, s.pk)):
        if session.pk in held:
            outcomes.append(SeriesOutcome(session, None, _("Already booked.")))
            continue
        try:
            _check_bookable(session, now)
            _check_party_fits(session, companions)
        except errors.DomainError as exc:
            outcomes.append(SeriesOutcome(session, None, str(exc.message)))
            continue
        outcomes.append(SeriesOutcome(session, _place(access, session, person, now=now, ages=[],
                                                      companions=companions)))
    return outcomes


def _cancel(booking_id: int, session_id: int) -> Booking:
    """Cancel a booking the caller may handle. Caller is in a transaction."""
    session = _lock_session(session_id)
    # With the waitlisted bookings below it, in one call: someone waiting for childcare may have booked before
    # this place was confirmed, and the promotion below then locks the whole waitlist; bookings must still be
    # locked in primary-key order (carehub.locking), and rows already held are locked again without waiting.
    booking = next((row for row in lock_rows(Booking.objects.filter(
        Q(pk=booking_id) | Q(session=session, status=Booking.Status.WAITLISTED, pk__lt=booking_id)))
        if row.pk == booking_id), None)
    if booking is None:
        raise errors.NotFound(_("This booking does not exist."), code="booking_not_found")
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
        # All the party's places come back at once: the waitlist is judged on the freed total.
        _promote_from_waitlist(session, freed=booking.places, freed_childcare=booking.childcare_places)
    booking.session = session
    return booking


@transaction.atomic
def cancel_booking(*, access: Access, booking_id: int) -> Booking:
    """Give a place back, with its companions' places and its childcare places. When it was confirmed, the
    waitlist is confirmed as far as the freed places and childcare allow (`_promote_from_waitlist`), each
    person told."""
    require_login(access)
    found = Booking.objects.select_related("session__activity").filter(pk=booking_id).first()
    if found is None or not _may_handle_booking(access, found):
        raise errors.NotFound(_("This booking does not exist."), code="booking_not_found")
    return _cancel(found.pk, found.session_id)


@transaction.atomic
def cancel_booking_from_link(*, token: str) -> Booking:
    """Cancel the booking a message's signed link names, without logging in: the link is the proof
    (`links.booking_from_token`; a wrong, forged or expired one is NotFound)."""
    found = links.booking_from_token(token)
    return _cancel(found.pk, found.session_id)


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
    marked as having come; whoever waits on the waitlist gets a free place if there is one, with the childcare
    their booking asks for if it is free (else refused: the desk sees why). Nobody is sent a message: the
    person is standing at the session."""
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
    places = booking.places if booking is not None else 1
    if session.confirmed_count + places > session.capacity:
        raise activity_errors.SessionFull(
            _("The session is full (%(n)d places): %(name)s cannot be added.") % {
                "n": session.capacity, "name": person.full_name})
    children = booking.childcare_places if booking is not None else 0
    if children and session.childcare_confirmed + children > session.childcare_places:
        raise activity_errors.SessionFull(
            _("The childcare is full: %(name)s's booking asks it for %(n)d children. Cancel that booking to add "
              "them without childcare.") % {"n": children, "name": person.full_name},
            code="childcare_full")
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
    _adjust_confirmed(session, places, children)
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

