"""The demo: every hub has a few news items (current, scheduled, ended), some people get its digest, the demo
caregiver among them, and the first run of the digest has something to send."""

from io import StringIO

import pytest
from django.utils import timezone

from carehub.models import Hub
from news import digest, selectors
from news.models import DigestSubscription, NewsItem
from tests.conftest import load_demo

pytestmark = pytest.mark.django_db


def test_the_demo_has_news_at_every_hub_and_subscribers():
    load_demo(stdout=StringIO())
    today = timezone.localdate()
    for hub in Hub.objects.all():
        states = {selectors.status_of(item, today) for item in NewsItem.objects.filter(hub=hub)}
        assert {"current", "scheduled", "ended"} <= states, hub
        assert DigestSubscription.objects.filter(hub=hub).exists(), hub
    first = Hub.objects.order_by("pk").first()
    assert any(item.translations for item in NewsItem.objects.filter(hub=first))
    assert DigestSubscription.objects.filter(person__user__username="carer", hub=first, ended_at__isnull=True).exists()
    assert NewsItem.history.model.objects.count() == NewsItem.objects.count()
    assert digest.send(today=today) > 0
