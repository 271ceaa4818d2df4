"""The person screen costs the same number of queries whatever the number of the person's loans, holds,
bookings, appointments and calls (each panel loads in a fixed number of queries)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from carehub.permissions import access_for
from lending import services
from tests.conftest import client_for, make_person

from .conftest import lend, make_item, make_overdue, make_type, screen
from .helpers import make_appointment, make_booking, make_call

pytestmark = pytest.mark.django_db
MAX_QUERIES = 14


def _give(desk, person, n):
    hub = person.home_hub
    for _ in range(n):
        lend(desk, make_item(hub), person, override_reason="test")
        services.place_hold(access=access_for(desk), hub=hub, item_type=make_type(), person_id=person.pk)
        services.place_hold(access=access_for(desk), hub=hub, item_type=make_item(hub).item_type,
                            person_id=person.pk)  # offered at once: ready to collect
        make_booking(person)
        make_appointment(person)
        make_call(person)
    make_overdue(person.loans.first())


def _count(client, person) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(screen(person)).status_code == 200
    return len(queries)


def test_the_screen_keeps_a_bounded_number_of_queries(desk, hub, django_assert_max_num_queries):
    few, many = make_person(hub), make_person(hub)
    _give(desk, few, 1)
    _give(desk, many, 5)
    client = client_for(desk)
    _count(client, few)  # warm the session and content-type caches
    assert _count(client, many) == _count(client, few)
    with django_assert_max_num_queries(MAX_QUERIES):
        client.get(screen(many))


def test_the_find_page_keeps_a_bounded_number_of_queries(desk, hub, django_assert_max_num_queries):
    for _ in range(30):
        make_person(hub, first_name="Anna")
    client = client_for(desk)
    client.get("/desk/")
    with django_assert_max_num_queries(10):
        assert client.get("/desk/", {"q": "anna"}).status_code == 200
