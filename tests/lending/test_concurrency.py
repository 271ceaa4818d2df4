"""The last wheelchair goes to exactly one person (PostgreSQL: real threads, real row locks).

The SQL of the lend itself (FOR UPDATE, exact query count) is checked in test_queries.py."""

import json
import threading

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from carehub.permissions import access_for
from lending import services
from lending.models import Item, ItemStatus, Loan
from tests.conftest import bearer, make_person

from .conftest import make_item

THREADS = 16


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_sixteen_desks_lending_the_last_item_at_once_give_one_loan_and_fifteen_409(hub, desk, item_type):
    item = make_item(hub, item_type, asset_tag="LAST-WC")
    people = [make_person(hub) for _ in range(THREADS)]
    headers = bearer(desk)
    barrier = threading.Barrier(THREADS)
    results = []
    lock = threading.Lock()

    def attempt(person):
        try:
            client = Client()
            barrier.wait(timeout=30)
            response = client.post("/api/v1/lending/loans", data=json.dumps({"item": item.asset_tag,
                                                                             "borrower": person.pk}),
                                   content_type="application/json", **headers)
            with lock:
                results.append((response.status_code, response.json()))
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    statuses = sorted(status for status, _ in results)
    assert statuses == [201] + [409] * (THREADS - 1), results
    assert {body["code"] for status, body in results if status == 409} == {"item_unavailable"}
    assert Loan.objects.filter(item=item, returned_at__isnull=True).count() == 1
    assert Item.objects.get(pk=item.pk).status == ItemStatus.ON_LOAN


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_sixteen_threads_through_the_service_give_one_loan(hub, desk, item_type):
    item = make_item(hub, item_type, asset_tag="LAST-WF")
    people = [make_person(hub) for _ in range(THREADS)]
    barrier = threading.Barrier(THREADS)
    outcomes = []
    lock = threading.Lock()

    def attempt(person):
        try:
            barrier.wait(timeout=30)
            try:
                services.lend_item(access=access_for(desk), item_tag=item.asset_tag, borrower_id=person.pk)
                outcome = "ok"
            except Exception as exc:  # noqa: BLE001 - the test records what each thread got
                outcome = type(exc).__name__
            with lock:
                outcomes.append(outcome)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == sorted(["ok"] + ["ItemUnavailable"] * (THREADS - 1))


@pytest.mark.postgres
@pytest.mark.django_db
def test_returning_locks_item_then_loan(hub, desk, item_type):
    item = make_item(hub, item_type)
    loan = services.lend_item(access=access_for(desk), item_tag=item.asset_tag, borrower_id=make_person(hub).pk)
    with CaptureQueriesContext(connection) as queries:
        services.return_loan(access=access_for(desk), loan_id=loan.pk, condition="good")
    locking = [q["sql"] for q in queries.captured_queries if "FOR UPDATE" in q["sql"]]
    assert len(locking) == 2  # the type needs cleaning: the item goes to cleaning, no queue to lock
    assert 'FOR UPDATE OF "lending_item"' in locking[0] and 'FOR UPDATE OF "lending_loan"' in locking[1]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_holds_placed_at_once_on_the_last_item_offer_it_to_exactly_one_person(hub, desk, item_type):
    from lending.models import Hold, HoldStatus

    item = make_item(hub, item_type, asset_tag="LAST-CB")
    people = [make_person(hub) for _ in range(8)]
    barrier = threading.Barrier(len(people))
    failures = []

    def attempt(person):
        try:
            barrier.wait(timeout=30)
            services.place_hold(access=access_for(desk), hub=hub, item_type=item_type, person_id=person.pk)
        except Exception as exc:  # noqa: BLE001 - any error fails the test below
            failures.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not failures
    assert Hold.objects.filter(status=HoldStatus.OFFERED, offered_item=item).count() == 1
    assert Hold.objects.filter(status=HoldStatus.WAITING).count() == len(people) - 1
    assert Item.objects.get(pk=item.pk).status == ItemStatus.RESERVED


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_desks_returning_the_same_loan_record_one_return(hub, desk, item_type):
    item = make_item(hub, item_type, asset_tag="RET-WC")
    loan = services.lend_item(access=access_for(desk), item_tag=item.asset_tag, borrower_id=make_person(hub).pk)
    barrier = threading.Barrier(8)
    outcomes = []

    def attempt():
        try:
            barrier.wait(timeout=30)
            try:
                services.return_loan(access=access_for(desk), loan_id=loan.pk, condition="good")
                outcomes.append("ok")
            except Exception as exc:  # noqa: BLE001 - the test records what each thread got
                outcomes.append(type(exc).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == sorted(["ok"] + ["LoanAlreadyReturned"] * 7)
    assert Loan.objects.get(pk=loan.pk).history.count() == 2  # created, returned: once
