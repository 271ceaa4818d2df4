"""Property-based test of the whole API: schemathesis generates input for every operation in
/api/v1/openapi.json (valid and invalid), calls it in-process through the WSGI app as anonymous, a caregiver
(bearer token), a coordinator and an administrator, and checks that nothing answers 5xx and that every 4xx
has the API's error shape `{"detail", "code"}`.

Each operation is tried twice per example: with the generated path parameters (mostly unknown ids) and with
ids of objects that exist, so that generated bodies and queries reach the code behind the 404.
Examples per operation are capped (FUZZ_EXAMPLES, default 6) to keep the run near a minute; set
FUZZ_EXAMPLES=200 for a long hunt.
"""

import json
import os
import re
from datetime import timedelta

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.core import signals
from django.db import DatabaseError, close_old_connections, transaction
from django.utils import timezone
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from activities.models import GroupMembership
from carehub.models import Role
from carehub.wsgi import application
from lending.models import Hold
from tests.conftest import make_caregiver, make_person, make_user, token_for

from .conftest import book, make_appointment, make_item, make_loan, make_service, make_session

# PostgreSQL answers each request slower in-process (savepoints, round trips): fewer examples keep the time.
ON_POSTGRES = django_settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "3" if ON_POSTGRES else "6"))

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture
def fast_hashing(settings):
    """Password hashing is deliberately slow; the fuzz calls the token endpoint hundreds of times."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def in_test_transaction():
    """The WSGI handler closes the database connection after each request (Django's test Client turns that off
    too): keep it, so that requests see the test's data and PostgreSQL's test transaction survives."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def world(hub, other_hub, fast_hashing, in_test_transaction):
    """Something of every kind, at known ids, and the four callers."""
    coordinator = make_user("fuzz-coordinator", roles=[(Role.COORDINATOR, hub), (Role.DESK, hub)])
    advisor = make_user("fuzz-advisor", roles=[(Role.ADVISOR, hub)])
    admin = make_user("fuzz-admin", roles=[(Role.ADMIN, None)], is_superuser=True, is_staff=True)
    carer_user, carer = make_caregiver(hub, "fuzz-carer")
    person = make_person(hub)
    item = make_item(hub, "FZ-1")
    loan = make_loan(make_item(hub, "FZ-2", status="on_loan"), carer, returned=False)
    hold = Hold.objects.create(item_type=item.item_type, hub=hub, person=person)
    session = make_session(hub, capacity=3)
    booking = book(session, carer)
    group = make_session(hub, title="Grup", kind="support_group", facilitator=None)
    membership = GroupMembership.objects.create(activity=group.activity, person=carer, status="member")
    service = make_service(hub)
    appointment = make_appointment(service, advisor, carer, starts_at=timezone.now() + timedelta(days=2))
    ids = {
        "person_id": carer.pk, "session_id": session.pk, "booking_id": booking.pk, "activity_id": group.activity_id,
        "membership_id": membership.pk, "loan_id": loan.pk, "hold_id": hold.pk, "item_id": item.pk,
        "item_type_id": item.item_type_id, "appointment_id": appointment.pk, "service_id": service.pk,
        "advisor_id": advisor.pk, "slug": hub.slug, "hub": hub.slug, "tag": item.asset_tag,
        "asset_tag": item.asset_tag, "item_tag": item.asset_tag,
    }
    callers = {
        "anonymous": {},
        "caregiver": {"Authorization": f"Bearer {token_for(carer_user)}"},
        "coordinator": {"Authorization": f"Bearer {token_for(coordinator)}"},
        "admin": {"Authorization": f"Bearer {token_for(admin)}"},
    }
    return {"ids": ids, "callers": callers}


def with_known_ids(case, ids: dict) -> dict | None:
    """The case's path parameters replaced by ids of existing objects, where we have one of that name."""
    params = dict(case.path_parameters or {})
    if not params:
        return None
    known = {name: ids[name] for name in params if name in ids}
    if not known:
        # e.g. `{tag}` or `{pk}`: take any id whose name ends like it.
        known = {name: value for name in params for key, value in ids.items() if key.endswith(name)}
    return {**params, **known} if known else None


def isolated_call(case, headers):
    """One request in its own savepoint. In production each request has its own transaction; here they all
    share the test's, and on PostgreSQL one refused statement (e.g. a number out of range, answered 422)
    would abort it for every later request."""
    savepoint = transaction.savepoint()
    response = case.call(headers=headers)
    try:
        transaction.savepoint_commit(savepoint)
    except DatabaseError:
        transaction.savepoint_rollback(savepoint)
    return response


def describe(case, caller: str, response) -> str:
    return (f"{case.method} {case.formatted_path} as {caller}\n  path={case.path_parameters} query={case.query}"
            f"\n  body={case.body!r}\n  -> {response.status_code} {response.text[:3000]}")


def assert_well_behaved(case, caller: str, response) -> None:
    assert response.status_code < 500, describe(case, caller, response)
    if 400 <= response.status_code < 500:
        try:
            body = json.loads(response.text)
        except ValueError:
            raise AssertionError("4xx without a JSON body: " + describe(case, caller, response))
        assert isinstance(body, dict) and {"detail", "code"} <= set(body), describe(case, caller, response)


@pytest.mark.slow
@pytest.mark.django_db
@schema.parametrize()
@hypothesis_settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_no_input_gives_a_server_error_or_a_shapeless_4xx(case, world):
    for caller, headers in world["callers"].items():
        assert_well_behaved(case, caller, isolated_call(case, headers))
        known = with_known_ids(case, world["ids"])
        if known is not None and caller != "anonymous":
            original = case.path_parameters
            case.path_parameters = known
            try:
                assert_well_behaved(case, caller, isolated_call(case, headers))
            finally:
                case.path_parameters = original


def test_every_operation_is_fuzzed():
    """The fuzz covers whatever the apps add: it reads the live schema, not a list kept by hand."""
    operations = [op for op in schema.get_all_operations()]
    assert len(operations) >= 15
    paths = {re.sub(r"\{[^}]+\}", "{}", result.ok().path) for result in operations}
    assert "/people/{}/erase" in paths or "/api/v1/people/{}/erase" in paths
