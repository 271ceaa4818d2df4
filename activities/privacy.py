"""Activities' part of a person's data rights (see carehub/privacy.py for the hook contract).

Export: the person's bookings (with the childcare they asked for: how many children, their ages and whether
it was confirmed), support-group memberships and group attendance, and their calendar feeds.
Erasure: upcoming bookings are cancelled through the booking service (a freed place, and its childcare, go
to the waitlist); past bookings, memberships and attendance stay for the fill and attendance figures, now
pointing at the pseudonymised person row (they hold no free text). A booking keeps how many children came to
the childcare (a count for the figures) but not their ages, which are cleared (they are kept out of the
booking's history, so no copy stays). Open memberships end (status "left"), so the person is
no longer counted in the group. Calendar feed secrets are deleted: the private calendar URL stops working.
"""

from django.db.models import Q
from django.utils import timezone

from carehub.locking import lock_rows
from carehub.privacy import iso, system_access

from . import services
from .models import Booking, CalendarFeedToken, GroupAttendance, GroupMembership, Session


def export_person(person) -> dict:
    bookings = Booking.objects.filter(person=person).select_related("session__activity__hub").order_by(
        "created_at", "pk")
    memberships = GroupMembership.objects.filter(person=person).select_related("activity__hub").order_by(
        "created_at", "pk")
    attendance = GroupAttendance.objects.filter(person=person).select_related("session__activity").order_by(
        "session__starts_at", "pk")
    return {
        "bookings": [
            {
                "id": b.pk,
                "activity": b.session.activity.title,
                "hub": b.session.activity.hub.slug,
                "session_starts_at": iso(b.session.starts_at),
                "status": b.status,
                "attendance": b.attendance,
                "booked_at": iso(b.created_at),
                "confirmed_at": iso(b.confirmed_at),
                "cancelled_at": iso(b.cancelled_at),
                "childcare_children": b.childcare_places,
                "childcare_ages": b.childcare_age_list,
                "childcare_status": b.childcare_status,
            }
            for b in bookings
        ],
        "support_groups": [
            {
                "group": m.activity.title,
                "hub": m.activity.hub.slug,
                "status": m.status,
                "asked_at": iso(m.created_at),
                "decided_at": iso(m.decided_at),
            }
            for m in memberships
        ],
        "support_group_attendance": [
            {"group": a.session.activity.title, "session_starts_at": iso(a.session.starts_at),
             "attended": a.attended}
            for a in attendance
        ],
        "calendar_feeds": [
            {"created_at": iso(t.created_at), "revoked_at": iso(t.revoked_at)}
            for t in CalendarFeedToken.objects.filter(person=person).order_by("created_at", "pk")
        ],
    }


def _upcoming_live_bookings(person):
    return Booking.objects.filter(person=person, session__starts_at__gt=timezone.now()).exclude(
        status=Booking.Status.CANCELLED)


def erasure_preview(person) -> dict:
    return {
        "upcoming_bookings": _upcoming_live_bookings(person).count(),
        "support_groups": GroupMembership.objects.filter(
            person=person, status__in=[GroupMembership.Status.MEMBER, GroupMembership.Status.REQUESTED]).count(),
    }


def erase_person(person, *, by) -> None:
    """Runs inside the erasure's transaction, with the person row already locked. Cancelling several bookings
    in one transaction must still lock in carehub's order: all the sessions concerned first (one call, pk
    order), then every booking a cancellation may touch (the person's and the waitlists), then memberships.
    Each `cancel_booking` then only re-locks rows it already holds."""
    access = system_access(by)
    upcoming = list(_upcoming_live_bookings(person).order_by("pk").values_list("pk", "session_id"))
    if upcoming:
        session_ids = {session_id for _pk, session_id in upcoming}
        lock_rows(Session.objects.filter(pk__in=session_ids))
        lock_rows(Booking.objects.filter(session_id__in=session_ids).filter(
            Q(person=person) | Q(status=Booking.Status.WAITLISTED)))
    for booking_id, _session_id in upcoming:
        services.cancel_booking(access=access, booking_id=booking_id)
    now = timezone.now()
    for membership in lock_rows(GroupMembership.objects.filter(
        person=person, status__in=[GroupMembership.Status.MEMBER, GroupMembership.Status.REQUESTED]
    )):
        membership.status = GroupMembership.Status.LEFT
        membership.decided_at = now
        membership._history_user = by
        membership.save()
    # No history to write: the ages are not audited (Booking.history excludes them).
    Booking.objects.filter(person=person).exclude(childcare_ages="").update(childcare_ages="")
    CalendarFeedToken.objects.filter(person=person).delete()
