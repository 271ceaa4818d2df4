"""What activities shows on the desk's person page and on a caregiver's own account page.

A person's support-group memberships are shown only to whoever may manage that group (its facilitator, the
hub's coordinator): the desk sees the person's open-activity bookings, never the circles they belong to.
"""

from django.conf import settings

from carehub import permissions
from carehub.permissions import Access

from . import selectors, services
from .models import Booking, GroupMembership


def person_context(access: Access, person) -> dict:
    if not permissions.can_list_people(access):
        return {}
    bookings = [
        booking for booking in selectors.bookings_of(person)[:20]
        if permissions.can_see_session_participants(access, booking.session)
    ]
    groups = [
        membership for membership in selectors.memberships_of(person).select_related("activity__hub")
        if permissions.can_manage_support_group(access, membership.activity)
    ]
    attended = person.activity_bookings.filter(attendance=Booking.Attendance.ATTENDED).count()
    return {"bookings": bookings, "memberships": groups, "attended": attended}


def account_context(access: Access, person) -> dict:
    if access.person is None or access.person.pk != person.pk:
        return {}
    token = services.feed_token_for(person=person)
    return {
        "bookings": list(selectors.bookings_of(person)[:5]),
        "memberships": list(selectors.memberships_of(person).filter(status=GroupMembership.Status.MEMBER)),
        "feed_url": f"{settings.SITE_URL}{token.get_absolute_url()}",
    }
