"""The lending rules, through the services (one behaviour per test)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from carehub import errors
from carehub.permissions import access_for
from lending import errors as lending_errors
from lending import selectors, services
from lending.models import (
    Cleaning,
    Hold,
    HoldPriority,
    HoldReorder,
    HoldStatus,
    Item,
    ItemStatus,
    Loan,
    ReturnCondition,
)
from tests.conftest import make_person

from .conftest import days, lend, make_item, make_type, today

pytestmark = pytest.mark.django_db


def test_lending_an_available_item_creates_an_active_loan_due_after_the_type_period(desk, hub, item):
    person = make_person(hub)
    loan = lend(desk, item, person)
    assert loan.is_active and loan.due_on == today() + days(item.item_type.default_loan_days)
    item.refresh_from_db()
    assert item.status == ItemStatus.ON_LOAN


def test_every_change_records_the_acting_user_in_history(desk, hub, item):
    person = make_person(hub)
    loan = lend(desk, item, person)
    services.renew_loan(access=access_for(desk), loan_id=loan.pk)
    services.return_loan(access=access_for(desk), loan_id=loan.pk, condition=ReturnCondition.GOOD)
    loan_history = list(loan.history.all())
    assert len(loan_history) == 3
    assert {record.history_user for record in loan_history} == {desk}
    assert {record.history_user for record in Item.objects.get(pk=item.pk).history.all()[:2]} == {desk}


def test_second_loan_of_same_item_is_refused(desk, hub, item):
    lend(desk, item, make_person(hub))
    with pytest.raises(lending_errors.ItemUnavailable):
        lend(desk, item, make_person(hub))
    assert Loan.objects.count() == 1


def test_database_refuses_two_active_loans_for_one_item(desk, hub, item):
    from django.db import IntegrityError, transaction

    loan = lend(desk, item, make_person(hub))
    with pytest.raises(IntegrityError), transaction.atomic():
        Loan.objects.create(item=item, hub=hub, borrower=loan.borrower, due_on=today())


@pytest.mark.parametrize("bad", ["past_due", "unknown_tag", "unknown_person", "retired", "reserved"])
def test_bad_input_is_refused_and_changes_nothing(desk, hub, item, bad):
    person = make_person(hub)
    kwargs = {"item_tag": item.asset_tag, "borrower_id": person.pk}
    expected = errors.DomainError
    if bad == "past_due":
        kwargs["due_on"] = today() - days(1)
        expected = errors.ValidationFailed
    elif bad == "unknown_tag":
        kwargs["item_tag"] = "NOPE-404"
        expected = errors.NotFound
    elif bad == "unknown_person":
        kwargs["borrower_id"] = 999999
        expected = errors.NotFound
    elif bad == "retired":
        item.status = ItemStatus.RETIRED
        item.save()
        expected = lending_errors.ItemUnavailable
    elif bad == "reserved":
        other = make_person(hub)
        services.place_hold(access=access_for(desk), hub=hub, item_type=item.item_type, person_id=other.pk)
        item.refresh_from_db()
        assert item.status == ItemStatus.RESERVED
        expected = lending_errors.ItemReserved
    item_history = Item.history.count()
    with pytest.raises(expected) as caught:
        services.lend_item(access=access_for(desk), **kwargs)
    assert str(caught.value.message)
    assert Loan.objects.count() == 0
    assert Item.history.count() == item_history


def test_returning_a_returned_loan_is_refused_and_changes_nothing(desk, hub, item):
    loan = lend(desk, item, make_person(hub))
    services.return_loan(access=access_for(desk), loan_id=loan.pk, condition=ReturnCondition.GOOD)
    before = Loan.history.count()
    with pytest.raises(lending_errors.LoanAlreadyReturned):
        services.return_loan(access=access_for(desk), loan_id=loan.pk, condition=ReturnCondition.GOOD)
    assert Loan.history.count() == before


def test_return_sends_item_to_cleaning_then_cleaning_makes_it_available(desk, hub, item):
    loan = lend(desk, item, make_person(hub))
    services.return_loan(access=access_for(desk), loan_id=loan.pk, condition=ReturnCondition.GOOD)
    item.refresh_from_db()
    assert item.status == ItemStatus.CLEANING
    with pytest.raises(lending_errors.ItemUnavailable):
        lend(desk, item, make_person(hub))
    cleaning = services.mark_cleaned(access=access_for(desk), item_tag=item.asset_tag)
    assert cleaning.cleaned_by == desk and cleaning.protocol
    item.refresh_from_db()
    assert item.status == ItemStatus.AVAILABLE


def test_damaged_return_sends_item_to_repair(desk, hub, item):
    loan = lend(desk, item, make_person(hub))
    services.return_loan(access=access_for(desk), loan_id=loan.pk, condition=ReturnCondition.DAMAGED)
    item.refresh_from_db()
    assert item.status == ItemStatus.IN_REPAIR
    services.mark_repaired(access=access_for(desk), item_tag=item.asset_tag)
    item.refresh_from_db()
    assert item.status == ItemStatus.CLEANING


def test_type_without_cleaning_is_available_right_after_a_good_return(desk, hub):
    item = make_item(hub, make_type(needs_cleaning=False))
    loan = lend(desk, item, make_person(hub))
    services.return_loan(access=access_for(desk), loan_id=loan.pk, condition=ReturnCondition.GOOD)
    item.refresh_from_db()
    assert item.status == ItemStatus.AVAILABLE


def test_person_with_an_overdue_item_needs_an_override_reason(desk, hub, item):
    person = make_person(hub)
    loan = lend(desk, item, person)
    # Overdue, through save() so that the history stays complete.
    loan.due_on = today() - days(3)
    loan.save()
    second = make_item(hub, item.item_type)
    with pytest.raises(lending_errors.BorrowerHasOverdue):
        lend(desk, second, person)
    loan2 = lend(desk, second, person, override_reason="Hospital discharge today")
    assert loan2.override_reason == "Hospital discharge today"


def test_type_needing_a_referral_refuses_a_loan_without_one(desk, hub):
    item = make_item(hub, make_type(requires_referral=True))
    with pytest.raises(errors.ValidationFailed) as caught:
        lend(desk, item, make_person(hub))
    assert caught.value.code == "referral_required"
    assert lend(desk, item, make_person(hub), referral_reference="OT-1").referral_reference == "OT-1"


def test_expired_item_and_overdue_safety_check_block_lending(desk, hub):
    expired = make_item(hub, make_type(max_age_years=5), expires_on=today() - days(1))
    with pytest.raises(errors.Conflict) as caught:
        lend(desk, expired, make_person(hub))
    assert caught.value.code == "item_expired"
    bed = make_item(hub, make_type(safety_check_every_days=30), last_safety_check_on=today() - days(31))
    with pytest.raises(errors.Conflict) as caught:
        lend(desk, bed, make_person(hub))
    assert caught.value.code == "safety_check_overdue"
    services.record_safety_check(access=access_for(desk), item_tag=bed.asset_tag, passed=True)
    assert lend(desk, bed, make_person(hub)).is_active


def test_waiving_the_deposit_needs_a_reason(desk, hub):
    from decimal import Decimal

    item = make_item(hub, make_type(deposit_eur=Decimal("30")))
    with pytest.raises(errors.ValidationFailed):
        lend(desk, item, make_person(hub), deposit_waived=True)
    loan = lend(desk, item, make_person(hub), deposit_waived=True, deposit_waiver_reason="Low income")
    assert loan.deposit_eur == 0 and loan.deposit_waiver_reason == "Low income"


def test_cleaned_item_is_offered_to_the_urgent_hold_first(desk, hub, item):
    loan = lend(desk, item, make_person(hub))
    access = access_for(desk)
    normal = services.place_hold(access=access, hub=hub, item_type=item.item_type, person_id=make_person(hub).pk)
    urgent = services.place_hold(access=access, hub=hub, item_type=item.item_type, person_id=make_person(hub).pk,
                                 priority=HoldPriority.URGENT)
    services.return_loan(access=access, loan_id=loan.pk, condition=ReturnCondition.GOOD)
    services.mark_cleaned(access=access, item_tag=item.asset_tag)
    urgent.refresh_from_db()
    normal.refresh_from_db()
    assert urgent.status == HoldStatus.OFFERED and urgent.offered_item == item
    assert normal.status == HoldStatus.WAITING
    # The offered person can borrow it; that fulfils the hold.
    services.lend_item(access=access, item_tag=item.asset_tag, borrower_id=urgent.person_id)
    urgent.refresh_from_db()
    assert urgent.status == HoldStatus.FULFILLED


def test_missed_pickup_sends_the_hold_to_the_back_and_the_item_to_the_next(desk, hub, item):
    access = access_for(desk)
    loan = lend(desk, item, make_person(hub))
    first = services.place_hold(access=access, hub=hub, item_type=item.item_type, person_id=make_person(hub).pk)
    second = services.place_hold(access=access, hub=hub, item_type=item.item_type, person_id=make_person(hub).pk)
    services.return_loan(access=access, loan_id=loan.pk, condition=ReturnCondition.GOOD)
    services.mark_cleaned(access=access, item_tag=item.asset_tag)
    services.expire_offer(access=access, hold_id=first.pk)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == HoldStatus.WAITING and first.missed_pickups == 1
    assert second.status == HoldStatus.OFFERED


def test_manual_reorder_moves_the_hold_and_records_the_reason(desk, hub, item):
    access = access_for(desk)
    lend(desk, item, make_person(hub))
    holds = [services.place_hold(access=access, hub=hub, item_type=item.item_type, person_id=make_person(hub).pk)
             for _ in range(3)]
    services.reorder_hold(access=access, hold_id=holds[2].pk, to_position=1, reason="Discharged tomorrow")
    order = list(selectors.waiting_queue(hub.pk, item.item_type_id).values_list("pk", flat=True))
    assert order == [holds[2].pk, holds[0].pk, holds[1].pk]
    reorder = HoldReorder.objects.get()
    assert (reorder.from_position, reorder.to_position, reorder.reason, reorder.moved_by) == (
        3, 1, "Discharged tomorrow", desk)
    with pytest.raises(errors.ValidationFailed):
        services.reorder_hold(access=access, hold_id=holds[0].pk, to_position=3, reason="  ")


def test_other_hubs_desk_can_neither_lend_nor_return(desk, other_desk, hub, item):
    loan = lend(desk, item, make_person(hub))
    with pytest.raises(errors.NotFound):
        services.return_loan(access=access_for(other_desk), loan_id=loan.pk, condition=ReturnCondition.GOOD)
    with pytest.raises(errors.NotFound):
        services.renew_loan(access=access_for(other_desk), loan_id=loan.pk)
    free = make_item(hub, item.item_type)
    with pytest.raises(errors.NotFound):
        services.lend_item(access=access_for(other_desk), item_tag=free.asset_tag, borrower_id=loan.borrower_id)
    loan.refresh_from_db()
    assert loan.is_active and Loan.objects.count() == 1


def test_retiring_an_item_is_for_the_coordinator(desk, coordinator, hub, item):
    with pytest.raises(errors.PermissionDenied):
        services.retire_item(access=access_for(desk), item_tag=item.asset_tag, reason="Broken frame")
    services.retire_item(access=access_for(coordinator), item_tag=item.asset_tag, reason="Broken frame")
    item.refresh_from_db()
    assert item.status == ItemStatus.RETIRED


def test_transfer_moves_the_item_to_the_other_hub_queue(desk, other_desk, hub, other_hub, item):
    waiting = make_person(other_hub)
    hold = services.place_hold(access=access_for(other_desk), hub=other_hub, item_type=item.item_type,
                               person_id=waiting.pk)
    transfer = services.create_transfer(access=access_for(desk), item_tag=item.asset_tag, to_hub=other_hub)
    item.refresh_from_db()
    assert item.status == ItemStatus.IN_TRANSIT
    services.receive_transfer(access=access_for(other_desk), transfer_id=transfer.pk)
    item.refresh_from_db()
    hold.refresh_from_db()
    assert item.hub == other_hub and item.status == ItemStatus.RESERVED
    assert hold.status == HoldStatus.OFFERED


def test_donated_item_needs_a_condition_check_and_goes_to_cleaning(desk, hub, item_type):
    with pytest.raises(errors.ValidationFailed):
        services.take_in_item(access=access_for(desk), hub=hub, item_type=item_type, asset_tag="d-1",
                              donated=True)
    item = services.take_in_item(access=access_for(desk), hub=hub, item_type=item_type, asset_tag="d-1",
                                 donated=True, intake_notes="Complete, brakes work")
    assert item.asset_tag == "D-1" and item.status == ItemStatus.CLEANING
    assert item.history.get().history_user == desk


def test_caregiver_requests_a_renewal_of_own_loan_only(desk, hub, item, carer):
    user, person = carer
    loan = lend(desk, item, person)
    other = lend(desk, make_item(hub, item.item_type), make_person(hub))
    services.request_renewal(access=access_for(user), loan_id=loan.pk)
    loan.refresh_from_db()
    assert loan.renewal_requested_at is not None
    with pytest.raises(errors.NotFound):
        services.request_renewal(access=access_for(user), loan_id=other.pk)


def test_renewal_is_blocked_while_someone_waits(desk, hub, item):
    access = access_for(desk)
    loan = lend(desk, item, make_person(hub))
    services.place_hold(access=access, hub=hub, item_type=item.item_type, person_id=make_person(hub).pk)
    with pytest.raises(errors.Conflict):
        services.renew_loan(access=access, loan_id=loan.pk)


def test_lapsed_offers_expire_in_the_daily_job(desk, hub, item):
    access = access_for(desk)
    hold = services.place_hold(access=access, hub=hub, item_type=item.item_type, person_id=make_person(hub).pk)
    assert services.expire_lapsed_offers(now=timezone.now() + timedelta(days=services.OFFER_DAYS + 1)) == 1
    hold.refresh_from_db()
    item.refresh_from_db()
    assert hold.status == HoldStatus.WAITING and hold.missed_pickups == 1
    assert Hold.history.filter(id=hold.pk).first().history_user is None  # the job, not a person


def test_cleaning_record_keeps_the_category_protocol(desk, hub, item):
    loan = lend(desk, item, make_person(hub))
    services.return_loan(access=access_for(desk), loan_id=loan.pk, condition=ReturnCondition.NEEDS_CLEANING)
    services.mark_cleaned(access=access_for(desk), item_tag=item.asset_tag, notes="ok")
    assert Cleaning.objects.get().protocol == item.item_type.protocol


def test_reorder_into_a_queue_placed_at_one_moment_gives_exactly_the_asked_place(desk, hub, item):
    """The clock is frozen: every hold has the same queue time, so only a shift makes room between two."""
    access = access_for(desk)
    lend(desk, item, make_person(hub))
    holds = [services.place_hold(access=access, hub=hub, item_type=item.item_type, person_id=make_person(hub).pk)
             for _ in range(4)]
    services.reorder_hold(access=access, hold_id=holds[3].pk, to_position=2, reason="Discharged tomorrow")
    order = list(selectors.waiting_queue(hub.pk, item.item_type_id).values_list("pk", flat=True))
    assert order == [holds[0].pk, holds[3].pk, holds[1].pk, holds[2].pk]
    services.reorder_hold(access=access, hold_id=holds[0].pk, to_position=4, reason="Away until May")
    order = list(selectors.waiting_queue(hub.pk, item.item_type_id).values_list("pk", flat=True))
    assert order == [holds[3].pk, holds[1].pk, holds[2].pk, holds[0].pk]
