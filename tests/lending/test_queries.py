"""Exact query counts of the write services and their endpoints (Zulip's habit: a change that adds a query
shows here), and on PostgreSQL the lock itself: lending's SQL says FOR UPDATE.

Counts include the service's savepoint (SAVEPOINT/RELEASE: the test runs in a transaction) and, on
PostgreSQL only, the `SET LOCAL lock_timeout` of the locking helper (`lock_queries()`).
"""

import json

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from carehub.permissions import access_for
from lending import services
from lending.models import Hold, HoldStatus, ItemStatus, Loan
from tests.conftest import bearer, make_caregiver, make_person

from .conftest import lend, lock_queries, make_item, make_type

pytestmark = pytest.mark.django_db
BASE = "/api/v1/lending"

# What notify() adds to a write that tells someone (carehub.notifications): the message's idempotency-key
# insert in its own savepoint (SAVEPOINT, INSERT, RELEASE; its unique idempotency key answers a repeat) = 3;
# lending's own read of the hold with its person and hub (`tell_item_ready`) makes 4 for an offer. A token call
# loads the caller's person with the token (carehub.api_auth).
NOTIFY_QUERIES = 3
OFFER_NOTICE_QUERIES = NOTIFY_QUERIES + 1


@pytest.fixture(autouse=True)
def content_types_cached(db):
    """notify() names the related object by its ContentType, which Django caches per process: warm the cache
    so that a count does not depend on which test ran first."""
    ContentType.objects.get_for_models(Hold, Loan)


@pytest.fixture
def quick_type(db):
    """A type that needs no cleaning: a good return puts the item straight back in the queue."""
    return make_type(needs_cleaning=False)


def _post(client, url, body, headers):
    return client.post(f"{BASE}{url}", data=json.dumps(body), content_type="application/json", **headers)


# --- services -------------------------------------------------------------------------------------------
def test_lend_item_queries(desk, hub, item, django_assert_num_queries):
    access, person = access_for(desk), make_person(hub)
    # savepoint, the caller's own person (Access, once), lock the borrower, lock the item, overdue check,
    # savepoint, insert loan + history, release, update item + history, release
    with django_assert_num_queries(12 + lock_queries()):
        services.lend_item(access=access, item_tag=item.asset_tag, borrower_id=person.pk)


def test_return_loan_queries(desk, hub, quick_type, django_assert_num_queries):
    item = make_item(hub, quick_type)
    loan = lend(desk, item, make_person(hub))
    access = access_for(desk)
    with django_assert_num_queries(10 + lock_queries()):
        services.return_loan(access=access, loan_id=loan.pk, condition="good")


def test_renew_loan_queries(desk, hub, item, django_assert_num_queries):
    loan = lend(desk, item, make_person(hub))
    access = access_for(desk)
    with django_assert_num_queries(8 + lock_queries()):
        services.renew_loan(access=access, loan_id=loan.pk)


def test_renew_requested_loan_queries(desk, hub, item, django_assert_num_queries):
    user, person = make_caregiver(hub)
    loan = lend(desk, item, person)
    services.request_renewal(access=access_for(user), loan_id=loan.pk)
    access = access_for(desk)
    # a renewal the borrower asked for also writes their "renewed" message (its hub is the locked item's)
    with django_assert_num_queries(8 + NOTIFY_QUERIES + lock_queries()):
        services.renew_loan(access=access, loan_id=loan.pk)


def test_place_hold_queries(desk, hub, item, django_assert_num_queries):
    lend(desk, item, make_person(hub))
    access, person = access_for(desk), make_person(hub)
    with django_assert_num_queries(8 + lock_queries()):
        services.place_hold(access=access, hub=hub, item_type=item.item_type, person_id=person.pk)


def test_offer_on_cleaning_and_collect_queries(desk, hub, item, django_assert_num_queries):
    loan = lend(desk, item, make_person(hub))
    access = access_for(desk)
    hold = services.place_hold(access=access, hub=hub, item_type=item.item_type, person_id=make_person(hub).pk)
    services.return_loan(access=access, loan_id=loan.pk, condition="good")
    # the offer now writes the person's "item ready" message in the same transaction: 9 -> 14
    with django_assert_num_queries(9 + OFFER_NOTICE_QUERIES + lock_queries()):
        services.mark_cleaned(access=access, item_tag=item.asset_tag)  # offered to the hold
    hold.refresh_from_db()
    assert hold.status == HoldStatus.OFFERED
    with django_assert_num_queries(14 + lock_queries()):
        services.lend_item(access=access, item_tag=item.asset_tag, borrower_id=hold.person_id)  # collected


def test_transfer_send_and_receive_queries(desk, other_desk, hub, other_hub, item, django_assert_num_queries):
    access, other_access = access_for(desk), access_for(other_desk)
    with django_assert_num_queries(11 + lock_queries()):
        transfer = services.create_transfer(access=access, item_tag=item.asset_tag, to_hub=other_hub)
    with django_assert_num_queries(10 + lock_queries()):
        services.receive_transfer(access=other_access, transfer_id=transfer.pk)


def test_take_in_item_queries(desk, hub, quick_type, django_assert_num_queries):
    access = access_for(desk)
    with django_assert_num_queries(7 + lock_queries()):
        item = services.take_in_item(access=access, hub=hub, item_type=quick_type, asset_tag="NEW-1")
    assert item.status == ItemStatus.AVAILABLE


# --- endpoints ------------------------------------------------------------------------------------------
def test_lend_endpoint_queries(client, desk, hub, item, django_assert_num_queries):
    headers, person = bearer(desk), make_person(hub)
    with django_assert_num_queries(15 + lock_queries()):
        response = _post(client, "/loans", {"item": item.asset_tag, "borrower": person.pk}, headers)
    assert response.status_code == 201


def test_return_endpoint_queries(client, desk, hub, quick_type, django_assert_num_queries):
    loan = lend(desk, make_item(hub, quick_type), make_person(hub))
    headers = bearer(desk)
    with django_assert_num_queries(14 + lock_queries()):
        response = _post(client, f"/loans/{loan.pk}/return", {"condition": "good"}, headers)
    assert response.status_code == 200


def test_renew_endpoint_queries(client, desk, hub, item, django_assert_num_queries):
    loan = lend(desk, item, make_person(hub))
    headers = bearer(desk)
    with django_assert_num_queries(12 + lock_queries()):
        response = _post(client, f"/loans/{loan.pk}/renew", {}, headers)
    assert response.status_code == 200


def test_place_hold_endpoint_queries(client, desk, hub, item, django_assert_num_queries):
    lend(desk, item, make_person(hub))
    headers, person = bearer(desk), make_person(hub)
    with django_assert_num_queries(15 + lock_queries()):
        response = _post(client, "/holds", {"hub": hub.slug, "type": item.item_type_id, "person": person.pk},
                         headers)
    assert response.status_code == 201


def test_offer_and_collect_endpoint_queries(client, desk, hub, item, django_assert_num_queries):
    loan = lend(desk, item, make_person(hub))
    access, headers = access_for(desk), bearer(desk)
    hold = services.place_hold(access=access, hub=hub, item_type=item.item_type, person_id=make_person(hub).pk)
    services.return_loan(access=access, loan_id=loan.pk, condition="good")
    with django_assert_num_queries(13 + OFFER_NOTICE_QUERIES + lock_queries()):  # the message: 13 -> 17
        response = _post(client, f"/items/{item.asset_tag}/clean", {}, headers)
    assert response.status_code == 200 and response.json()["status"] == ItemStatus.RESERVED
    with django_assert_num_queries(17 + lock_queries()):
        response = _post(client, "/loans", {"item": item.asset_tag, "borrower": hold.person_id}, headers)
    assert response.status_code == 201


def test_transfer_endpoint_queries(client, desk, other_desk, other_hub, item, django_assert_num_queries):
    headers, other_headers = bearer(desk), bearer(other_desk)
    with django_assert_num_queries(17 + lock_queries()):
        response = _post(client, "/transfers", {"item": item.asset_tag, "to_hub": other_hub.slug}, headers)
    assert response.status_code == 201
    with django_assert_num_queries(14 + lock_queries()):
        response = _post(client, f"/transfers/{response.json()['id']}/receive", {}, other_headers)
    assert response.status_code == 200


def test_intake_endpoint_queries(client, desk, hub, quick_type, django_assert_num_queries):
    headers = bearer(desk)
    with django_assert_num_queries(13 + lock_queries()):
        response = _post(client, "/items", {"asset_tag": "new-2", "hub": hub.slug, "type": quick_type.pk}, headers)
    assert response.status_code == 201 and response.json()["asset_tag"] == "NEW-2"


# --- the lock itself (PostgreSQL: SQLite has no row locks) ----------------------------------------------
@pytest.mark.postgres
def test_lending_sql_locks_the_person_then_the_item_for_update(desk, hub, item):
    access, person = access_for(desk), make_person(hub)
    with CaptureQueriesContext(connection) as queries:
        services.lend_item(access=access, item_tag=item.asset_tag, borrower_id=person.pk)
    locking = [q["sql"] for q in queries.captured_queries if "FOR UPDATE" in q["sql"]]
    assert len(locking) == 2
    assert 'FROM "carehub_person"' in locking[0] and 'FROM "lending_item"' in locking[1]
    assert any(q["sql"].startswith("SET LOCAL lock_timeout") for q in queries.captured_queries)
