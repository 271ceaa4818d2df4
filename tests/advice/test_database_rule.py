"""The no-overlap rule is in the database on SQLite too (triggers), so the demo cannot double-book either."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction

from advice.models import Appointment
from tests.conftest import make_person

from .conftest import at, next_weekday

pytestmark = pytest.mark.django_db


def test_an_overlapping_insert_is_refused_by_the_database(hub, service, advisor):
    start = at(next_weekday(1), "10:00")
    Appointment.objects.create(service=service, advisor=advisor, hub=hub, person=make_person(hub), starts_at=start,
                               ends_at=start + timedelta(minutes=30), blocked_until=start + timedelta(minutes=30))
    with pytest.raises(IntegrityError), transaction.atomic():
        Appointment.objects.create(service=service, advisor=advisor, hub=hub, person=make_person(hub),
                                   starts_at=start + timedelta(minutes=10), ends_at=start + timedelta(minutes=40),
                                   blocked_until=start + timedelta(minutes=40))
    assert Appointment.objects.count() == 1
