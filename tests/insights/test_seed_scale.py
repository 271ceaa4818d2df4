"""seed_scale on a tiny scale: fills an empty database, keeps the invariants, refuses a non-empty one."""

from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, F, Q

from activities.models import Booking, Session
from advice.models import Appointment
from carehub.models import Hub, Person
from lending.models import Item, ItemType, Loan
from tests.conftest import make_hub

pytestmark = pytest.mark.django_db

TINY = {"hubs": 2, "years": 0.1, "people_per_hub": 40, "items_per_hub": 5, "seed": 7}


def test_fills_an_empty_database_with_every_kind_of_activity():
    call_command("seed_scale", **TINY)
    assert Hub.objects.count() == 2
    assert Person.objects.count() == 80
    assert Item.objects.count() == 10
    for model in (Loan, Session, Booking, Appointment):
        assert model.objects.exists(), model


def test_seeded_data_keeps_the_invariants():
    call_command("seed_scale", **TINY)
    call_command("check_integrity")  # raises CommandError on any breach
    over = Session.objects.annotate(confirmed=Count("bookings", filter=Q(bookings__status="confirmed")))
    assert not over.exclude(confirmed=F("confirmed_count")).exists()
    assert not Session.objects.filter(confirmed_count__gt=F("capacity")).exists()
    assert not Person.objects.filter(search_text="").exists()


@time_machine.travel("2026-03-10 12:00:00+01:00", tick=False)
def test_same_seed_gives_the_same_figures():
    # Benchmarks are compared across runs and commits: a seed must keep meaning the same city.
    out = StringIO()
    call_command("seed_scale", **TINY, stdout=out)
    summary = out.getvalue().split(": ", 1)[1].strip()
    assert summary == ("2 hubs, 80 people, 10 items, 15 loans, 7 holds, 76 sessions, 1,065 bookings, "
                       "125 appointments.")


def test_refuses_a_database_that_is_not_empty():
    make_hub()
    with pytest.raises(CommandError, match="not empty"):
        call_command("seed_scale", **TINY)
    assert Hub.objects.count() == 1


def test_refuses_a_database_holding_only_an_apps_rows():
    # Each app's tables count, not only the core's: no half-seeded mix with someone's data.
    ItemType.objects.create(name="Crosses", category="mobility")
    with pytest.raises(CommandError, match="not empty"):
        call_command("seed_scale", **TINY)
    assert not Hub.objects.exists()


def test_refuses_silly_sizes():
    with pytest.raises(CommandError):
        call_command("seed_scale", hubs=0, years=1)
