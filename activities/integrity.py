"""Activities' integrity checks (`manage.py check_integrity`, through the registry)."""

from django.db.models import Exists, F, OuterRef, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from carehub.integrity import Check


def _confirmed_places():
    """The places a session's confirmed bookings hold: one each, plus its companions."""
    return Coalesce(Sum(F("bookings__companions") + 1, filter=Q(bookings__status="confirmed")), Value(0))


def _sessions_over_capacity() -> list[str]:
    from .models import Session

    rows = (Session.objects.annotate(confirmed=_confirmed_places())
            .filter(confirmed__gt=F("capacity")).values_list("pk", "confirmed", "capacity"))
    # Worded as before companions existed (the places are the bookings' when nobody brings anyone).
    return [f"session {pk} has {n} confirmed bookings for {cap} places" for pk, n, cap in rows]


def _session_counters() -> list[str]:
    from .models import Session

    rows = (Session.objects.annotate(confirmed=_confirmed_places())
            .exclude(confirmed=F("confirmed_count")).values_list("pk", "confirmed", "confirmed_count"))
    return [f"session {pk} counts {counter} confirmed places but its confirmed bookings hold {n}"
            for pk, n, counter in rows]


def _childcare_counters() -> list[str]:
    from .models import Session

    children = Coalesce(Sum("bookings__childcare_places", filter=Q(bookings__status="confirmed")), Value(0))
    rows = (Session.objects.annotate(children=children)
            .filter(Q(children__gt=F("childcare_places")) | ~Q(children=F("childcare_confirmed")))
            .values_list("pk", "children", "childcare_confirmed", "childcare_places"))
    return [f"session {pk} counts {counter} children in childcare ({places} places) but its confirmed bookings "
            f"bring {n}" for pk, n, counter, places in rows]


def _erased_people_with_bookings() -> list[str]:
    from carehub.models import Person

    from .models import Booking

    rows = Person.objects.filter(erased_at__isnull=False).filter(
        Exists(Booking.objects.filter(person=OuterRef("pk"), session__starts_at__gt=timezone.now())
               .exclude(status="cancelled"))
    ).values_list("pk", flat=True)
    return [f"person {pk} is erased but still has an upcoming booking" for pk in rows]


def checks() -> list[Check]:
    return [
        Check("session_within_capacity", "No session has more confirmed places (companions included) than places",
              _sessions_over_capacity),
        Check("session_counter_matches",
              "A session's confirmed counter matches its confirmed bookings' places (companions included)",
              _session_counters),
        Check("childcare_counter_matches",
              "A session's childcare counter matches its confirmed bookings' children, within its places",
              _childcare_counters),
        Check("erased_without_bookings", "An erased person has no upcoming booking", _erased_people_with_bookings),
    ]
