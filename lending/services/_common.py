"""Helpers the lending services share: saving with the actor, locking an item, a person or a queue, and
handing a lendable item to the head of its queue.

Lock order (carehub.locking.LOCK_ORDER): the person, then items, then holds, then loans, then transfers,
each in primary-key order. The helpers here take one step each; the services call them in that order.
"""

from datetime import date, timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carehub import errors, i18n, permissions
from carehub.locking import lock_row, lock_rows
from carehub.notifications import notify
from carehub.permissions import Access
from carehub.selectors import people_visible_to

from ..errors import ItemUnavailable
from ..models import Hold, HoldStatus, Item, ItemStatus
from ..tags import lookup_values

# How long an offered item stays reserved for the person at the head of the queue.
OFFER_DAYS = 3
# The longest loan a desk can set by hand.
MAX_LOAN_DAYS = 730


def save(instance, user, *, reason: str | None = None, **kwargs):
    """Save through the model so that simple-history writes a row naming the acting user.

    Pages and token calls have `request.user` recorded by the history middleware already; services also run
    without a request (the daily job, an erasure from the command line, tests), so they name the actor
    themselves, the same user in either case. `user` None = the system (the daily job).
    """
    instance._history_user = user if getattr(user, "is_authenticated", False) else None
    if reason:
        instance._change_reason = reason
    instance.save(**kwargs)
    return instance


def today() -> date:
    return timezone.localdate()


def lock_person(access: Access, person_id: int):
    """The person, locked (rank 1: before anything of theirs), as the caller may see them; NotFound otherwise.

    Locking the person makes a loan or a hold and an erasure of that person (which locks them too) take turns,
    so an erased person never keeps an item or a place in a queue.
    """
    if not access.is_authenticated:
        raise errors.NotAuthenticated()
    person = lock_row(people_visible_to(access).filter(pk=person_id))
    if person is None or person.erased_at is not None:
        raise errors.NotFound(_("No person with this number in your hub."), code="person_not_found")
    return person


def lock_item(tag: str, access: Access | None = None) -> Item:
    """The item with this tag (any case), locked. NotFound when unknown or outside the caller's hubs."""
    item = lock_row(Item.objects.select_related("item_type", "hub").filter(asset_tag__in=lookup_values(tag)))
    if item is None or (access is not None and not permissions.can_act_for_people_at(access, item.hub_id)):
        raise errors.NotFound(_("No item with this tag at your hub."), code="item_not_found", field="item")
    return item


def lock_queue(hub_id: int, item_type_id: int, *, also_hold_id: int | None = None) -> list[Hold]:
    """Lock the waiting holds for a type at a hub (and `also_hold_id`, in the same statement so that the
    primary-key order holds), returned in queue order: priority, then time in the queue, then id."""
    waiting = Q(hub_id=hub_id, item_type_id=item_type_id, status=HoldStatus.WAITING)
    rows = lock_rows(Hold.objects.filter(waiting | Q(pk=also_hold_id) if also_hold_id else waiting))
    return sorted(rows, key=lambda hold: (hold.priority, hold.queued_at, hold.pk))


def unavailable(item: Item) -> errors.DomainError:
    messages = {
        ItemStatus.ON_LOAN: (_("This item is already on loan."), "item_unavailable"),
        ItemStatus.CLEANING: (_("This item is waiting to be cleaned and cannot be lent yet."), "item_unavailable"),
        ItemStatus.IN_REPAIR: (_("This item is in repair and cannot be lent."), "item_unavailable"),
        ItemStatus.IN_TRANSIT: (_("This item is on its way to another hub."), "item_unavailable"),
        ItemStatus.RETIRED: (_("This item is retired and cannot be lent."), "item_retired"),
    }
    message, code = messages.get(item.status, (_("This item is not available to lend."), "item_unavailable"))
    return ItemUnavailable(message, code=code, field="item")


def make_ready(item: Item, user, queue: list[Hold], *, exclude_hold_id: int | None = None) -> Hold | None:
    """`item` (locked) is lendable again: it goes to the first waiting hold of `queue` (its type's queue at its
    hub, locked by `lock_queue`), or to the shelf. Saves the item (once) with any other field the caller changed.

    The hold becomes "offered" for OFFER_DAYS and the item "reserved"; the person is told through the
    notification layer in this same transaction (`tell_item_ready`).
    """
    hold = next((h for h in queue if h.status == HoldStatus.WAITING and h.pk != exclude_hold_id), None)
    # An expired item, or one due for its safety check, goes to the shelf but is never offered: it waits there,
    # not counted as available, until a check is recorded (or it is retired).
    if hold is None or item.blocked_reason(today()):
        item.status = ItemStatus.AVAILABLE
        save(item, user)
        return None
    item.status = ItemStatus.RESERVED
    save(item, user)
    now = timezone.now()
    hold.status = HoldStatus.OFFERED
    hold.offered_item = item
    hold.offered_at = now
    hold.offer_expires_at = now + timedelta(days=OFFER_DAYS)
    save(hold, user)
    tell_item_ready(hold, item)
    return hold


def tell_item_ready(hold: Hold, item: Item) -> None:
    """Write the "ready to collect" message for the hold's person in the caller's transaction.

    Only the outbox row is written here (carehub.notifications): a mail server that is down cannot fail the
    return, cleaning or transfer that made the offer, and a rollback takes the message back with the offer.
    The hub is the hold's (where the item waits); the occasion is the offer's moment, so an offer made again
    after a missed pickup is a new message while a retried one is not.
    """
    offered = Hold.objects.select_related("person", "hub").get(pk=hold.pk)
    notify(offered.person, kind="item_ready", hub=offered.hub, related=offered,
           occasion=hold.offered_at.isoformat(), context={"item_type": i18n.content(item.item_type, "name")})


def reopen_offer_for(item: Item, user) -> None:
    """The item (locked) offered to a hold cannot be lent after all: the hold waits again at its old place."""
    hold = lock_row(Hold.objects.filter(offered_item=item, status=HoldStatus.OFFERED))
    if hold is not None:
        hold.status = HoldStatus.WAITING
        hold.offered_item = None
        hold.offered_at = None
        hold.offer_expires_at = None
        save(hold, user)
