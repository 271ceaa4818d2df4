"""Every write in the lending bank. One function = one business operation = one transaction.

Locks: an operation on an item locks the Item row first (`select_for_update`), then the loan or hold rows
it touches, always in that order, so two desks never deadlock. Each rule is checked *after* the lock, so
the second of two simultaneous requests sees the first one's result. The one-active-loan-per-item rule is
also a partial unique constraint (SQLite has no row locks).

Every changed row is saved with `_history_user` set to the acting user, so django-simple-history records
who did it whether the call came from a page, the API with a bearer token, or a cron job (no user).
"""

from datetime import date, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carehub import errors, permissions
from carehub.models import Hub
from carehub.permissions import Access
from carehub.selectors import person_for

from .models import (
    Cleaning,
    Condition,
    Hold,
    HoldPriority,
    HoldReorder,
    HoldStatus,
    Item,
    ItemStatus,
    ItemType,
    Loan,
    NeedCategory,
    ReturnCondition,
    Transfer,
    TransferStatus,
)

# How long an offered item stays reserved for the person at the head of the queue.
OFFER_DAYS = 3
# The longest loan a desk can set by hand.
MAX_LOAN_DAYS = 730


def _save(instance, user, *, reason: str | None = None, **kwargs):
    """Save through the model so simple-history writes a row naming the acting user."""
    instance._history_user = user if getattr(user, "is_authenticated", False) else None
    if reason:
        instance._change_reason = reason
    instance.save(**kwargs)
    return instance


def _today() -> date:
    return timezone.localdate()


def normalise_tag(tag) -> str:
    """Asset tags are stored upper-case; a scanner or a person may type them in any case."""
    return str(tag or "").strip().upper()[:32]


def _lock_item(tag: str, access: Access | None = None) -> Item:
    """The item with this tag, locked. NotFound when unknown or outside the caller's hubs."""
    item = (
        Item.objects.select_for_update(of=("self",))
        .select_related("item_type", "hub")
        .filter(asset_tag=normalise_tag(tag))
        .first()
    )
    if item is None or (access is not None and not permissions.can_act_for_people_at(access, item.hub_id)):
        raise errors.NotFound(_("No item with this tag at your hub."), code="item_not_found", field="item")
    return item


def _lock_loan(access: Access, loan_id: int) -> tuple[Loan, Item]:
    """Lock the loan's item, then the loan (the same order as lending)."""
    loan = Loan.objects.filter(pk=loan_id).only("item_id", "hub_id").first()
    if loan is None or not permissions.can_act_for_people_at(access, loan.hub_id):
        raise errors.NotFound(_("No such loan at your hub."), code="loan_not_found")
    item = Item.objects.select_for_update(of=("self",)).select_related("item_type", "hub").get(pk=loan.item_id)
    loan = Loan.objects.select_for_update(of=("self",)).select_related("borrower").get(pk=loan_id)
    return loan, item


def _unavailable(item: Item) -> errors.DomainError:
    messages = {
        ItemStatus.ON_LOAN: (_("This item is already on loan."), "item_unavailable"),
        ItemStatus.CLEANING: (_("This item is waiting to be cleaned and cannot be lent yet."), "item_unavailable"),
        ItemStatus.IN_REPAIR: (_("This item is in repair and cannot be lent."), "item_unavailable"),
        ItemStatus.IN_TRANSIT: (_("This item is on its way to another hub."), "item_unavailable"),
        ItemStatus.RETIRED: (_("This item is retired and cannot be lent."), "item_retired"),
    }
    message, code = messages.get(item.status, (_("This item is not available to lend."), "item_unavailable"))
    return errors.ItemUnavailable(message, code=code, field="item")


# --- holds: offering ready items --------------------------------------------------------------------------
def _make_ready(item: Item, user, *, exclude_hold_id: int | None = None) -> Hold | None:
    """`item` (locked) is lendable again: it goes to the first waiting hold of its type at its hub, or to
    the shelf. Saves the item (once) with any other field the caller changed.

    The hold becomes "offered" for OFFER_DAYS and the item "reserved"; the person gets an email after commit.
    """
    holds = Hold.objects.select_for_update(of=("self",)).filter(
        hub_id=item.hub_id, item_type_id=item.item_type_id, status=HoldStatus.WAITING
    )
    if exclude_hold_id:
        holds = holds.exclude(pk=exclude_hold_id)
    hold = holds.order_by("priority", "queued_at", "id").first()
    if hold is None or item.is_expired(_today()):
        item.status = ItemStatus.AVAILABLE
        _save(item, user)
        return None
    item.status = ItemStatus.RESERVED
    _save(item, user)
    now = timezone.now()
    hold.status = HoldStatus.OFFERED
    hold.offered_item = item
    hold.offered_at = now
    hold.offer_expires_at = now + timedelta(days=OFFER_DAYS)
    _save(hold, user)
    from . import notifications

    hold_id = hold.pk
    transaction.on_commit(lambda: notifications.send_item_ready(hold_id))
    return hold


def _release_offer(hold: Hold, user) -> Item | None:
    """Free the item offered to `hold` (locked), returning the locked item."""
    if hold.offered_item_id is None:
        return None
    item = Item.objects.select_for_update(of=("self",)).select_related("item_type").get(pk=hold.offered_item_id)
    return item


# --- loans ----------------------------------------------------------------------------------------------
@transaction.atomic
def lend_item(
    *,
    access: Access,
    item_tag: str,
    borrower_id: int,
    due_on: date | None = None,
    for_person_id: int | None = None,
    for_name: str = "",
    need_category: str = NeedCategory.OTHER,
    referral_reference: str = "",
    override_reason: str = "",
    deposit_waived: bool = False,
    deposit_waiver_reason: str = "",
) -> Loan:
    """Lend the item with `item_tag` to a person. Locks the item row, then checks every rule.

    Refuses (and changes nothing) when the item is not available, is reserved for someone else, has
    expired or is overdue for its safety check; when the due date is in the past; when the type needs a
    referral and none is given; and when the borrower holds an overdue item and no override reason is given.
    """
    item = _lock_item(item_tag, access)
    borrower = person_for(access, borrower_id)
    today = _today()
    item_type = item.item_type

    if due_on is None:
        due_on = today + timedelta(days=item_type.default_loan_days)
    if due_on < today:
        raise errors.ValidationFailed(_("The due date cannot be in the past."), code="due_on_in_past",
                                      field="due_on")
    if due_on > today + timedelta(days=MAX_LOAN_DAYS):
        raise errors.ValidationFailed(_("A loan cannot last more than two years."), code="due_on_too_far",
                                      field="due_on")

    hold = None
    if item.status == ItemStatus.RESERVED:
        hold = Hold.objects.select_for_update(of=("self",)).filter(
            offered_item=item, status=HoldStatus.OFFERED
        ).first()
        if hold is None or hold.person_id != borrower.pk:
            raise errors.ItemReserved(_("This item is reserved for someone else waiting for it."),
                                      field="item")
    elif item.status != ItemStatus.AVAILABLE:
        raise _unavailable(item)
    if item.is_expired(today):
        raise errors.Conflict(_("This item passed its expiry date and cannot be lent."), code="item_expired",
                              field="item")
    if item.safety_check_overdue(today):
        raise errors.Conflict(_("This item's safety check is overdue. Record a check before lending it."),
                              code="safety_check_overdue", field="item")

    referral_reference = (referral_reference or "").strip()
    if item_type.requires_referral and not referral_reference:
        raise errors.ValidationFailed(
            _("This type of item needs a professional's referral. Enter its reference."),
            code="referral_required", field="referral_reference",
        )
    if need_category not in NeedCategory.values:
        raise errors.ValidationFailed(_("Choose a need from the list."), code="need_invalid", field="need_category")

    deposit_waiver_reason = (deposit_waiver_reason or "").strip()
    if deposit_waived and not deposit_waiver_reason:
        raise errors.ValidationFailed(_("Give a reason for waiving the deposit."), code="waiver_reason_required",
                                      field="deposit_waiver_reason")

    override_reason = (override_reason or "").strip()
    has_overdue = Loan.objects.filter(borrower=borrower, returned_at__isnull=True, due_on__lt=today).exists()
    if has_overdue and not override_reason:
        raise errors.BorrowerHasOverdue(
            _("This person has an overdue item. Give a reason to lend anyway."), field="override_reason"
        )

    for_person = person_for(access, for_person_id) if for_person_id else None

    loan = Loan(
        item=item,
        hub_id=item.hub_id,
        borrower=borrower,
        for_person=for_person,
        for_name="" if for_person else (for_name or "").strip()[:120],
        need_category=need_category,
        lent_by=access.user,
        due_on=due_on,
        referral_reference=referral_reference,
        override_reason=override_reason if has_overdue else "",
        deposit_eur=Decimal("0") if deposit_waived else item_type.deposit_eur,
        deposit_waived=bool(deposit_waived),
        deposit_waiver_reason=deposit_waiver_reason if deposit_waived else "",
    )
    try:
        with transaction.atomic():
            _save(loan, access.user)
    except IntegrityError:
        # Only reachable without row locks (SQLite): the partial unique index refused a second active loan.
        raise errors.ItemUnavailable(_("This item is already on loan."), field="item")
    item.status = ItemStatus.ON_LOAN
    _save(item, access.user)
    if hold is not None:
        hold.status = HoldStatus.FULFILLED
        hold.closed_at = timezone.now()
        _save(hold, access.user)
    return loan


@transaction.atomic
def return_loan(*, access: Access, loan_id: int, condition: str, notes: str = "",
                refund_deposit: bool = True) -> Loan:
    """Take an item back. Damaged → repair; needs cleaning (or the type always does) → cleaning; else it is
    offered to the first waiting hold or becomes available."""
    if condition not in ReturnCondition.values:
        raise errors.ValidationFailed(_("Choose the condition of the returned item."), code="condition_invalid",
                                      field="condition")
    loan, item = _lock_loan(access, loan_id)
    if loan.returned_at is not None:
        raise errors.LoanAlreadyReturned(_("This loan has already been returned."))
    loan.returned_at = timezone.now()
    loan.returned_to = access.user
    loan.return_condition = condition
    loan.return_notes = (notes or "").strip()
    loan.renewal_requested_at = None
    if loan.deposit_eur and not loan.deposit_waived:
        loan.deposit_refunded = bool(refund_deposit)
    _save(loan, access.user)

    if condition == ReturnCondition.DAMAGED:
        item.status = ItemStatus.IN_REPAIR
        item.condition = Condition.DAMAGED
        _save(item, access.user)
    elif condition == ReturnCondition.NEEDS_CLEANING or item.item_type.needs_cleaning:
        item.status = ItemStatus.CLEANING
        _save(item, access.user)
    else:
        _make_ready(item, access.user)
    return loan


@transaction.atomic
def renew_loan(*, access: Access, loan_id: int) -> Loan:
    """Extend an active loan by its type's loan period, from today or the due date, whichever is later.

    Refused after the type's number of renewals, and while someone is waiting for this type at the hub
    (the item should go to them).
    """
    loan, item = _lock_loan(access, loan_id)
    if loan.returned_at is not None:
        raise errors.LoanAlreadyReturned(_("This loan has already been returned."))
    if loan.renewals >= item.item_type.max_renewals:
        raise errors.Conflict(_("This loan cannot be renewed again; the item must come back."),
                              code="renewal_limit")
    if Hold.objects.filter(hub_id=loan.hub_id, item_type_id=item.item_type_id, status=HoldStatus.WAITING).exists():
        raise errors.Conflict(_("Someone is waiting for this type of item, so the loan cannot be renewed."),
                              code="renewal_blocked_by_hold")
    loan.due_on = max(loan.due_on, _today()) + timedelta(days=item.item_type.default_loan_days)
    loan.renewals += 1
    loan.renewal_requested_at = None
    _save(loan, access.user)
    return loan


@transaction.atomic
def request_renewal(*, access: Access, loan_id: int) -> Loan:
    """A caregiver asks to renew their own loan; the desk approves it with `renew_loan`."""
    person = access.person
    loan = Loan.objects.select_for_update().filter(pk=loan_id).first()
    if person is None or loan is None or loan.borrower_id != person.pk:
        raise errors.NotFound(_("No such loan."), code="loan_not_found")
    if loan.returned_at is not None:
        raise errors.LoanAlreadyReturned(_("This loan has already been returned."))
    if loan.renewal_requested_at is None:
        loan.renewal_requested_at = timezone.now()
        _save(loan, access.user)
    return loan


# --- stock ----------------------------------------------------------------------------------------------
@transaction.atomic
def mark_cleaned(*, access: Access, item_tag: str, notes: str = "") -> Cleaning:
    """Record the cleaning step (who, when, which protocol); then the item is offered or available."""
    item = _lock_item(item_tag, access)
    if item.status != ItemStatus.CLEANING:
        raise errors.Conflict(_("This item is not waiting to be cleaned."), code="item_not_cleaning")
    cleaning = Cleaning.objects.create(item=item, cleaned_by=access.user, protocol=item.item_type.protocol,
                                       notes=(notes or "").strip()[:200])
    _make_ready(item, access.user)
    return cleaning


@transaction.atomic
def mark_repaired(*, access: Access, item_tag: str, condition: str = Condition.GOOD, notes: str = "") -> Item:
    """A repaired item goes to cleaning if its type needs it, else back to the queue or the shelf."""
    item = _lock_item(item_tag, access)
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
        _save(item, access.user)
    else:
        _make_ready(item, access.user)
    return item


@transaction.atomic
def record_safety_check(*, access: Access, item_tag: str, passed: bool, notes: str = "") -> Item:
    """A periodic safety check (powered beds, lifts). A failed check sends an idle item to repair."""
    item = _lock_item(item_tag, access)
    if not permissions.can_act_for_people_at(access, item.hub_id):
        raise errors.PermissionDenied(code="stock_forbidden")
    if notes:
        item.notes = f"{item.notes}\n{notes}".strip()
    if passed:
        item.last_safety_check_on = _today()
        _save(item, access.user)
    elif item.status in (ItemStatus.AVAILABLE, ItemStatus.CLEANING, ItemStatus.RESERVED):
        if item.status == ItemStatus.RESERVED:
            _reopen_offer_for(item, access.user)
        item.status = ItemStatus.IN_REPAIR
        _save(item, access.user)
    else:
        _save(item, access.user)
    return item


def _reopen_offer_for(item: Item, user) -> None:
    """The item offered to a hold cannot be lent after all: the hold waits again at its old place."""
    hold = Hold.objects.select_for_update(of=("self",)).filter(offered_item=item, status=HoldStatus.OFFERED).first()
    if hold is not None:
        hold.status = HoldStatus.WAITING
        hold.offered_item = None
        hold.offered_at = None
        hold.offer_expires_at = None
        _save(hold, user)


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
    asset_tag = normalise_tag(asset_tag)
    if not asset_tag:
        raise errors.ValidationFailed(_("Enter an asset tag."), code="asset_tag_required", field="asset_tag")
    if condition not in Condition.values:
        raise errors.ValidationFailed(_("Choose a condition."), code="condition_invalid", field="condition")
    if donated and not (intake_notes or "").strip():
        raise errors.ValidationFailed(_("Describe the condition check of the donated item."),
                                      code="intake_notes_required", field="intake_notes")
    if expires_on is None and item_type.max_age_years:
        raise errors.ValidationFailed(_("This type of item expires: enter its expiry date."),
                                      code="expires_on_required", field="expires_on")
    item = Item(asset_tag=asset_tag, item_type=item_type, hub=hub, condition=condition, donated=donated,
                intake_notes=(intake_notes or "").strip(), expires_on=expires_on,
                last_safety_check_on=last_safety_check_on, status=ItemStatus.AVAILABLE)
    if condition == Condition.DAMAGED:
        item.status = ItemStatus.IN_REPAIR
    elif item_type.needs_cleaning:
        item.status = ItemStatus.CLEANING
    try:
        with transaction.atomic():
            _save(item, access.user)
    except IntegrityError:
        raise errors.Conflict(_("Another item already has this asset tag."), code="asset_tag_taken",
                              field="asset_tag")
    if item.status == ItemStatus.AVAILABLE and waiting_queue(hub.pk, item_type.pk).exists():
        _make_ready(item, access.user)
    return item


@transaction.atomic
def retire_item(*, access: Access, item_tag: str, reason: str) -> Item:
    """Take an item out of service for good (coordinators)."""
    item = _lock_item(item_tag, access)
    if not permissions.can_coordinate(access, item.hub_id):
        raise errors.PermissionDenied(_("Only the hub's coordinator can retire items."), code="retire_forbidden")
    reason = (reason or "").strip()
    if not reason:
        raise errors.ValidationFailed(_("Give a reason for retiring the item."), code="reason_required",
                                      field="reason")
    if item.status in (ItemStatus.ON_LOAN, ItemStatus.IN_TRANSIT):
        raise _unavailable(item)
    if item.status == ItemStatus.RETIRED:
        raise errors.Conflict(_("This item is already retired."), code="item_retired")
    if item.status == ItemStatus.RESERVED:
        _reopen_offer_for(item, access.user)
    item.status = ItemStatus.RETIRED
    item.notes = f"{item.notes}\n{reason}".strip()
    _save(item, access.user, reason=reason[:100])
    return item


# --- holds ----------------------------------------------------------------------------------------------
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
    if not access.is_authenticated:
        raise errors.NotAuthenticated()
    person = person_for(access, person_id)
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
            _save(hold, access.user)
    except IntegrityError:
        raise errors.Conflict(_("This person is already waiting for this type of item here."),
                              code="hold_exists")
    ready = (
        Item.objects.select_for_update(of=("self",)).select_related("item_type")
        .filter(hub=hub, item_type=item_type, status=ItemStatus.AVAILABLE).order_by("pk").first()
    )
    if ready is not None and ready.status == ItemStatus.AVAILABLE and not ready.is_expired(_today()):
        _make_ready(ready, access.user)
        hold.refresh_from_db()
    return hold


def _hold_for_update(access: Access, hold_id: int) -> Hold:
    hold = Hold.objects.filter(pk=hold_id).select_related("person").first()
    allowed = hold is not None and (
        permissions.can_act_for_people_at(access, hold.hub_id)
        or (access.person is not None and hold.person_id == access.person.pk)
    )
    if not allowed:
        raise errors.NotFound(_("No such hold."), code="hold_not_found")
    return _lock_hold(hold)


def _lock_hold(hold: Hold) -> Hold:
    """Lock the item offered to `hold` (if any), then the hold: the same order as lending.

    The offer may change between the unlocked read and the lock (another desk offered or released an item):
    then lock the item it points to now and read again, so that the caller always holds the lock of the item
    its hold is about.
    """
    locked_item_id = None
    for _attempt in range(3):
        if hold.offered_item_id and hold.offered_item_id != locked_item_id:
            Item.objects.select_for_update(of=("self",)).filter(pk=hold.offered_item_id).first()
            locked_item_id = hold.offered_item_id
        hold = Hold.objects.select_for_update(of=("self",)).select_related("person").get(pk=hold.pk)
        if hold.offered_item_id is None or hold.offered_item_id == locked_item_id:
            return hold
    raise errors.Conflict(code="hold_changed")


@transaction.atomic
def cancel_hold(*, access: Access, hold_id: int) -> Hold:
    """Leave the queue (the person or the desk). An item offered to the hold goes to the next in line."""
    hold = _hold_for_update(access, hold_id)
    if not hold.is_open:
        raise errors.Conflict(_("This hold is no longer open."), code="hold_closed")
    item = _release_offer(hold, access.user)
    hold.status = HoldStatus.CANCELLED
    hold.closed_at = timezone.now()
    hold.offered_item = None
    hold.offer_expires_at = None
    _save(hold, access.user)
    if item is not None and item.status == ItemStatus.RESERVED:
        _make_ready(item, access.user, exclude_hold_id=hold.pk)
    return hold


@transaction.atomic
def expire_offer(*, access: Access | None, hold_id: int, now=None) -> Hold:
    """A missed pickup: the hold goes to the back of the queue and the item to the next person.

    Called by the desk ("not collected") or by the daily job once the offer has lapsed (access None).
    """
    now = now or timezone.now()
    user = access.user if access is not None else None
    if access is not None:
        hold = _hold_for_update(access, hold_id)
        if not permissions.can_act_for_people_at(access, hold.hub_id):
            raise errors.PermissionDenied(code="hold_forbidden")
    else:
        first = Hold.objects.filter(pk=hold_id).first()
        if first is None:
            raise errors.NotFound(code="hold_not_found")
        hold = _lock_hold(first)
        if hold.status != HoldStatus.OFFERED or hold.offer_expires_at > now:
            return hold
    if hold.status != HoldStatus.OFFERED:
        raise errors.Conflict(_("This hold has no item waiting to be collected."), code="hold_not_offered")
    item = _release_offer(hold, user)
    hold.status = HoldStatus.WAITING
    hold.priority = HoldPriority.NORMAL
    hold.queued_at = now
    hold.missed_pickups += 1
    hold.offered_item = None
    hold.offered_at = None
    hold.offer_expires_at = None
    _save(hold, user, reason="missed pickup")
    if item is not None and item.status == ItemStatus.RESERVED:
        _make_ready(item, user, exclude_hold_id=hold.pk)
    return hold


def expire_lapsed_offers(*, now=None) -> int:
    """The daily job: every offer past its pickup deadline is expired, each in its own transaction."""
    now = now or timezone.now()
    ids = list(Hold.objects.filter(status=HoldStatus.OFFERED, offer_expires_at__lt=now).values_list("pk", flat=True))
    for hold_id in ids:
        expire_offer(access=None, hold_id=hold_id, now=now)
    return len(ids)


def waiting_queue(hub_id: int, item_type_id: int):
    return Hold.objects.filter(hub_id=hub_id, item_type_id=item_type_id, status=HoldStatus.WAITING).order_by(
        "priority", "queued_at", "id"
    )


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
    list(waiting_queue(hold.hub_id, hold.item_type_id).select_for_update().order_by("pk"))
    queue = list(waiting_queue(hold.hub_id, hold.item_type_id))
    ids = [h.pk for h in queue]
    if hold.pk not in ids:
        raise errors.Conflict(_("Only a waiting hold can be moved."), code="hold_not_waiting")
    from_position = ids.index(hold.pk) + 1
    others = [h for h in queue if h.pk != hold.pk]
    to_position = max(1, min(int(to_position), len(queue)))
    if to_position == from_position:
        raise errors.ValidationFailed(_("The hold is already at this place."), code="same_position",
                                      field="to_position")
    hold = next(h for h in queue if h.pk == hold.pk)
    if to_position == 1:
        first = others[0]
        hold.priority = first.priority
        hold.queued_at = first.queued_at - timedelta(seconds=1)
    else:
        before = others[to_position - 2]
        after = others[to_position - 1] if to_position - 1 < len(others) else None
        hold.priority = before.priority
        if after is not None and after.priority == before.priority:
            hold.queued_at = before.queued_at + (after.queued_at - before.queued_at) / 2
        else:
            hold.queued_at = before.queued_at + timedelta(microseconds=1)
    _save(hold, access.user, reason=reason[:100])
    HoldReorder.objects.create(hold=hold, moved_by=access.user, from_position=from_position,
                               to_position=to_position, reason=reason[:200])
    return hold


# --- transfers ------------------------------------------------------------------------------------------
@transaction.atomic
def create_transfer(*, access: Access, item_tag: str, to_hub: Hub, notes: str = "") -> Transfer:
    """Move an item to another hub. Staff of the sending hub send it at once (it must be idle); staff of
    the receiving hub request it, and the sending hub sends it later."""
    item = Item.objects.select_for_update(of=("self",)).select_related("item_type", "hub").filter(
        asset_tag=normalise_tag(item_tag)).first()
    sender = item is not None and permissions.can_act_for_people_at(access, item.hub_id)
    receiver = permissions.can_act_for_people_at(access, to_hub.pk)
    if item is None or not (sender or receiver):
        raise errors.NotFound(_("No item with this tag."), code="item_not_found", field="item")
    if item.hub_id == to_hub.pk:
        raise errors.ValidationFailed(_("The item is already at this hub."), code="same_hub", field="to_hub")
    if item.status == ItemStatus.RETIRED:
        raise _unavailable(item)
    transfer = Transfer(item=item, from_hub_id=item.hub_id, to_hub=to_hub, requested_by=access.user,
                        notes=(notes or "").strip()[:200])
    try:
        with transaction.atomic():
            _save(transfer, access.user)
    except IntegrityError:
        raise errors.Conflict(_("This item already has a transfer under way."), code="transfer_exists")
    if sender:
        _send(transfer, item, access)
    return transfer


def _send(transfer: Transfer, item: Item, access: Access) -> None:
    if item.status != ItemStatus.AVAILABLE:
        raise _unavailable(item)
    item.status = ItemStatus.IN_TRANSIT
    _save(item, access.user)
    transfer.status = TransferStatus.SENT
    transfer.sent_at = timezone.now()
    transfer.sent_by = access.user
    _save(transfer, access.user)


def _lock_transfer(access: Access, transfer_id: int) -> tuple[Transfer, Item]:
    transfer = Transfer.objects.filter(pk=transfer_id).first()
    if transfer is None or not (permissions.can_act_for_people_at(access, transfer.from_hub_id)
                                or permissions.can_act_for_people_at(access, transfer.to_hub_id)):
        raise errors.NotFound(_("No such transfer."), code="transfer_not_found")
    item = Item.objects.select_for_update(of=("self",)).select_related("item_type").get(pk=transfer.item_id)
    transfer = Transfer.objects.select_for_update(of=("self",)).get(pk=transfer_id)
    return transfer, item


@transaction.atomic
def send_transfer(*, access: Access, transfer_id: int) -> Transfer:
    transfer, item = _lock_transfer(access, transfer_id)
    if not permissions.can_act_for_people_at(access, transfer.from_hub_id):
        raise errors.PermissionDenied(_("Only the sending hub can send the item."), code="transfer_forbidden")
    if transfer.status != TransferStatus.REQUESTED:
        raise errors.Conflict(_("This transfer is not waiting to be sent."), code="transfer_not_requested")
    _send(transfer, item, access)
    return transfer


@transaction.atomic
def receive_transfer(*, access: Access, transfer_id: int) -> Transfer:
    """The receiving hub takes the item in; it is then offered to that hub's queue or available there."""
    transfer, item = _lock_transfer(access, transfer_id)
    if not permissions.can_act_for_people_at(access, transfer.to_hub_id):
        raise errors.PermissionDenied(_("Only the receiving hub can receive the item."), code="transfer_forbidden")
    if transfer.status != TransferStatus.SENT:
        raise errors.Conflict(_("This transfer has not been sent or is already received."),
                              code="transfer_not_sent")
    transfer.status = TransferStatus.RECEIVED
    transfer.received_at = timezone.now()
    transfer.received_by = access.user
    _save(transfer, access.user)
    item.hub_id = transfer.to_hub_id
    _make_ready(item, access.user)
    return transfer


@transaction.atomic
def cancel_transfer(*, access: Access, transfer_id: int) -> Transfer:
    transfer, item = _lock_transfer(access, transfer_id)
    if transfer.status not in (TransferStatus.REQUESTED, TransferStatus.SENT):
        raise errors.Conflict(_("This transfer is already closed."), code="transfer_closed")
    if transfer.status == TransferStatus.SENT:
        _make_ready(item, access.user)
    transfer.status = TransferStatus.CANCELLED
    _save(transfer, access.user)
    return transfer

