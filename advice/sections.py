"""What advice shows on the desk's person page and on a caregiver's own account page.

Never case notes: the person page is for the desk (and coordinators), who may see that an appointment exists,
its time, service and reason, but not what the advisor wrote. Both lists are capped.
"""

from django.utils import timezone

from carehub import permissions

from . import selectors

SHOWN = 10


def person_context(access, person) -> dict:
    """Upcoming appointments of the person visible to the caller (the desk's hubs), without notes."""
    if not (permissions.can_act_for_people_at(access, person.home_hub_id) or access.is_admin):
        return {}
    now = timezone.now()
    upcoming = list(
        selectors.appointments_visible_to(access).filter(person=person, ends_at__gte=now, status="booked")
        .order_by("starts_at")[:SHOWN]
    )
    for appointment in upcoming:
        appointment.can_cancel = selectors.can_cancel_now(access, appointment, now=now)
    return {"upcoming": upcoming, "person": person}


def account_context(access, person) -> dict:
    """The caregiver's own upcoming appointments, each with a cancel button until it starts."""
    if access.person is None or access.person.pk != person.pk:
        return {}
    now = timezone.now()
    upcoming = list(selectors.upcoming_for_person(person, now=now).filter(status="booked")[:SHOWN])
    for appointment in upcoming:
        appointment.can_cancel = selectors.can_cancel_now(access, appointment, now=now)
    return {"upcoming": upcoming}
