"""Real threads against PostgreSQL: people booking 1-3 places at once (themselves and who they care for) for
the last places of a session. Never more places confirmed than the session has, and never half a party."""

import random

import pytest

from activities.models import Activity, Booking, Session
from tests.conftest import client_for, make_caregiver

from .helpers import make_session
from .test_concurrency import _race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROUNDS = 20
CAPACITY = 5


def test_twenty_races_of_parties_never_confirm_more_than_five_places_nor_half_a_party(hub):
    rng = random.Random(16)
    for round_ in range(ROUNDS):
        session = make_session(hub, capacity=CAPACITY, days=3 + round_, title=f"Taller {round_}")
        Activity.objects.filter(pk=session.activity_id).update(companion_places=2)
        parties = [(make_caregiver(hub, preferred_language="en")[0], rng.randint(0, 2)) for _ in range(5)]

        def booker(user, companions):
            def call():
                response = client_for(user).post(
                    f"/api/v1/activities/sessions/{session.pk}/bookings", {"companions": companions},
                    content_type="application/json")
                return response.status_code, response.json()
            return call

        results, failures = _race([booker(user, companions) for user, companions in parties])
        assert failures == [] and {status for status, _body in results} == {201}, results
        session.refresh_from_db()
        bookings = list(Booking.objects.filter(session=session))
        confirmed = sum(b.places for b in bookings if b.status == "confirmed")
        assert confirmed <= CAPACITY and session.confirmed_count == confirmed, round_
        # One booking per person, holding exactly the places asked for, with one status for all of them.
        assert sorted((b.person.user_id, b.companions) for b in bookings) == sorted(
            (user.pk, companions) for user, companions in parties)
        # Nobody waits while their whole party would fit in what is left, unless an earlier party claims it.
        free = CAPACITY - confirmed
        waiting = sorted((b for b in bookings if b.status == "waitlisted"), key=lambda b: (b.created_at, b.pk))
        assert not waiting or waiting[0].places > free, round_
