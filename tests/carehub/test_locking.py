"""The one locking helper: one global order, only inside a transaction, and "busy" instead of a 500."""

import threading

import pytest
from django.db import OperationalError, connection, transaction
from django.test import override_settings

from carehub import errors
from carehub.locking import LockOrderError, lock_row, lock_rows
from carehub.models import Person
from tests.conftest import make_hub, make_person, make_user

pytestmark = pytest.mark.django_db


def test_locking_outside_a_transaction_is_refused():
    hub = make_hub()
    person = make_person(hub)
    # The test's own wrapping transaction does not count: in production each service is its own transaction.
    with pytest.raises(LockOrderError):
        lock_row(Person.objects.filter(pk=person.pk))


def test_rows_come_back_in_primary_key_order():
    hub = make_hub()
    people = [make_person(hub) for _ in range(3)]
    with transaction.atomic():
        locked = lock_rows(Person.objects.filter(pk__in=[p.pk for p in people]).order_by("-pk"))
    assert [p.pk for p in locked] == sorted(p.pk for p in people)


def test_a_lower_ranked_model_after_a_higher_one_is_refused():
    """A person ranks after a user (an advisor's calendar is locked first): the reverse could deadlock."""
    hub = make_hub()
    person = make_person(hub)
    user = make_user()
    with pytest.raises(LockOrderError, match="LOCK_ORDER"):
        with transaction.atomic():
            lock_row(Person.objects.filter(pk=person.pk))
            lock_row(type(user).objects.filter(pk=user.pk))


def test_a_lower_primary_key_after_a_higher_one_of_the_same_model_is_refused():
    hub = make_hub()
    first, second = make_person(hub), make_person(hub)
    with pytest.raises(LockOrderError):
        with transaction.atomic():
            lock_row(Person.objects.filter(pk=second.pk))
            lock_row(Person.objects.filter(pk=first.pk))


def test_relocking_a_row_already_held_is_allowed():
    hub = make_hub()
    first, second = make_person(hub), make_person(hub)
    with transaction.atomic():
        lock_rows(Person.objects.filter(pk__in=[first.pk, second.pk]))
        assert lock_row(Person.objects.filter(pk=first.pk)).pk == first.pk


def test_each_transaction_starts_its_own_order():
    hub = make_hub()
    first, second = make_person(hub), make_person(hub)
    with transaction.atomic():
        lock_row(Person.objects.filter(pk=second.pk))
    with transaction.atomic():
        assert lock_row(Person.objects.filter(pk=first.pk)).pk == first.pk


@pytest.mark.django_db(transaction=True)
def test_the_order_restarts_with_every_real_transaction_of_one_decorated_service():
    """`@transaction.atomic` reuses one Atomic object for every call: the bookkeeping must still end with
    each transaction, committed or rolled back."""
    hub = make_hub()
    first, second = make_person(hub), make_person(hub)

    @transaction.atomic
    def lock(*pks, fail=False):
        for pk in pks:
            lock_row(Person.objects.filter(pk=pk))
        if fail:
            raise ValueError("refused")

    lock(second.pk)
    lock(first.pk)
    with pytest.raises(ValueError):
        lock(second.pk, fail=True)
    lock(first.pk)
    with pytest.raises(LockOrderError):
        lock(second.pk, first.pk)


def test_a_database_lock_error_is_busy_in_the_api(client, monkeypatch):
    def locked(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr("carehub.selectors.hubs_public", locked)
    response = client.get("/api/v1/hubs")
    assert response.status_code == 409
    assert response.json()["code"] == "busy"


def test_a_database_lock_error_is_a_try_again_page(client, monkeypatch):
    def locked(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr("carehub.selectors.hubs_public", locked)
    response = client.get("/hubs/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 409
    assert "try again" in response.content.decode()


def test_other_database_errors_are_not_disguised_as_busy(client, monkeypatch):
    def broken(*args, **kwargs):
        raise OperationalError("no such table: carehub_hub")

    monkeypatch.setattr("carehub.selectors.hubs_public", broken)
    client.raise_request_exception = False
    assert client.get("/api/v1/hubs").status_code == 500


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_lock_held_too_long_answers_busy_and_changes_nothing():
    hub = make_hub()
    person = make_person(hub)
    holding, release = threading.Event(), threading.Event()
    outcome = {}

    def holder():
        try:
            with transaction.atomic():
                lock_row(Person.objects.filter(pk=person.pk))
                holding.set()
                release.wait(10)
        finally:
            connection.close()

    def waiter():
        try:
            with override_settings(LOCK_TIMEOUT_MS=200):
                with transaction.atomic():
                    locked = lock_row(Person.objects.filter(pk=person.pk))
                    locked.first_name = "Changed"
                    locked.save()
        except errors.Busy as exc:
            outcome["error"] = exc
        finally:
            connection.close()

    first = threading.Thread(target=holder)
    first.start()
    assert holding.wait(10)
    second = threading.Thread(target=waiter)
    second.start()
    second.join(10)
    release.set()
    first.join(10)
    assert outcome["error"].code == "busy"
    person.refresh_from_db()
    assert person.first_name != "Changed"
