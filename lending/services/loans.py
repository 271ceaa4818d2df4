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

from carehub import errors, i18n, permissions
from carehub.locking import lock_row
from carehub.notifications import notify
from carehub.permissions import Access
from carehub.selectors import person_for

from ..errors import BorrowerHasOverdue, ItemReserved, ItemUnavailable, LoanAlreadyReturned
from ..models import (
    RENEWAL_REFUSALS, Condition, DepositMethod, DepositStatus, Hold, HoldStatus, Item, ItemStatus, Loan,
    NeedCategory, ReturnCondition,
)
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
    blocked = item.blocked_reason(day)
    if blocked == "expired":
        raise errors.Conflict(_("This item passed its expiry date and cannot be lent."), code="item_expired",
                              field="item")
    if blocked:
        raise errors.Conflict(_("This item's safety check is due. Record a check before lending it."),
                              code="safety_check_overdue", field="item")
    return hold


def _deposit_at_lending(item_type, user, *, waived: bool, waiver_reason: str, method: str) -> dict:
    """The deposit fields of a new loan: none, waived (by the lender, with the reason), collected now (how),
    or still to collect."""
    waiver_reason = (waiver_reason or "").strip()
    if waived and not waiver_reason:
        raise errors.ValidationFailed(_("Give a reason for waiving the deposit."), code="waiver_reason_required",
                                      field="deposit_waiver_reason")
    if method and method not in DepositMethod.values:
        raise errors.ValidationFailed(_("Choose how the deposit was paid."), code="deposit_method_invalid",
                                      field="deposit_method")
    if not item_type.deposit_eur:
        return {"deposit_eur": Decimal("0"), "deposit_status": DepositStatus.NONE}
    if waived:
        return {"deposit_eur": Decimal("0"), "deposit_status": DepositStatus.WAIVED,
                "deposit_waiver_reason": waiver_reason[:200], "deposit_settled_at": timezone.now(),
                "deposit_settled_by": user}
    if method:
        return {"deposit_eur": item_type.deposit_eur, "deposit_status": DepositStatus.COLLECTED,
                "deposit_method": method, "deposit_collected_at": timezone.now(), "deposit_collected_by": user}
    return {"deposit_eur": item_type.deposit_eur, "deposit_status": DepositStatus.DUE}


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
    deposit_method: str = "",
) -> Loan:
    """Lend the item with `item_tag` to a person. Locks the borrower, then the item, then checks every rule.

    Refuses (and changes nothing) when the item is not available, is reserved for someone else, has
    expired or is overdue for its safety check; when the due date is in the past; when the type needs a
    referral and none is given; and when the borrower holds an overdue item and no override reason is given.
    The type's deposit is waived (with a reason), collected now (`deposit_method`) or left to collect.
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
    deposit = _deposit_at_lending(item_type, access.user, waived=bool(deposit_waived),
                                  waiver_reason=deposit_waiver_reason, method=deposit_method or "")
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
        **deposit,
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
    offered to the first waiting hold or becomes available. A deposit held is refunded unless the desk keeps it
    for now (`refund_deposit=False`, e.g. until a damage is assessed; `deposits.refund_deposit` later)."""
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
    if loan.deposit_status == DepositStatus.COLLECTED and refund_deposit:
        loan.deposit_status = DepositStatus.REFUNDED
        loan.deposit_settled_at = loan.returned_at
        loan.deposit_settled_by = access.user
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

    Refused (`Loan.renewal_refusal`) once overdue, after the type's number of renewals, and while someone is
    waiting for this type at the hub (the item should go to them).
    """
    loan, item, _queue = _lock_loan(access, loan_id)
    loan.item = item
    _check_renewable(loan, today())
    loan.due_on = _renewed_due_on(loan.due_on, today(), item.item_type.default_loan_days)
    loan.renewals += 1
    requested = loan.renewal_requested_at is not None
    loan.renewal_requested_at = None
    save(loan, access.user)
    if requested:
        # The caregiver asked (request_renewal) and waits for the desk's answer: tell them the new date. The
        # loan's hub is the item's (locked with it): an item on loan cannot be transferred.
        notify(loan.borrower, kind="loan_renewed", hub=item.hub, related=loan, occasion=loan.due_on.isoformat(),
               context={"item_type": i18n.content(item.item_type, "name"), "asset_tag": item.asset_tag, "due_on": loan.due_on})
    return loan


def _someone_waiting(loan: Loan) -> bool:
    return Hold.objects.filter(hub_id=loan.hub_id, item_type_id=loan.item.item_type_id,
                               status=HoldStatus.WAITING).exists()


def _check_renewable(loan: Loan, day: date) -> None:
    code = loan.renewal_refusal(day, someone_waiting=_someone_waiting(loan))
    if code == "loan_already_returned":
        raise LoanAlreadyReturned(RENEWAL_REFUSALS[code])
    if code:
        raise errors.Conflict(RENEWAL_REFUSALS[code], code=code)


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
    """A caregiver asks to renew their own loan; the desk approves it with `renew_loan` or declines it with
    `decline_renewal`. Locks the loan only (it changes nothing but the request's time)."""
    person = access.person
    loan = lock_row(Loan.objects.select_related("item__item_type").filter(pk=loan_id)) if person else None
    if loan is None or loan.borrower_id != person.pk:
        raise errors.NotFound(_("No such loan."), code="loan_not_found")
    # Refused at once when the desk could only decline it: the person learns why now, not days later.
    _check_renewable(loan, today())
    if loan.renewal_requested_at is None:
        loan.renewal_requested_at = timezone.now()
        save(loan, access.user)
    return loan


@transaction.atomic
def decline_renewal(*, access: Access, loan_id: int, reason: str) -> Loan:
    """The desk answers "no" to a renewal the borrower asked for, with the reason they are told (through the
    notification layer, in this transaction). The request is cleared, so they may ask again later."""
    reason = (reason or "").strip()
    if not reason:
        raise errors.ValidationFailed(_("Give the reason the person will be told."), code="reason_required",
                                      field="reason")
    loan, item, _queue = _lock_loan(access, loan_id)
    if loan.renewal_requested_at is None:
        raise errors.Conflict(_("Nobody asked to renew this loan."), code="no_renewal_request")
    asked_at = loan.renewal_requested_at
    loan.renewal_requested_at = None
    save(loan, access.user, reason=reason[:100])
    notify(loan.borrower, kind="loan_renewal_declined", hub=item.hub, related=loan, occasion=asked_at.isoformat(),
           context={"item_type": i18n.content(item.item_type, "name"), "asset_tag": item.asset_tag, "due_on": loan.due_on,
                    "reason": reason[:200]})
    return loan
