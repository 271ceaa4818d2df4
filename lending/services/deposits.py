"""Deposits: collected (how much, how), refunded or waived (by whom, why), each recorded on the loan.

A deposit is usually settled at the desk's counter together with the loan (`lend_item` collects or waives it,
`return_loan` refunds it); these operations cover the rest: money brought later, a refund after a damage was
assessed, a waiver decided after the loan. Locks: the loan only (nothing else changes). A returned loan's
deposit can still be refunded, since the money may be handed back days after the item.
"""

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carehub import errors, permissions
from carehub.locking import lock_row
from carehub.permissions import Access

from ..models import DepositMethod, DepositStatus, Loan
from ._common import save

MAX_DEPOSIT = Decimal("9999.99")  # the column holds six digits, two of them decimals


def _lock_loan(access: Access, loan_id: int) -> Loan:
    loan = lock_row(Loan.objects.filter(pk=loan_id))
    if loan is None or not permissions.can_act_for_people_at(access, loan.hub_id):
        raise errors.NotFound(_("No such loan at your hub."), code="loan_not_found")
    return loan


def _amount(value, default: Decimal) -> Decimal:
    if value in (None, ""):
        return default
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        amount = Decimal("-1")
    if not (Decimal("0") < amount <= MAX_DEPOSIT):
        raise errors.ValidationFailed(_("Enter an amount between 0.01 and 9999.99 €."), code="amount_invalid",
                                      field="amount")
    return amount


def _settled(loan: Loan) -> errors.Conflict:
    messages = {
        DepositStatus.COLLECTED: (_("This deposit has already been collected."), "deposit_already_collected"),
        DepositStatus.REFUNDED: (_("This deposit has already been refunded."), "deposit_already_refunded"),
        DepositStatus.WAIVED: (_("This deposit was waived."), "deposit_waived"),
        DepositStatus.NONE: (_("This loan has no deposit."), "no_deposit"),
        DepositStatus.DUE: (_("This deposit has not been collected."), "deposit_not_collected"),
    }
    message, code = messages[loan.deposit_status]
    return errors.Conflict(message, code=code)


@transaction.atomic
def collect_deposit(*, access: Access, loan_id: int, method: str, amount=None) -> Loan:
    """The borrower pays the deposit (`amount` defaults to the one the loan asks; a hub may take one for a
    type that asks none). Only for an active loan whose deposit is still to collect."""
    if method not in DepositMethod.values:
        raise errors.ValidationFailed(_("Choose how the deposit was paid."), code="deposit_method_invalid",
                                      field="method")
    loan = _lock_loan(access, loan_id)
    if loan.returned_at is not None:
        raise errors.Conflict(_("This loan has already been returned."), code="loan_already_returned")
    if loan.deposit_status not in (DepositStatus.DUE, DepositStatus.NONE):
        raise _settled(loan)
    amount = _amount(amount, loan.deposit_eur)
    if not amount:
        raise errors.ValidationFailed(_("Enter the amount collected."), code="amount_required", field="amount")
    loan.deposit_eur = amount
    loan.deposit_status = DepositStatus.COLLECTED
    loan.deposit_method = method
    loan.deposit_collected_at = timezone.now()
    loan.deposit_collected_by = access.user
    save(loan, access.user)
    return loan


@transaction.atomic
def refund_deposit(*, access: Access, loan_id: int, note: str = "") -> Loan:
    """Hand the collected deposit back (usually at the return; later when a damage had to be assessed first).
    `note` says why when it is not the plain return, and is kept in the loan's history."""
    loan = _lock_loan(access, loan_id)
    if loan.deposit_status != DepositStatus.COLLECTED:
        raise _settled(loan)
    loan.deposit_status = DepositStatus.REFUNDED
    loan.deposit_settled_at = timezone.now()
    loan.deposit_settled_by = access.user
    save(loan, access.user, reason=(note or "").strip()[:100] or None)
    return loan


@transaction.atomic
def waive_deposit(*, access: Access, loan_id: int, reason: str) -> Loan:
    """Let the borrower off a deposit not yet collected (low income, a referral's request…), with the reason."""
    reason = (reason or "").strip()
    if not reason:
        raise errors.ValidationFailed(_("Give a reason for waiving the deposit."), code="waiver_reason_required",
                                      field="reason")
    loan = _lock_loan(access, loan_id)
    if loan.deposit_status != DepositStatus.DUE:
        raise _settled(loan)
    loan.deposit_status = DepositStatus.WAIVED
    loan.deposit_eur = Decimal("0")  # as a waiver at lending: the amount is what the hub holds or asks
    loan.deposit_waiver_reason = reason[:200]
    loan.deposit_settled_at = timezone.now()
    loan.deposit_settled_by = access.user
    save(loan, access.user)
    return loan
