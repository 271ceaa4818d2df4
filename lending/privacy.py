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
from carehub.privacy import ERASED_NAME, iso, system_access

from . import services
from .models import Hold, HoldReorder, Loan

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
    instance._history_user = by
    instance.save()


def erase_person(person, *, by) -> None:
    if Loan.objects.filter(borrower=person, returned_at__isnull=True).exists():
        raise errors.Conflict(
            _("This person still has an item on loan. Take it back before erasing their data."),
            code="person_has_active_loans",
        )
    # Open holds leave the queue through the lending service, so an offered item goes to the next person.
    access = system_access(by)
    for hold_id in Hold.objects.filter(person=person, status__in=["waiting", "offered"]).order_by("pk") \
            .values_list("pk", flat=True):
        services.cancel_hold(access=access, hold_id=hold_id)

    borrowed = list(Loan.objects.select_for_update(of=("self",)).filter(borrower=person).order_by("pk"))
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
    for loan in Loan.objects.select_for_update(of=("self",)).filter(for_person=person).order_by("pk"):
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

    hold_ids = list(Hold.objects.filter(person=person).values_list("pk", flat=True))
    for hold in Hold.objects.select_for_update(of=("self",)).filter(pk__in=hold_ids).exclude(notes="") \
            .order_by("pk"):
        hold.notes = ""
        _save(hold, by)
    Hold.history.model.objects.filter(id__in=hold_ids).update(notes="", history_change_reason=None)
    # A queue move's reason may name the person ("hospital discharge of …"); the move itself stays.
    HoldReorder.objects.filter(hold_id__in=hold_ids).update(reason=ERASED_REASON)
