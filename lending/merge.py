"""Lending's part of merging two records of one person (carehub.services.merge_people)."""

from django.utils.translation import gettext as _

from carehub import errors
from carehub.locking import lock_rows
from carehub.services import reassign

from .models import Hold, HoldStatus, Loan

ACTIVE_HOLD = (HoldStatus.WAITING, HoldStatus.OFFERED)


def merge_person(duplicate, kept, *, by) -> None:
    """Holds and loans move to the kept person. Refused when both wait for the same type at the same hub: one
    person holds one place in a queue (the database says so too), and which place to keep is the desk's call."""
    holds = lock_rows(Hold.objects.filter(person__in=[duplicate, kept]).select_related("item_type", "hub"))
    waiting = {(h.item_type_id, h.hub_id): h for h in holds if h.person_id == kept.pk and h.status in ACTIVE_HOLD}
    for hold in holds:
        if hold.person_id == duplicate.pk and hold.status in ACTIVE_HOLD and (hold.item_type_id, hold.hub_id) in waiting:
            raise errors.Conflict(
                _("Both are waiting for %(type)s at %(hub)s. Cancel one of the two holds, then merge.")
                % {"type": hold.item_type.name, "hub": hold.hub.name},
                code="merge_holds_clash",
            )
    reassign(holds, fields=("person",), duplicate=duplicate, kept=kept, by=by)
    loans = lock_rows(Loan.objects.filter(borrower=duplicate) | Loan.objects.filter(for_person=duplicate))
    reassign(loans, fields=("borrower", "for_person"), duplicate=duplicate, kept=kept, by=by)
