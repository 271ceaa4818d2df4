"""News's part of a person's data rights (see carehub/privacy.py for the hook contract).

Export: the person's digest subscriptions (hub, since when, until when). News items hold no personal data.
Erasure: every active subscription ends (the row stays, with no personal value, and its history says the
erasure ended it); the digests already written are messages, which the core's erasure deletes.
"""

from django.utils import timezone

from carehub.privacy import iso

from .models import DigestSubscription


def export_person(person) -> dict:
    return {
        "digest_subscriptions": [
            {"hub": s.hub.slug, "subscribed_at": iso(s.subscribed_at), "ended_at": iso(s.ended_at),
             "active": s.is_active}
            for s in DigestSubscription.objects.filter(person=person).select_related("hub").order_by("pk")
        ],
    }


def erasure_preview(person) -> dict:
    return {"digest_subscriptions": DigestSubscription.objects.filter(person=person, ended_at__isnull=True).count()}


def erase_person(person, *, by) -> None:
    now = timezone.now()
    for subscription in DigestSubscription.objects.filter(person=person, ended_at__isnull=True):
        subscription.ended_at = now
        subscription._history_user = by
        subscription._change_reason = "ended by the erasure of the person's data"
        subscription.save()
