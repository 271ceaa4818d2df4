"""The stock: cleaning, repair, safety checks, taking items in and retiring them.

Locks, in this order: the item, then the waiting queue of its type at its hub when the item becomes
lendable (it is offered to the head of the queue), or the hold it was offered to when it no longer can be.
"""

from datetime import date

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from carehub import errors, permissions
from carehub.models import Hub
from carehub.permissions import Access

from ..models import Cleaning, Condition, Item, ItemStatus, ItemType
from ..tags import clean_tag
from ._common import lock_item, lock_queue, make_ready, reopen_offer_for, save, today, unavailable


def _make_ready_in_queue(item: Item, user) -> None:
    make_ready(item, user, lock_queue(item.hub_id, item.item_type_id))


@transaction.atomic
def mark_cleaned(*, access: Access, item_tag: str, notes: str = "") -> Cleaning:
    """Record the cleaning step (who, when, which protocol); then the item is offered or available."""
    item = lock_item(item_tag, access)
    if item.status != ItemStatus.CLEANING:
        raise errors.Conflict(_("This item is not waiting to be cleaned."), code="item_not_cleaning")
    cleaning = Cleaning.objects.create(item=item, cleaned_by=access.user, protocol=item.item_type.protocol,
                                       notes=(notes or "").strip()[:200])
    _make_ready_in_queue(item, access.user)
    return cleaning


@transaction.atomic
def mark_repaired(*, access: Access, item_tag: str, condition: str = Condition.GOOD, notes: str = "") -> Item:
    """A repaired item goes to cleaning if its type needs it, else back to the queue or the shelf."""
    item = lock_item(item_tag, access)
    if item.status != ItemStatus.IN_REPAIR:
        raise errors.Conflict(_("This item is not in repair."), code="item_not_in_repair")
    if condition not in (Condition.GOOD, Condition.FAIR):
        raise errors.ValidationFailed(_("A repaired item is in good or fair condition."), code="condition_invalid",
                                      field="condition")
    item.condition = condition
    if notes:
        item.notes = f"{item.notes}\n{notes}".strip()
    if item.item_type.needs_cleaning:
        item.status = ItemStatus.CLEANING
        save(item, access.user)
    else:
        _make_ready_in_queue(item, access.user)
    return item


@transaction.atomic
def record_safety_check(*, access: Access, item_tag: str, passed: bool, notes: str = "") -> Item:
    """A periodic safety check (powered beds, lifts), dated today. A failed check sends an idle item to repair;
    a passed one makes an item on the shelf lendable again, so it is offered to the head of its queue."""
    item = lock_item(item_tag, access)
    if notes:
        item.notes = f"{item.notes}\n{notes}".strip()
    if passed:
        item.last_safety_check_on = today()
        if item.status == ItemStatus.AVAILABLE:
            _make_ready_in_queue(item, access.user)
            return item
    elif item.status in (ItemStatus.AVAILABLE, ItemStatus.CLEANING, ItemStatus.RESERVED):
        if item.status == ItemStatus.RESERVED:
            reopen_offer_for(item, access.user)
        item.status = ItemStatus.IN_REPAIR
    save(item, access.user)
    return item


def _check_intake_dates(item_type: ItemType, expires_on: date | None, last_safety_check_on: date | None) -> None:
    if expires_on is None and item_type.max_age_years:
        raise errors.ValidationFailed(_("This type of item expires: enter its expiry date."),
                                      code="expires_on_required", field="expires_on")
    # A check "done" in the future would keep the item lendable for ever (and once broke its page).
    if last_safety_check_on is not None and last_safety_check_on > today():
        raise errors.ValidationFailed(_("The last safety check cannot be in the future."),
                                      code="safety_check_in_future", field="last_safety_check_on")


@transaction.atomic
def take_in_item(
    *,
    access: Access,
    hub: Hub,
    item_type: ItemType,
    asset_tag: str,
    condition: str = Condition.GOOD,
    donated: bool = False,
    intake_notes: str = "",
    expires_on: date | None = None,
    last_safety_check_on: date | None = None,
) -> Item:
    """Add an item to a hub's stock, e.g. a donation after its condition check.

    A damaged item goes to repair; otherwise to cleaning when its type needs it, else to the queue.
    """
    if not permissions.can_act_for_people_at(access, hub.pk):
        raise errors.PermissionDenied(_("You cannot add stock at this hub."), code="stock_forbidden")
    if not str(asset_tag or "").strip():
        raise errors.ValidationFailed(_("Enter an asset tag."), code="asset_tag_required", field="asset_tag")
    asset_tag = clean_tag(asset_tag)
    if condition not in Condition.values:
        raise errors.ValidationFailed(_("Choose a condition."), code="condition_invalid", field="condition")
    if donated and not (intake_notes or "").strip():
        raise errors.ValidationFailed(_("Describe the condition check of the donated item."),
                                      code="intake_notes_required", field="intake_notes")
    _check_intake_dates(item_type, expires_on, last_safety_check_on)
    item = Item(asset_tag=asset_tag, item_type=item_type, hub=hub, condition=condition, donated=donated,
                intake_notes=(intake_notes or "").strip(), expires_on=expires_on,
                last_safety_check_on=last_safety_check_on, status=ItemStatus.AVAILABLE)
    if condition == Condition.DAMAGED:
        item.status = ItemStatus.IN_REPAIR
    elif item_type.needs_cleaning:
        item.status = ItemStatus.CLEANING
    try:
        with transaction.atomic():
            save(item, access.user)
    except IntegrityError:
        raise errors.Conflict(_("Another item already has this asset tag."), code="asset_tag_taken",
                              field="asset_tag")
    if item.status == ItemStatus.AVAILABLE:
        queue = lock_queue(hub.pk, item_type.pk)
        if queue:
            make_ready(item, access.user, queue)
    return item


@transaction.atomic
def retire_item(*, access: Access, item_tag: str, reason: str) -> Item:
    """Take an item out of service for good (coordinators)."""
    item = lock_item(item_tag, access)
    if not permissions.can_coordinate(access, item.hub_id):
        raise errors.PermissionDenied(_("Only the hub's coordinator can retire items."), code="retire_forbidden")
    reason = (reason or "").strip()
    if not reason:
        raise errors.ValidationFailed(_("Give a reason for retiring the item."), code="reason_required",
                                      field="reason")
    if item.status in (ItemStatus.ON_LOAN, ItemStatus.IN_TRANSIT):
        raise unavailable(item)
    if item.status == ItemStatus.RETIRED:
        raise errors.Conflict(_("This item is already retired."), code="item_retired")
    if item.status == ItemStatus.RESERVED:
        reopen_offer_for(item, access.user)
    item.status = ItemStatus.RETIRED
    item.notes = f"{item.notes}\n{reason}".strip()
    save(item, access.user, reason=reason[:100])
    return item
