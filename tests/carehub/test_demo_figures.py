"""The demo is worth looking at: after `load_demo` a year of history makes the planners' figures numbers (not
"<5") at the demo hubs, the monthly trend has values in most months for every figure, overdue loans are a
plausible share (not "100 %"), and every invariant `check_integrity` knows holds."""

from datetime import datetime
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command

from carehub.insights import metrics, selectors
from carehub.insights.metrics import FIGURES
from carehub.models import Hub
from carehub.permissions import access_for
from carehub.timezones import LOCAL_TZ
from tests.conftest import load_demo

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 10, 10, 30, tzinfo=LOCAL_TZ)  # a Wednesday morning, far from a DST change


@pytest.fixture
def demo(time_machine, settings):
    time_machine.move_to(NOW, tick=False)
    settings.INSIGHTS_CACHE_SECONDS = 0
    cache.clear()
    load_demo(stdout=StringIO())
    yield access_for(get_user_model().objects.get(username="planner"))
    cache.clear()


def test_the_demo_year_gives_numbers_trends_and_plausible_overdue_rates(demo):
    call_command("check_integrity", stdout=StringIO())  # raises on any breach
    planner, period = demo, selectors.default_period(NOW.date())
    rows, _sort = selectors.hub_rows(planner, period=period)
    assert len(rows) == Hub.objects.count() >= 12
    shown = {row.hub.slug: [f.key for f in FIGURES if row.figures[f.key] is not None] for row in rows}
    # Most figures are numbers at every hub, all of them at most hubs.
    assert all(len(keys) >= len(FIGURES) - 2 for keys in shown.values()), shown
    assert sum(len(keys) == len(FIGURES) for keys in shown.values()) >= len(rows) * 2 // 3, shown

    # Loans come back, mostly on time: no hub near "100 %" overdue over the year (raw, before any control).
    raw = metrics.compute([row.hub.pk for row in rows], metrics.period_bucket(period.date_from, period.date_to))
    overdue = {row.hub.slug: raw[row.hub.pk, 0]["overdue_rate"] for row in rows}
    assert all(rate is not None and 0 < rate < 0.35 for rate in overdue.values()), overdue

    # The monthly trend: every figure has a value in most of the twelve months, at every hub.
    for row in rows:
        months = selectors.hub_monthly(planner, row.hub, period=period)
        assert len(months) == 12
        filled = {f.key: sum(month.figures[f.key] is not None for month in months) for f in FIGURES}
        assert all(n >= 6 for n in filled.values()), (row.hub.slug, filled)
