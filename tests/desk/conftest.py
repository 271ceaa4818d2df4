"""The desk screen's tests: a frozen clock (a Tuesday mid-morning at the hub), stock, loans and bookings
built through the services, and the screen's URLs."""

import itertools
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from carehub.permissions import access_for
from carehub.timezones import LOCAL_TZ
from lending import services
from lending.models import Category, Item, ItemStatus, ItemType

FROZEN_AT = datetime(2026, 3, 10, 10, 0, tzinfo=LOCAL_TZ)
_seq = itertools.count(1)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(FROZEN_AT, tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


def make_type(**fields) -> ItemType:
    n = next(_seq)
    defaults = dict(name=f"Desk wheelchair {n}", category=Category.MOBILITY, default_loan_days=180,
                    needs_cleaning=True, deposit_eur=Decimal("0"))
    defaults.update(fields)
    return ItemType.objects.create(**defaults)


def make_item(hub, item_type=None, **fields) -> Item:
    n = next(_seq)
    defaults = dict(asset_tag=f"DK-{n:04d}", item_type=item_type or make_type(), hub=hub,
                    status=ItemStatus.AVAILABLE)
    defaults.update(fields)
    item = Item(**defaults)
    item.save()
    return item


def lend(user, item, person, **kwargs):
    return services.lend_item(access=access_for(user), item_tag=item.asset_tag, borrower_id=person.pk, **kwargs)


def make_overdue(loan, days=3):
    loan.due_on = FROZEN_AT.date() - timedelta(days=days)
    loan.save()
    return loan


def screen(person) -> str:
    return reverse("desk:person", kwargs={"pk": person.pk})


def scan_url(person) -> str:
    return reverse("desk:scan", kwargs={"pk": person.pk})


def action_url(person, name, obj_id=None) -> str:
    if obj_id is None:
        return reverse("desk:action", kwargs={"pk": person.pk, "app": "lending", "name": name})
    return reverse("desk:action-on", kwargs={"pk": person.pk, "app": "lending", "name": name, "obj_id": obj_id})
