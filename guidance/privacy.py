"""Guidance's part of a person's data rights (see carehub/privacy.py for the hook contract).

Export: every attention of the person (hub, when, channel, topics, outcome, the desk's notes, referrals,
follow-up) and their online questions with the answers. The notes are about them: they get them.
Erasure: the free text (outcome, notes, question, answer) is wiped from the live rows and the history rows;
the hub, dates, channel, status, topics, referrals and follow-up dates stay for the figures.
"""

from carehub.locking import lock_rows
from carehub.privacy import iso

from .models import Attention

TEXT_FIELDS = {"outcome": "", "notes": "", "question": "", "answer": ""}
LIVE_ONLY = {"answer_key": ""}  # the answer page's secret is not in the history


def export_person(person) -> dict:
    attentions = Attention.objects.filter(person=person).select_related("hub").prefetch_related(
        "topics", "referrals__resource").order_by("attended_at", "pk")
    return {
        "attentions": [
            {
                "id": a.pk,
                "hub": a.hub.slug,
                "at": iso(a.attended_at),
                "channel": a.channel,
                "status": a.status,
                "topics": [t.key for t in sorted(a.topics.all(), key=lambda t: (t.position, t.pk))],
                "outcome": a.outcome,
                "notes": a.notes,
                "question": a.question,
                "answer": a.answer,
                "answered_at": iso(a.answered_at),
                "referrals": [
                    {"kind": r.kind, "resource": r.resource.name if r.resource_id else None}
                    for r in sorted(a.referrals.all(), key=lambda r: r.pk)
                ],
                "follow_up_on": iso(a.follow_up_on),
                "followed_up_at": iso(a.follow_up_done_at),
            }
            for a in attentions
        ],
    }


def erasure_preview(person) -> dict:
    return {"attentions": Attention.objects.filter(person=person).count()}


def erase_person(person, *, by) -> None:
    """Runs inside the core's erasure transaction, which has locked the person row."""
    attentions = lock_rows(Attention.objects.filter(person=person))
    for attention in attentions:
        if any(getattr(attention, name) for name in {**TEXT_FIELDS, **LIVE_ONLY}):
            for name, value in {**TEXT_FIELDS, **LIVE_ONLY}.items():
                setattr(attention, name, value)
            attention._history_user = by
            attention._change_reason = None
            attention.save()
    # A history row's change reason may be free text too.
    Attention.history.model.objects.filter(person_id=person.pk).update(**TEXT_FIELDS, history_change_reason=None)
