"""Every write in the lending bank. One function = one business operation = one transaction.

By concern: `loans` (lend, return, renew or decline a renewal), `deposits` (collect, refund, waive), `stock`
(cleaning, repair, safety checks, intake, retirement), `holds` (waiting lists) and `transfers` (between hubs). Each module's docstring states the locks it takes;
all follow `carehub.locking.LOCK_ORDER`: the person, items, holds, loans, transfers, each by primary key.
"""

from ._common import MAX_LOAN_DAYS, OFFER_DAYS
from .deposits import collect_deposit, refund_deposit, waive_deposit
from .holds import cancel_hold, expire_lapsed_offers, expire_offer, place_hold, reorder_hold
from .loans import decline_renewal, lend_item, renew_loan, request_renewal, return_loan
from .stock import mark_cleaned, mark_repaired, record_safety_check, retire_item, take_in_item
from .transfers import cancel_transfer, create_transfer, receive_transfer, send_transfer

__all__ = [
    "MAX_LOAN_DAYS", "OFFER_DAYS", "cancel_hold", "cancel_transfer", "collect_deposit", "create_transfer",
    "decline_renewal", "expire_lapsed_offers", "expire_offer", "lend_item", "mark_cleaned", "mark_repaired",
    "place_hold", "receive_transfer", "record_safety_check", "refund_deposit", "reorder_hold", "renew_loan",
    "request_renewal", "retire_item", "return_loan", "send_transfer", "take_in_item", "waive_deposit",
]
