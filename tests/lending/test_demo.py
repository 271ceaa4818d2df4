"""The demo gives every hub a lending bank worth showing."""

import pytest
from django.db.models import Count

from carehub.models import Hub
from lending.models import Hold, HoldStatus, Item, ItemStatus, Loan
from tests.conftest import load_demo

pytestmark = pytest.mark.django_db


def test_demo_stocks_every_hub_with_loans_overdue_cleaning_and_holds():
    load_demo(stdout=open("/dev/null", "w"))

    def per_hub(queryset, distinct_field="pk"):
        # One GROUP BY per figure: joining items, loans and holds in one query would multiply a year's rows.
        return dict(queryset.values_list("hub").annotate(n=Count(distinct_field, distinct=True)))

    types = per_hub(Item.objects.all(), "item_type")
    on_loan = per_hub(Item.objects.filter(status=ItemStatus.ON_LOAN))
    overdue = per_hub(Loan.objects.filter(returned_at__isnull=True, due_on__lt=_today()))
    cleaning = per_hub(Item.objects.filter(status=ItemStatus.CLEANING))
    waiting = per_hub(Hold.objects.filter(status=HoldStatus.WAITING))
    for hub in Hub.objects.all():
        assert types.get(hub.pk, 0) >= 8, hub
        assert on_loan.get(hub.pk) and overdue.get(hub.pk) and cleaning.get(hub.pk) and waiting.get(hub.pk), hub
    first = Hub.objects.order_by("pk").first()
    assert first.items.filter(status=ItemStatus.AVAILABLE).exists()
    assert Hold.objects.filter(hub=first, status=HoldStatus.OFFERED).exists()


def _today():
    from django.utils import timezone

    return timezone.localdate()
