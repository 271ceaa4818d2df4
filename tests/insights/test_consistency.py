"""The same query answers the same figures every time: in another process, after the cache is cleared, with
the cache off. Nothing but the records' keys decides the noise (no process-local hash, no clock, no state)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import cache

from carehub.insights import metrics, perturbation
from tests.conftest import bearer
from tests.insights.conftest import PERIOD

pytestmark = pytest.mark.django_db

URL = "/api/v1/insights/hubs?date_from=2025-01-01&date_to=2025-03-31"
MONTHLY = "/api/v1/insights/hubs/{slug}/monthly?date_from=2025-01-01&date_to=2025-03-31"
ROOT = Path(__file__).resolve().parents[2]

PUBLISH_IN_A_SUBPROCESS = """
import json, sys
import django
django.setup()
from carehub.insights import perturbation
cells = json.load(sys.stdin)
print(json.dumps([{k: (v if not isinstance(v, (perturbation.Band, perturbation.NoBase)) else repr(v))
                   for k, v in perturbation.publish(cell, population).items()} for cell, population in cells]))
"""


def comparable(published: dict) -> dict:
    return {k: (v if not isinstance(v, (perturbation.Band, perturbation.NoBase)) else repr(v))
            for k, v in published.items()}


def test_another_process_publishes_the_same_figures_from_the_same_cells(city):
    buckets = metrics.month_buckets(*PERIOD) + [metrics.Bucket(3, *PERIOD)]
    raw = metrics.compute([city.hub.pk, city.other_hub.pk], buckets)
    cells = [[cell, 20000] for cell in raw.values()]
    here = [comparable(perturbation.publish(cell, population)) for cell, population in cells]
    # Another interpreter, with another hash seed: str hashes differ there, the figures must not.
    env = {**os.environ, "PYTHONHASHSEED": "12345", "DJANGO_SETTINGS_MODULE": "tests.settings"}
    done = subprocess.run([sys.executable, "-c", PUBLISH_IN_A_SUBPROCESS], input=json.dumps(cells), env=env,
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == json.loads(json.dumps(here))


def test_the_same_figures_after_the_cache_is_cleared_and_with_no_cache(client, city, planner, settings):
    headers = bearer(planner)
    urls = (URL, MONTHLY.format(slug=city.hub.slug))
    first = [client.get(url, **headers).json() for url in urls]
    cache.clear()
    assert [client.get(url, **headers).json() for url in urls] == first
    settings.INSIGHTS_CACHE_SECONDS = 0
    assert [client.get(url, **headers).json() for url in urls] == first


def test_a_coordinator_and_a_planner_see_the_same_figures_for_a_hub(client, city, planner, coordinator):
    planners = next(r for r in client.get(URL, **bearer(planner)).json() if r["hub"] == city.hub.slug)
    cache.clear()
    coordinators = client.get(URL, **bearer(coordinator)).json()
    assert coordinators == [planners]
