"""Factories for the lending tests: item types and items, loans made through the service."""

import itertools
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from carehub.permissions import access_for
from lending import services
from lending.models import Category, Item, ItemStatus, ItemType

_seq = itertools.count(1)


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
