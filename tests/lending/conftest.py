"""Factories for the lending tests: item types and items, loans made through the service; the frozen clock."""

import itertools
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from carehub.timezones import LOCAL_TZ

from carehub.permissions import access_for
from lending import services
from lending.models import Category, Item, ItemStatus, ItemType

_seq = itertools.count(1)

# Every lending test runs at this moment: a Tuesday (the test hubs open on Tuesdays), mid-morning at the hub,
# far from midnight and from a DST change, so no test depends on the wall clock or the weekday.
FROZEN_AT = datetime(2026, 3, 10, 10, 0, tzinfo=LOCAL_TZ)


@pytest.fixture(autouse=True)
def clock():
    """The frozen clock (time-machine); `clock.shift(timedelta(...))` moves it on within a test."""
    with time_machine.travel(FROZEN_AT, tick=False) as traveller:
        yield traveller


def lock_queries() -> int:
    """PostgreSQL sets the lock timeout once per locking transaction (`SET LOCAL lock_timeout`); SQLite not."""
    return 1 if connection.vendor == "postgresql" else 0


def make_type(**fields) -> ItemType:
    n = next(_seq)
    defaults = dict(name=f"Wheelchair {n}", category=Category.MOBILITY, default_loan_days=180,
                    needs_cleaning=True, deposit_eur=Decimal("0"))
    defaults.update(fields)
    return ItemType.objects.create(**defaults)


def make_item(hub, item_type=None, **fields) -> Item:
    n = next(_seq)
    defaults = dict(asset_tag=f"T-{n:05d}", item_type=item_type or make_type(), hub=hub,
                    status=ItemStatus.AVAILABLE)
    defaults.update(fields)
    item = Item(**defaults)
    item.save()
    return item


def lend(user, item, person, **kwargs):
    return services.lend_item(access=access_for(user), item_tag=item.asset_tag, borrower_id=person.pk, **kwargs)


def today():
    return timezone.localdate()


def days(n):
    return timedelta(days=n)


@pytest.fixture
def item_type(db):
    return make_type(name="Folding wheelchair")


@pytest.fixture
def item(hub, item_type):
    return make_item(hub, item_type, asset_tag="SA-WC-001")
