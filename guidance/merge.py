"""Guidance's part of merging two records of one person (carehub.services.merge_people)."""

from carehub.locking import lock_rows
from carehub.services import reassign

from .models import Attention


def merge_person(duplicate, kept, *, by) -> None:
    """Attentions (with their questions, answers and referrals) move to the kept person. Nothing refuses: two
    consultations of one person never clash."""
    attentions = lock_rows(Attention.objects.filter(person=duplicate))
    reassign(attentions, fields=("person",), duplicate=duplicate, kept=kept, by=by)
