"""Reads for activities, already scoped to what the caller may see, with a bounded number of queries.

Seats left come from the `confirmed_count` counter kept by the services, so a programme page never counts
bookings row by row.
"""

from datetime import date, datetime, timedelta

from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext as _

from carehub import errors, permissions
from carehub.models import Hub, Person
from carehub.permissions import Access

from carehub.timezones import day_bounds

from .models import Activity, ActivityKind, Booking, GroupAttendance, GroupMembership, Session


def sessions_public() -> QuerySet[Session]:
    """Every session of an open hub, with what a listing shows. Says nothing about who booked."""
    return Session.objects.filter(activity__hub__is_active=True).select_related("activity__hub")


def upcoming_sessions(*, now: datetime | None = None) -> QuerySet[Session]:
    """The public programme: scheduled sessions that have not started yet (so every row can be booked), soonest
    first. Sessions under way are on the desk's day, not here."""
    now = now or timezone.now()
    return sessions_public().filter(status=Session.Status.SCHEDULED, starts_at__gt=now).order_by("starts_at", "id")


def near_hubs(person: Person | None) -> QuerySet[Hub]:
    """The hubs a caregiver's programme starts from: their home hub and the open hubs of its district."""
    if person is None:
        return Hub.objects.none()
    home = person.home_hub
    return Hub.objects.filter(is_active=True).filter(Q(pk=home.pk) | Q(district=home.district)).order_by("name")


def one_card_per_group(sessions: QuerySet[Session]) -> QuerySet[Session]:
    """`sessions` with a support group's only at its next matching meeting: the programme shows a group once
    (a card for the group, which people join rather than book), not once per session. One query: a window
    numbers each activity's sessions in time order, whatever filters `sessions` already has."""
    ranked = sessions.annotate(meeting_rank=Window(RowNumber(), partition_by=[F("activity_id")],
                                                   order_by=[F("starts_at").asc(), F("id").asc()]))
    return ranked.filter(Q(meeting_rank=1) | ~Q(activity__kind=ActivityKind.SUPPORT_GROUP))


def session_public(session_id: int) -> Session:
    session = sessions_public().filter(pk=session_id).first()
    if session is None:
        raise errors.NotFound(_("This session does not exist."), code="session_not_found")
    return session


def waitlist_position() -> Subquery:
    """1-based place of a waitlisted booking among its session's waitlist (by time of booking, then id)."""
    ahead = (
        Booking.objects.filter(session=OuterRef("session"), status=Booking.Status.WAITLISTED)
        .filter(Q(created_at__lt=OuterRef("created_at")) | Q(created_at=OuterRef("created_at"), id__lte=OuterRef("id")))
        .order_by()
        .values("session")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Subquery(ahead)


def bookings_with_position() -> QuerySet[Booking]:
    return Booking.objects.select_related("session__activity__hub", "person").annotate(
        waitlist_position=waitlist_position()
    )


def booking_for(access: Access, booking_id: int) -> Booking:
    """One booking for its person or for staff who may act for them; 404 otherwise (no leak)."""
    if not access.is_authenticated:
        raise errors.NotAuthenticated()
    booking = bookings_with_position().filter(pk=booking_id).first()
    if booking is not None:
        own = access.person
        if own is not None and own.pk == booking.person_id:
            return booking
        if permissions.can_see_session_participants(access, booking.session):
            return booking
        hub_ids = permissions.people_hub_ids(access)
        if hub_ids is None or booking.person.home_hub_id in hub_ids:
            return booking
    raise errors.NotFound(_("This booking does not exist."), code="booking_not_found")


def bookings_of(person: Person, *, include_past: bool = False) -> QuerySet[Booking]:
    """A person's live bookings (confirmed or waitlisted), soonest first, with waitlist position."""
    bookings = bookings_with_position().filter(person=person).exclude(status=Booking.Status.CANCELLED)
    if not include_past:
        bookings = bookings.filter(session__ends_at__gte=timezone.now())
    return bookings.order_by("session__starts_at", "id")


def my_booking_for(person: Person | None, session: Session) -> Booking | None:
    if person is None:
        return None
    return bookings_with_position().filter(person=person, session=session).exclude(
        status=Booking.Status.CANCELLED).first()


def my_bookings_among(person: Person, session_ids: list[int]) -> dict[int, Booking]:
    """The person's live bookings in these sessions, by session id, with waitlist positions (one query)."""
    bookings = (Booking.objects.filter(person=person, session_id__in=session_ids)
                .exclude(status=Booking.Status.CANCELLED).annotate(waitlist_position=waitlist_position()))
    return {booking.session_id: booking for booking in bookings}


def live_bookings(session: Session) -> QuerySet[Booking]:
    return (session.bookings.exclude(status=Booking.Status.CANCELLED).select_related("person")
            .order_by("status", "created_at", "id"))


def desk_sessions_on(access: Access, day: date, *, hub_ids=None, now: datetime | None = None) -> list[Session]:
    """Sessions on `day` at the caller's hubs (or at `hub_ids`, which the caller works at). Open activities come
    with their bookings; a support group's circle only for whoever may manage that group. Two queries whatever
    the number of sessions and bookings. Each session says whether attendance may be taken now
    (`takes_attendance`: started, not cancelled, an open activity whose people the caller sees)."""
    now = now or timezone.now()
    start, end = day_bounds(day)
    sessions = sessions_public().filter(starts_at__gte=start, starts_at__lt=end).order_by("starts_at", "id")
    scope = permissions.people_hub_ids(access)
    if scope is not None:
        sessions = sessions.filter(activity__hub_id__in=scope)
    if hub_ids is not None:
        sessions = sessions.filter(activity__hub_id__in=hub_ids)
    sessions = list(sessions.prefetch_related(
        Prefetch("bookings", queryset=Booking.objects.exclude(status=Booking.Status.CANCELLED)
                 .select_related("person").order_by("status", "created_at", "id"), to_attr="live_bookings")
    ))
    for session in sessions:
        describe_for_attendance(access, session, now=now)
        if not session.can_see_participants:
            session.live_bookings = []
    return sessions


def describe_for_attendance(access: Access, session: Session, *, now: datetime | None = None) -> Session:
    """What a page needs to offer (or not) the attendance form of `session`: `has_started`,
    `can_see_participants` and `takes_attendance`. No query (the caller loaded `session.activity`)."""
    now = now or timezone.now()
    session.has_started = session.starts_at <= now
    session.can_see_participants = permissions.can_see_session_participants(access, session)
    session.takes_attendance = (session.has_started and session.can_see_participants
                                and not session.is_cancelled and not session.activity.is_support_group)
    return session


# --- support groups -------------------------------------------------------------------------------------
def groups_managed_by(access: Access) -> QuerySet[Activity]:
    """Support groups whose circle the caller may see: the ones they facilitate, and their hubs' as coordinator."""
    groups = Activity.objects.filter(kind=ActivityKind.SUPPORT_GROUP).select_related("hub", "facilitator")
    if access.is_admin:
        return groups
    if not access.is_authenticated:
        return groups.none()
    from carehub.models import Role

    coordinated = access.hubs_with(Role.COORDINATOR)
    facilitated = access.hubs_with(Role.FACILITATOR)
    return groups.filter(Q(hub_id__in=coordinated) | Q(facilitator=access.user, hub_id__in=facilitated))


def group_for_manager(access: Access, activity_id: int) -> Activity:
    group = groups_managed_by(access).filter(pk=activity_id).first()
    if group is None:
        raise errors.NotFound(_("This support group does not exist."), code="group_not_found")
    return group


def group_memberships(access: Access, group: Activity) -> QuerySet[GroupMembership]:
    if not permissions.can_manage_support_group(access, group):
        raise errors.PermissionDenied(code="group_members_forbidden")
    return group.memberships.select_related("person").order_by("status", "person__last_name", "person__first_name")


def group_attendance(access: Access, session: Session) -> dict[int, bool]:
    if not permissions.can_manage_support_group(access, session.activity):
        raise errors.PermissionDenied(code="group_members_forbidden")
    return dict(GroupAttendance.objects.filter(session=session).values_list("person_id", "attended"))


def memberships_of(person: Person) -> QuerySet[GroupMembership]:
    """A person's own group memberships (for their own page)."""
    return person.group_memberships.exclude(status=GroupMembership.Status.LEFT).select_related("activity__hub")


def membership_of(person: Person | None, activity: Activity) -> GroupMembership | None:
    if person is None:
        return None
    return GroupMembership.objects.filter(person=person, activity=activity).first()


# --- calendars ------------------------------------------------------------------------------------------
def hub_feed_sessions(hub) -> QuerySet[Session]:
    """Sessions of a hub's public feed: from 30 days ago on, cancelled ones included so calendars update."""
    since = timezone.now() - timedelta(days=30)
    return (Session.objects.filter(activity__hub=hub, ends_at__gte=since).select_related("activity__hub")
            .order_by("starts_at", "id"))


def person_feed_sessions(person: Person) -> QuerySet[Session]:
    """The sessions a person has a place in (or whose group they belong to), from 30 days ago on."""
    since = timezone.now() - timedelta(days=30)
    booked = Booking.objects.filter(person=person).exclude(status=Booking.Status.CANCELLED).values("session_id")
    groups = GroupMembership.objects.filter(person=person, status=GroupMembership.Status.MEMBER).values("activity_id")
    return (
        Session.objects.filter(Q(pk__in=booked) | Q(activity_id__in=groups), ends_at__gte=since)
        .select_related("activity__hub").order_by("starts_at", "id")
    )
