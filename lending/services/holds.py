"""Waiting lists: placing, cancelling, missed pickups, the daily expiry and manual reordering.

Locks, in this order: the person (placing a hold), the item offered to the hold (or, placing a hold, the
available items of its type at the hub), then the hold together with the waiting queue it belongs to, in
one statement so that the primary-key order holds. A hold's hub and type never change, so the queue to
lock is known from an unlocked read; its offered item may, and then the operation asks to try again.
"""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carehub import errors, permissions
from carehub.locking import lock_row, lock_rows
from carehub.models import Hub
from carehub.permissions import Access

from ..models import Hold, HoldPriority, HoldReorder, HoldStatus, Item, ItemStatus, ItemType, NeedCategory
from ._common import lock_person, lock_queue, make_ready, save, today


def _can_hold_for(access: Access, hub: Hub, person) -> bool:
    if permissions.can_act_for_people_at(access, hub.pk):
        return True
    # A caregiver joins the queue for themselves at their own hub.
    return access.person is not None and access.person.pk == person.pk and person.home_hub_id == hub.pk


@transaction.atomic
def place_hold(*, access: Access, hub: Hub, item_type: ItemType, person_id: int,
               priority: int = HoldPriority.NORMAL, need_category: str = NeedCategory.OTHER,
               notes: str = "") -> Hold:
    """Put a person in the queue for a type at a hub. If an item is ready now, it is offered at once."""
    person = lock_person(access, person_id)
    if not _can_hold_for(access, hub, person):
        raise errors.PermissionDenied(_("You cannot place holds at this hub."), code="hold_forbidden")
    if not permissions.can_act_for_people_at(access, hub.pk):
        priority = HoldPriority.NORMAL  # only staff set an urgent priority
    if priority not in HoldPriority.values:
        raise errors.ValidationFailed(_("Choose a priority."), code="priority_invalid", field="priority")
    if need_category not in NeedCategory.values:
        raise errors.ValidationFailed(_("Choose a need from the list."), code="need_invalid", field="need_category")
    hold = Hold(item_type=item_type, hub=hub, person=person, priority=priority, need_category=need_category,
                notes=(notes or "").strip()[:200], created_by=access.user)
    try:
        with transaction.atomic():
            save(hold, access.user)
    except IntegrityError:
        raise errors.Conflict(_("This person is already waiting for this type of item here."),
                              code="hold_exists")
    # The available items of the type, all locked in one statement (a handful), so that two holds placed
    # at once never both get the last one; an item lent meanwhile drops out of the locked set.
    ready = [item for item in lock_rows(Item.objects.select_related("item_type").filter(
        hub=hub, item_type=item_type, status=ItemStatus.AVAILABLE)) if item.is_lendable_on(today())]
    if ready:
        offered = make_ready(ready[0], access.user, lock_queue(hub.pk, item_type.pk))
        if offered is not None and offered.pk == hold.pk:
            return offered
    return hold


def _lock_hold(hold: Hold) -> tuple[Hold, Item | None, list[Hold]]:
    """Lock the item offered to `hold` (as an unlocked read saw it), then the hold with its waiting queue.

    Returns the fresh hold, its locked offered item and the queue. If another desk offered the hold an item
    meanwhile, that item's lock would come after the hold's: refuse with "try again" instead.
    """
    item = None
    if hold.offered_item_id:
        item = lock_row(Item.objects.select_related("item_type").filter(pk=hold.offered_item_id))
    rows = lock_queue(hold.hub_id, hold.item_type_id, also_hold_id=hold.pk)
    fresh = next(row for row in rows if row.pk == hold.pk)
    if fresh.offered_item_id is None:
        item = None  # the offer was withdrawn meanwhile: the item is no longer this hold's business
    elif item is None or fresh.offered_item_id != item.pk:
        raise errors.Conflict(code="hold_changed")
    fresh.person = hold.person
    return fresh, item, [row for row in rows if row.pk != hold.pk]


def _hold_for_update(access: Access, hold_id: int) -> tuple[Hold, Item | None, list[Hold]]:
    hold = Hold.objects.filter(pk=hold_id).select_related("person").first()
    allowed = hold is not None and (
        permissions.can_act_for_people_at(access, hold.hub_id)
        or (access.person is not None and hold.person_id == access.person.pk)
    )
    if not allowed:
        raise errors.NotFound(_("No such hold."), code="hold_not_found")
    return _lock_hold(hold)


def _pass_on(item: Item | None, user, queue: list[Hold], hold: Hold) -> None:
    """The item the hold gave up goes to the next person waiting, or to the shelf."""
    if item is not None and item.status == ItemStatus.RESERVED:
        make_ready(item, user, queue, exclude_hold_id=hold.pk)


@transaction.atomic
def cancel_hold(*, access: Access, hold_id: int) -> Hold:
    """Leave the queue (the person or the desk). An item offered to the hold goes to the next in line."""
    hold, item, queue = _hold_for_update(access, hold_id)
    if not hold.is_open:
        raise errors.Conflict(_("This hold is no longer open."), code="hold_closed")
    hold.status = HoldStatus.CANCELLED
    hold.closed_at = timezone.now()
    hold.offered_item = None
    hold.offer_expires_at = None
    save(hold, access.user)
    _pass_on(item, access.user, queue, hold)
    return hold


@transaction.atomic
def expire_offer(*, access: Access | None, hold_id: int, now=None) -> Hold:
    """A missed pickup: the hold goes to the back of the queue and the item to the next person.

    Called by the desk ("not collected") or by the daily job once the offer has lapsed (access None).
    """
    now = now or timezone.now()
    user = access.user if access is not None else None
    if access is not None:
        hold, item, queue = _hold_for_update(access, hold_id)
        if not permissions.can_act_for_people_at(access, hold.hub_id):
            raise errors.PermissionDenied(code="hold_forbidden")
    else:
        first = Hold.objects.filter(pk=hold_id).first()
        if first is None:
            raise errors.NotFound(code="hold_not_found")
        hold, item, queue = _lock_hold(first)
        if hold.status != HoldStatus.OFFERED or hold.offer_expires_at > now:
            return hold
    if hold.status != HoldStatus.OFFERED:
        raise errors.Conflict(_("This hold has no item waiting to be collected."), code="hold_not_offered")
    hold.status = HoldStatus.WAITING
    hold.priority = HoldPriority.NORMAL
    hold.queued_at = now
    hold.missed_pickups += 1
    hold.offered_item = None
    hold.offered_at = None
    hold.offer_expires_at = None
    save(hold, user, reason="missed pickup")
    _pass_on(item, user, queue, hold)
    return hold


def expire_lapsed_offers(*, now=None) -> int:
    """The daily job: every offer past its pickup deadline is expired, each in its own transaction."""
    now = now or timezone.now()
    ids = list(Hold.objects.filter(status=HoldStatus.OFFERED, offer_expires_at__lt=now).values_list("pk", flat=True))
    for hold_id in ids:
        expire_offer(access=None, hold_id=hold_id, now=now)
    return len(ids)


def _place_between(hold: Hold, others: list[Hold], to_position: int) -> list[Hold]:
    """Give `hold` the priority and queue time that put it at `to_position` among `others` (queue order).

    Holds placed at the same moment leave no time between them: then the later ones move on by a microsecond
    each, so the queue order is exactly the one asked for. Returns those other holds whose time moved.
    """
    if to_position == 1:
        hold.priority = others[0].priority
        hold.queued_at = others[0].queued_at - timedelta(seconds=1)
    else:
        before = others[to_position - 2]
        after = others[to_position - 1] if to_position - 1 < len(others) else None
        hold.priority = before.priority
        if after is not None and after.priority == before.priority and after.queued_at > before.queued_at:
            hold.queued_at = before.queued_at + (after.queued_at - before.queued_at) / 2
        else:
            hold.queued_at = before.queued_at + timedelta(microseconds=1)
    order = [*others[: to_position - 1], hold, *others[to_position - 1:]]
    moved = []
    for previous, current in zip(order, order[1:]):
        if current.priority == previous.priority and (current.queued_at, current.pk) <= (previous.queued_at,
                                                                                        previous.pk):
            current.queued_at = previous.queued_at + timedelta(microseconds=1)
            if current.pk != hold.pk:
                moved.append(current)
    return moved


@transaction.atomic
def reorder_hold(*, access: Access, hold_id: int, to_position: int, reason: str) -> Hold:
    """Move a waiting hold to `to_position` (1 = first) in its queue. The reason is recorded.

    Locks the whole queue (in primary-key order) so that two reorders do not interleave.
    """
    hold = Hold.objects.filter(pk=hold_id).first()
    if hold is None or not permissions.can_act_for_people_at(access, hold.hub_id):
        raise errors.NotFound(_("No such hold."), code="hold_not_found")
    reason = (reason or "").strip()
    if not reason:
        raise errors.ValidationFailed(_("Give a reason for changing the order."), code="reason_required",
                                      field="reason")
    queue = lock_queue(hold.hub_id, hold.item_type_id)
    ids = [h.pk for h in queue]
    if hold.pk not in ids:
        raise errors.Conflict(_("Only a waiting hold can be moved."), code="hold_not_waiting")
    from_position = ids.index(hold.pk) + 1
    hold = queue[from_position - 1]
    others = [h for h in queue if h.pk != hold.pk]
    to_position = max(1, min(int(to_position), len(queue)))
    if to_position == from_position:
        raise errors.ValidationFailed(_("The hold is already at this place."), code="same_position",
                                      field="to_position")
    for other in _place_between(hold, others, to_position):
        save(other, access.user, reason=reason[:100])
    save(hold, access.user, reason=reason[:100])
    HoldReorder.objects.create(hold=hold, moved_by=access.user, from_position=from_position,
                               to_position=to_position, reason=reason[:200])
    return hold


