"""`lending.services.batch.lend_items`: several items to one person in one transaction, all or none, in the
global lock order whatever order the tags come in."""

import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from carehub import errors
from carehub.permissions import access_for
from lending import services
from lending.models import Hold, HoldStatus, ItemStatus, Loan, NeedCategory
from lending.services.batch import MAX_ITEMS_AT_ONCE, BatchRefused, LendLine, check_lend_items, lend_items
from tests.conftest import make_person

from .conftest import lend, make_item, make_type

pytestmark = pytest.mark.django_db


def _lend(desk, person, *tags, **kwargs):
    return lend_items(access=access_for(desk), borrower_id=person.pk, lines=[LendLine(tag=t) for t in tags],
                      **kwargs)


def test_every_item_is_lent_in_one_go(desk, hub):
    person = make_person(hub)
    items = [make_item(hub) for _ in range(3)]
    loans = _lend(desk, person, *[item.asset_tag for item in items])
    assert [loan.item for loan in loans] == items
    assert all(item.status == ItemStatus.ON_LOAN for item in (loan.item for loan in loans))


def test_one_refused_item_means_none_is_lent_and_every_refusal_is_listed(desk, hub):
    person = make_person(hub)
    first, on_loan, last = make_item(hub), make_item(hub), make_item(hub)
    lend(desk, on_loan, make_person(hub))
    bed = make_item(hub, make_type(requires_referral=True))
    with pytest.raises(BatchRefused) as refused:
        _lend(desk, person, first.asset_tag, on_loan.asset_tag, bed.asset_tag, last.asset_tag)
    assert [(tag, problem.code) for tag, problem in refused.value.problems] == [
        (on_loan.asset_tag, "item_unavailable"), (bed.asset_tag, "referral_required")]
    assert refused.value.status == 409
    assert not Loan.objects.filter(borrower=person).exists()
    for item in (first, last, bed):
        item.refresh_from_db()
        assert item.status == ItemStatus.AVAILABLE
    assert first.history.count() == 1  # only its creation: the rolled-back lend left no audit row


def test_tags_in_any_order_and_items_offered_to_the_person_keep_the_lock_order(desk, hub):
    """Items given highest primary key first, two of them reserved for the person's holds: lending one by one
    would lock an item after a hold and break carehub.locking's order (LockOrderError)."""
    person = make_person(hub)
    items = [make_item(hub) for _ in range(3)]
    for item in items[:2]:
        services.place_hold(access=access_for(desk), hub=hub, item_type=item.item_type, person_id=person.pk)
    loans = _lend(desk, person, *[item.asset_tag for item in reversed(items)])
    assert len(loans) == 3
    assert Hold.objects.filter(status=HoldStatus.FULFILLED).count() == 2


def test_a_tag_twice_in_any_case_is_one_item(desk, hub):
    item = make_item(hub)
    loans = _lend(desk, make_person(hub), item.asset_tag, item.asset_tag.lower())
    assert len(loans) == 1


def test_the_need_comes_from_the_hold_else_from_the_type(desk, hub):
    person = make_person(hub)
    held = make_item(hub)
    services.place_hold(access=access_for(desk), hub=hub, item_type=held.item_type, person_id=person.pk,
                        need_category=NeedCategory.RECOVERY)
    other = make_item(hub, make_type(category="children"))
    loans = _lend(desk, person, held.asset_tag, other.asset_tag)
    assert [loan.need_category for loan in loans] == [NeedCategory.RECOVERY, NeedCategory.CHILDCARE]


def test_nothing_or_too_much_at_once_is_refused(desk, hub):
    person = make_person(hub)
    with pytest.raises(errors.ValidationFailed):
        _lend(desk, person)
    with pytest.raises(errors.ValidationFailed):
        _lend(desk, person, *[f"X-{n}" for n in range(MAX_ITEMS_AT_ONCE + 1)])


def test_another_hubs_person_is_refused(desk, other_hub, hub):
    with pytest.raises(errors.NotFound):
        _lend(desk, make_person(other_hub), make_item(hub).asset_tag)


def test_the_override_reason_is_kept_only_when_the_person_has_an_overdue_item(desk, hub):
    person = make_person(hub)
    loans = _lend(desk, person, make_item(hub).asset_tag, override_reason="just in case")
    assert loans[0].override_reason == ""


def test_check_lend_items_lends_nothing_and_ignores_what_details_fix(desk, hub):
    person = make_person(hub)
    bed = make_item(hub, make_type(requires_referral=True))
    check_lend_items(access=access_for(desk), borrower_id=person.pk, lines=[LendLine(tag=bed.asset_tag)])
    assert not Loan.objects.exists()
    broken = make_item(hub, status=ItemStatus.IN_REPAIR)
    with pytest.raises(BatchRefused):
        check_lend_items(access=access_for(desk), borrower_id=person.pk,
                         lines=[LendLine(tag=bed.asset_tag), LendLine(tag=broken.asset_tag)])


@pytest.mark.postgres
def test_the_batch_locks_the_items_in_one_statement_for_update(desk, hub):
    person = make_person(hub)
    items = [make_item(hub) for _ in range(3)]
    with CaptureQueriesContext(connection) as queries:
        _lend(desk, person, *[item.asset_tag for item in items])
    locking = [q["sql"] for q in queries if "FOR UPDATE" in q["sql"] and '"lending_item"' in q["sql"]]
    assert "IN (" in locking[0]  # all the items at once, before any loan is written


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_desks_lending_overlapping_batches_at_once_lend_one_batch_whole(hub, desk):
    shared = make_item(hub, asset_tag="SHARED-1")
    mine, theirs = make_item(hub, asset_tag="MINE-1"), make_item(hub, asset_tag="THEIRS-1")
    people = [make_person(hub), make_person(hub)]
    batches = [[mine.asset_tag, shared.asset_tag], [shared.asset_tag, theirs.asset_tag]]
    barrier = threading.Barrier(2)
    results = []

    def attempt(person, tags):
        try:
            barrier.wait(timeout=30)
            try:
                _lend(desk, person, *tags)
                results.append("lent")
            except BatchRefused as exc:
                results.append([problem.code for _tag, problem in exc.problems])
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=args) for args in zip(people, batches)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(results, key=str) == [["item_unavailable"], "lent"]
    assert Loan.objects.count() == 2  # the winner's two; the loser's free item stayed on the shelf
    assert len({loan.borrower_id for loan in Loan.objects.all()}) == 1
