"""Activities' part of merging two records of one person (carehub.services.merge_people)."""

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from carehub import errors
from carehub.locking import lock_rows
from carehub.services import reassign

from .models import Booking, CalendarFeedToken, GroupAttendance, GroupMembership


def _when(session) -> str:
    return formats.date_format(timezone.localtime(session.starts_at), "SHORT_DATETIME_FORMAT")


def merge_person(duplicate, kept, *, by) -> None:
    """Bookings, group memberships and attendance move to the kept person; the duplicate's calendar links
    stop working. Refused when both have a live booking of the same session, or are both in the same support
    group: the person would be counted twice, and which booking to keep is the desk's call."""
    bookings = lock_rows(Booking.objects.filter(person__in=[duplicate, kept])
                         .select_related("session__activity"))
    live = {b.session_id for b in bookings if b.person_id == kept.pk and b.status != Booking.Status.CANCELLED}
    for booking in bookings:
        if booking.person_id == duplicate.pk and booking.status != Booking.Status.CANCELLED and booking.session_id in live:
            raise errors.Conflict(
                _("Both are booked on %(activity)s, %(when)s. Cancel one of the two bookings, then merge.")
                % {"activity": booking.session.activity.title, "when": _when(booking.session)},
                code="merge_bookings_clash",
            )
    memberships = lock_rows(GroupMembership.objects.filter(person__in=[duplicate, kept]).select_related("activity"))
    groups = {m.activity_id for m in memberships if m.person_id == kept.pk}
    for membership in memberships:
        if membership.person_id == duplicate.pk and membership.activity_id in groups:
            raise errors.Conflict(
                _("Both are in the support group %(group)s. Remove one of the two from the group, then merge.")
                % {"group": membership.activity.title},
                code="merge_groups_clash",
            )
    reassign(bookings, fields=("person",), duplicate=duplicate, kept=kept, by=by)
    reassign(memberships, fields=("person",), duplicate=duplicate, kept=kept, by=by)
    # Support-group attendance: a session attended under both records is one attendance.
    attended = set(GroupAttendance.objects.filter(person=kept).values_list("session_id", flat=True))
    GroupAttendance.objects.filter(person=duplicate, session_id__in=attended).delete()
    reassign(GroupAttendance.objects.filter(person=duplicate), fields=("person",), duplicate=duplicate, kept=kept, by=by)
    tokens = lock_rows(CalendarFeedToken.objects.filter(person=duplicate))
    CalendarFeedToken.objects.filter(pk__in=[t.pk for t in tokens], revoked_at__isnull=True).update(
        revoked_at=timezone.now())
    CalendarFeedToken.objects.filter(pk__in=[t.pk for t in tokens]).update(person=kept)
