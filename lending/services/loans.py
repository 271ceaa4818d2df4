"""Lending, returning and renewing.

Locks, in this order: the borrower (lending only), the item, the queue of its type at its hub when a
return makes the item lendable, the hold offered to the borrower, then the loan. Every rule is checked
after the locks, so the second of two simultaneous requests sees the first one's result. The
one-active-loan-per-item rule is also a partial unique constraint (SQLite has no row locks).
"""

from datetime import date, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carehub import errors, permissions
from carehub.locking import lock_row
from carehub.notifications import notify
from carehub.permissions import Access
from carehub.selectors import person_for

from ..errors import BorrowerHasOverdue, ItemReserved, ItemUnavailable, LoanAlreadyReturned
from ..models import Condition, Hold, HoldStatus, Item, ItemStatus, Loan, NeedCategory, ReturnCondition
from ._common import MAX_LOAN_DAYS, lock_item, lock_person, lock_queue, make_ready, save, today, unavailable


def _check_due_on(due_on: date, day: date) -> None:
    if due_on < day:
        raise errors.ValidationFailed(_("The due date cannot be in the past."), code="due_on_in_past",
                                      field="due_on")
    if due_on > day + timedelta(days=MAX_LOAN_DAYS):
        raise errors.ValidationFailed(_("A loan cannot last more than two years."), code="due_on_too_far",
                                      field="due_on")


def _check_lendable(item: Item, borrower, day: date) -> Hold | None:
    """The hold the item is offered to when it is reserved for the borrower; refuses any other state."""
    hold = None
    if item.status == ItemStatus.RESERVED:
        hold = lock_row(Hold.objects.filter(offered_item=item, status=HoldStatus.OFFERED))
        if hold is None or hold.person_id != borrower.pk:
            raise ItemReserved(_("This item is reserved for someone else waiting for it."), field="item")
    elif item.status != ItemStatus.AVAILABLE:
        raise unavailable(item)
    if item.is_expired(day):
        raise errors.Conflict(_("This item passed its expiry date and cannot be lent."), code="item_expired",
                              field="item")
    if item.safety_check_overdue(day):
        raise errors.Conflict(_("This item's safety check is overdue. Record a check before lending it."),
                              code="safety_check_overdue", field="item")
    return hold


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
    """Lend the item with `item_tag` to a person. Locks the borrower, then the item, then checks every rule.

    Refuses (and changes nothing) when the item is not available, is reserved for someone else, has
    expired or is overdue for its safety check; when the due date is in the past; when the type needs a
    referral and none is given; and when the borrower holds an overdue item and no override reason is given.
    """
    borrower = lock_person(access, borrower_id)
    item = lock_item(item_tag, access)
    day = today()
    item_type = item.item_type
    if due_on is None:
        due_on = day + timedelta(days=item_type.default_loan_days)
    _check_due_on(due_on, day)
    hold = _check_lendable(item, borrower, day)

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
    has_overdue = Loan.objects.filter(borrower=borrower, returned_at__isnull=True, due_on__lt=day).exists()
    if has_overdue and not override_reason:
        raise BorrowerHasOverdue(_("This person has an overdue item. Give a reason to lend anyway."),
                                 field="override_reason")
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
            save(loan, access.user)
    except IntegrityError:
        # Only reachable without row locks (SQLite): the partial unique index refused a second active loan.
        raise ItemUnavailable(_("This item is already on loan."), field="item")
    item.status = ItemStatus.ON_LOAN
    save(item, access.user)
    if hold is not None:
        hold.status = HoldStatus.FULFILLED
        hold.closed_at = timezone.now()
        save(hold, access.user)
    return loan


def _lock_loan(access: Access, loan_id: int, *, queue_if=None) -> tuple[Loan, Item, list]:
    """Lock the loan's item, then (when `queue_if(item)` says the item becomes lendable) its type's queue at
    its hub, then the loan: the order of LOCK_ORDER. NotFound outside the caller's hubs."""
    loan = Loan.objects.filter(pk=loan_id).only("item_id", "hub_id").first()
    if loan is None or not permissions.can_act_for_people_at(access, loan.hub_id):
        raise errors.NotFound(_("No such loan at your hub."), code="loan_not_found")
    item = lock_row(Item.objects.select_related("item_type", "hub").filter(pk=loan.item_id))
    queue = lock_queue(item.hub_id, item.item_type_id) if queue_if is not None and queue_if(item) else []
    loan = lock_row(Loan.objects.select_related("borrower").filter(pk=loan_id))
    if loan.returned_at is not None:
        raise LoanAlreadyReturned(_("This loan has already been returned."))
    return loan, item, queue


@transaction.atomic
def return_loan(*, access: Access, loan_id: int, condition: str, notes: str = "",
                refund_deposit: bool = True) -> Loan:
    """Take an item back. Damaged → repair; needs cleaning (or the type always does) → cleaning; else it is
    offered to the first waiting hold or becomes available."""
    if condition not in ReturnCondition.values:
        raise errors.ValidationFailed(_("Choose the condition of the returned item."), code="condition_invalid",
                                      field="condition")

    def straight_back(item) -> bool:
        return condition == ReturnCondition.GOOD and not item.item_type.needs_cleaning

    loan, item, queue = _lock_loan(access, loan_id, queue_if=straight_back)
    loan.returned_at = timezone.now()
    loan.returned_to = access.user
    loan.return_condition = condition
    loan.return_notes = (notes or "").strip()
    loan.renewal_requested_at = None
    if loan.deposit_eur and not loan.deposit_waived:
        loan.deposit_refunded = bool(refund_deposit)
    save(loan, access.user)

    if condition == ReturnCondition.DAMAGED:
        item.status = ItemStatus.IN_REPAIR
        item.condition = Condition.DAMAGED
        save(item, access.user)
    elif straight_back(item):
        make_ready(item, access.user, queue)
    else:
        item.status = ItemStatus.CLEANING
        save(item, access.user)
    return loan


@transaction.atomic
def renew_loan(*, access: Access, loan_id: int) -> Loan:
    """Extend an active loan by its type's loan period, from today or the due date, whichever is later.

    Refused after the type's number of renewals, and while someone is waiting for this type at the hub
    (the item should go to them).
    """
    loan, item, _queue = _lock_loan(access, loan_id)
    if loan.renewals >= item.item_type.max_renewals:
        raise errors.Conflict(_("This loan cannot be renewed again; the item must come back."),
                              code="renewal_limit")
    if Hold.objects.filter(hub_id=loan.hub_id, item_type_id=item.item_type_id, status=HoldStatus.WAITING).exists():
        raise errors.Conflict(_("Someone is waiting for this type of item, so the loan cannot be renewed."),
                              code="renewal_blocked_by_hold")
    loan.due_on = _renewed_due_on(loan.due_on, today(), item.item_type.default_loan_days)
    loan.renewals += 1
    requested = loan.renewal_requested_at is not None
    loan.renewal_requested_at = None
    save(loan, access.user)
    if requested:
        # The caregiver asked (request_renewal) and waits for the desk's answer: tell them the new date. The
        # loan's hub is the item's (locked with it): an item on loan cannot be transferred.
        notify(loan.borrower, kind="loan_renewed", hub=item.hub, related=loan, occasion=loan.due_on.isoformat(),
               context={"item_type": item.item_type.name, "asset_tag": item.asset_tag, "due_on": loan.due_on})
    return loan


def _renewed_due_on(due_on: date, day: date, loan_days: int) -> date:
    """The due date after a renewal, at most MAX_LOAN_DAYS from today like a new loan (the same rule as
    `_check_due_on`). Compared before adding: a stored date near 9999-12-31 must be refused, not overflow."""
    limit = day + timedelta(days=MAX_LOAN_DAYS)
    start = max(due_on, day)
    if start > limit - timedelta(days=loan_days):
        raise errors.Conflict(
            _("The loan cannot be renewed: it would then be due more than two years from today."),
            code="due_on_too_far",
        )
    return start + timedelta(days=loan_days)


@transaction.atomic
def request_renewal(*, access: Access, loan_id: int) -> Loan:
    """A caregiver asks to renew their own loan; the desk approves it with `renew_loan`. Locks the loan only
    (it changes nothing but the request's time)."""
    person = access.person
    loan = lock_row(Loan.objects.filter(pk=loan_id)) if person is not None else None
    if loan is None or loan.borrower_id != person.pk:
        raise errors.NotFound(_("No such loan."), code="loan_not_found")
    if loan.returned_at is not None:
        raise LoanAlreadyReturned(_("This loan has already been returned."))
    if loan.renewal_requested_at is None:
        loan.renewal_requested_at = timezone.now()
        save(loan, access.user)
    return loan
