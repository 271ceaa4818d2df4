"""News's part of merging two records of one person (carehub.services.merge_people).

The duplicate's digest subscriptions move to the person kept. Where both had one for the same hub, the kept
person's row stays (active if either was: they asked for it on one record), and the duplicate's row is
deleted (its history keeps it, with who merged); the duplicate's old unsubscribe links then say the link no
longer works, and the kept row's links go on working. Never refused."""

from django.utils import timezone

from carehub.services import reassign

from .models import DigestSubscription


def merge_person(duplicate, kept, *, by) -> None:
    rows = list(DigestSubscription.objects.filter(person__in=[duplicate, kept]).order_by("pk"))
    kept_by_hub = {row.hub_id: row for row in rows if row.person_id == kept.pk}
    reason = f"merged person #{duplicate.pk} into #{kept.pk}"
    user = by if getattr(by, "is_authenticated", False) else None
    moving = []
    for row in (r for r in rows if r.person_id == duplicate.pk):
        twin = kept_by_hub.get(row.hub_id)
        if twin is None:
            moving.append(row)
            continue
        if row.is_active and not twin.is_active:
            twin.ended_at = None
            twin.subscribed_at = timezone.now()
            twin._history_user, twin._change_reason = user, reason
            twin.save()
        row._history_user, row._change_reason = user, reason
        row.delete()
    reassign(moving, fields=("person",), duplicate=duplicate, kept=kept, by=by)
