"""Advice's part of merging two records of one person (carehub.services.merge_people)."""

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from carehub import errors
from carehub.locking import lock_rows
from carehub.services import reassign

from .models import Appointment


def merge_person(duplicate, kept, *, by) -> None:
    """Appointments (with their case notes, which belong to the appointment) move to the kept person.
    Refused when two of their booked appointments overlap: one person cannot be in both."""
    appointments = lock_rows(Appointment.objects.filter(person__in=[duplicate, kept]).select_related("service"))
    booked = [a for a in appointments if a.status == Appointment.Status.BOOKED]
    for mine in (a for a in booked if a.person_id == duplicate.pk):
        for theirs in (a for a in booked if a.person_id == kept.pk):
            if mine.starts_at < theirs.ends_at and theirs.starts_at < mine.ends_at:
                raise errors.Conflict(
                    _("Their appointments of %(when)s overlap (%(first)s and %(second)s). Cancel one, then merge.")
                    % {"when": formats.date_format(timezone.localtime(mine.starts_at), "SHORT_DATETIME_FORMAT"),
                       "first": mine.service.name, "second": theirs.service.name},
                    code="merge_appointments_clash",
                )
    reassign(appointments, fields=("person",), duplicate=duplicate, kept=kept, by=by)
