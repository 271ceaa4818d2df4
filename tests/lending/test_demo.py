"""The demo gives every hub a lending bank worth showing."""

import pytest
from django.core.management import call_command
from django.db.models import Count, Q

from carehub.models import Hub
from lending.models import Hold, HoldStatus, ItemStatus

pytestmark = pytest.mark.django_db


def test_demo_stocks_every_hub_with_loans_overdue_cleaning_and_holds():
    call_command("load_demo", stdout=open("/dev/null", "w"))
    today_rows = Hub.objects.annotate(
        types=Count("items__item_type", distinct=True),
        on_loan=Count("items", filter=Q(items__status=ItemStatus.ON_LOAN), distinct=True),
        overdue=Count("loans", filter=Q(loans__returned_at__isnull=True, loans__due_on__lt=_today()), distinct=True),
        cleaning=Count("items", filter=Q(items__status=ItemStatus.CLEANING), distinct=True),
        n_holds=Count("holds", filter=Q(holds__status=HoldStatus.WAITING), distinct=True),
    )
    for hub in today_rows:
        assert hub.types >= 8, hub
        assert hub.on_loan and hub.overdue and hub.cleaning and hub.n_holds, hub
    first = Hub.objects.order_by("pk").first()
    assert first.items.filter(status=ItemStatus.AVAILABLE).exists()
    assert Hold.objects.filter(hub=first, status=HoldStatus.OFFERED).exists()


def _today():
    from django.utils import timezone

    return timezone.localdate()
