"""Advice's integrity checks (`manage.py check_integrity`, through the registry)."""

from typing import Callable

from django.db.models import Exists, OuterRef
from django.utils import timezone

from carehub.integrity import Check


def _overlapping_appointments(field: str, end: str) -> Callable[[], list[str]]:
    def run() -> list[str]:
        from .models import Appointment

        live = Appointment.objects.exclude(status=Appointment.Status.CANCELLED)
        overlapping = live.filter(**{field: OuterRef(field)}, pk__gt=OuterRef("pk"),
                                  starts_at__lt=OuterRef(end), **{f"{end}__gt": OuterRef("starts_at")})
        rows = live.filter(Exists(overlapping)).order_by(field, "starts_at").values_list("pk", field, "starts_at")
        who = "advisor" if field == "advisor_id" else "person"
        return [f"appointment {pk} overlaps a later one of the same {who} (id {owner}) from {starts:%Y-%m-%d %H:%M}"
                for pk, owner, starts in rows]

    return run


def _erased_people_with_appointments() -> list[str]:
    from carehub.models import Person

    from .models import Appointment

    rows = Person.objects.filter(erased_at__isnull=False).filter(
        Exists(Appointment.objects.filter(person=OuterRef("pk"), status="booked", starts_at__gt=timezone.now()))
    ).values_list("pk", flat=True)
    return [f"person {pk} is erased but still has an upcoming appointment" for pk in rows]


def checks() -> list[Check]:
    return [
        Check("advisor_no_overlap", "No advisor has overlapping appointments (buffer included)",
              _overlapping_appointments("advisor_id", "blocked_until")),
        Check("person_no_overlap", "No person has overlapping advice appointments",
              _overlapping_appointments("person_id", "ends_at")),
        Check("erased_without_appointments", "An erased person has no upcoming appointment",
              _erased_people_with_appointments),
    ]
