"""The lending bank's part of a person's data rights (see carehub/privacy.py for the hook contract).

Export: the person's loans (as borrower, and as the cared-for person), holds and their queue moves.
Erasure: loans and holds stay for the aggregates (dates, statuses, hubs, item types, need category, deposit
amounts); their free text (who the item was for, return notes, referral reference, override and waiver
reasons, hold notes, reorder reasons) is blanked in the live rows and in the history rows. Open holds are
cancelled (an item offered to one goes to the next in line). Refused while an item is still on loan.
"""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from carehub import errors
from carehub.locking import lock_rows
from carehub.privacy import ERASED_NAME, iso, system_access

from . import services
from .models import Hold, HoldReorder, Item, Loan

# A waived deposit needs a reason (loan_waiver_has_reason): the reason's text goes, the fact stays.
ERASED_REASON = ERASED_NAME
LOAN_TEXT = {"for_name": "", "return_notes": "", "referral_reference": "", "override_reason": ""}


def _loan(loan: Loan) -> dict:
    return {
        "id": loan.pk,
        "item": loan.item.asset_tag,
        "item_type": loan.item.item_type.name,
        "hub": loan.hub.slug,
        "borrower_id": loan.borrower_id,
        "for_person_id": loan.for_person_id,
        "for_name": loan.for_name,
        "need_category": loan.need_category,
        "lent_at": iso(loan.lent_at),
        "due_on": iso(loan.due_on),
        "returned_at": iso(loan.returned_at),
        "return_condition": loan.return_condition,
        "return_notes": loan.return_notes,
        "renewals": loan.renewals,
        "renewal_requested_at": iso(loan.renewal_requested_at),
        "deposit_eur": str(loan.deposit_eur),
        "deposit_waived": loan.deposit_waived,
        "deposit_waiver_reason": loan.deposit_waiver_reason,
        "deposit_refunded": loan.deposit_refunded,
        "referral_reference": loan.referral_reference,
        "override_reason": loan.override_reason,
    }


def export_person(person) -> dict:
    loans = (
        Loan.objects.filter(Q(borrower=person) | Q(for_person=person))
        .select_related("item__item_type", "hub").order_by("lent_at", "pk")
    )
    holds = Hold.objects.filter(person=person).select_related("item_type", "hub").prefetch_related("reorders")
    return {
        "loans": [_loan(loan) for loan in loans],
        "holds": [
            {
                "id": hold.pk,
                "item_type": hold.item_type.name,
                "hub": hold.hub.slug,
                "priority": hold.priority,
                "need_category": hold.need_category,
                "notes": hold.notes,
                "status": hold.status,
                "created_at": iso(hold.created_at),
                "queued_at": iso(hold.queued_at),
                "offered_at": iso(hold.offered_at),
                "offer_expires_at": iso(hold.offer_expires_at),
                "missed_pickups": hold.missed_pickups,
                "closed_at": iso(hold.closed_at),
                "queue_moves": [
                    {"at": iso(r.moved_at), "from": r.from_position, "to": r.to_position, "reason": r.reason}
                    for r in hold.reorders.all()
                ],
            }
            for hold in holds.order_by("created_at", "pk")
        ],
    }


def erasure_preview(person) -> dict:
    return {
        "loans": Loan.objects.filter(borrower=person).count(),
        "active_loans": Loan.objects.filter(borrower=person, returned_at__isnull=True).count(),
        "open_holds": Hold.objects.filter(person=person, status__in=["waiting", "offered"]).count(),
    }


def _save(instance, by) -> None:
    # An erasure may run outside a request (a management command): name the actor explicitly.
    instance._history_user = by
    instance.save()


def _lock_holds_of(person) -> list[Hold]:
    """Lock, in LOCK_ORDER, the items offered to the person's open holds, then their holds together with the
    waiting queues those belong to (an offered item goes to the next in line). The core locked the person;
    `cancel_hold` then only relocks rows held here (or a hold placed since, whose newer id comes after)."""
    open_holds = list(Hold.objects.filter(person=person, status__in=["waiting", "offered"])
                      .values_list("offered_item_id", "hub_id", "item_type_id"))
    lock_rows(Item.objects.filter(pk__in=[item_id for item_id, _hub, _type in open_holds if item_id]))
    queues = Q(pk__in=[])
    for _item, hub_id, item_type_id in open_holds:
        queues |= Q(hub_id=hub_id, item_type_id=item_type_id, status="waiting")
    return [hold for hold in lock_rows(Hold.objects.filter(Q(person=person) | queues))
            if hold.person_id == person.pk]


def erase_person(person, *, by) -> None:
    if Loan.objects.filter(borrower=person, returned_at__isnull=True).exists():
        raise errors.Conflict(
            _("This person still has an item on loan. Take it back before erasing their data."),
            code="person_has_active_loans",
        )
    holds = _lock_holds_of(person)
    # Open holds leave the queue through the lending service, so an offered item goes to the next person.
    access = system_access(by)
    for hold in holds:
        if hold.is_open:
            services.cancel_hold(access=access, hold_id=hold.pk)
    loans = lock_rows(Loan.objects.filter(Q(borrower=person) | Q(for_person=person)))

    borrowed = [loan for loan in loans if loan.borrower_id == person.pk]
    for loan in borrowed:
        changes = dict(LOAN_TEXT)
        if loan.deposit_waived:
            changes["deposit_waiver_reason"] = ERASED_REASON
        elif loan.deposit_waiver_reason:
            changes["deposit_waiver_reason"] = ""
        if any(getattr(loan, name) != value for name, value in changes.items()):
            for name, value in changes.items():
                setattr(loan, name, value)
            _save(loan, by)
    for loan in loans:
        if loan.for_person_id == person.pk:
            loan.for_person = None
            loan.for_name = ""
            _save(loan, by)

    HistoricalLoan = Loan.history.model
    # A history row's change reason is free text too (a reorder's reason is copied there).
    HistoricalLoan.objects.filter(id__in=[loan.pk for loan in borrowed]).update(**LOAN_TEXT,
                                                                                history_change_reason=None)
    HistoricalLoan.objects.filter(id__in=[loan.pk for loan in borrowed]).exclude(deposit_waiver_reason="") \
        .update(deposit_waiver_reason=ERASED_REASON)
    HistoricalLoan.objects.filter(for_person_id=person.pk).update(for_person=None, for_name="")

    hold_ids = [hold.pk for hold in holds]
    for hold in Hold.objects.filter(pk__in=hold_ids).exclude(notes="").order_by("pk"):  # locked above
        hold.notes = ""
        _save(hold, by)
    Hold.history.model.objects.filter(id__in=hold_ids).update(notes="", history_change_reason=None)
    # A queue move's reason may name the person ("hospital discharge of …"); the move itself stays.
    HoldReorder.objects.filter(hold_id__in=hold_ids).update(reason=ERASED_REASON)
