"""The insights cache's stampede guard: cold requests arriving together compute the figures once.

The computation itself is replaced by a slow stand-in that counts its calls: what is tested is who computes,
who waits and who takes over, in memory and on Redis (two app servers share Redis, each thread here has a
client of its own, as two servers would).
"""

import logging
import threading
import time
import uuid
from datetime import date

import pytest
from django.core.cache import cache

from carehub.insights import metrics
from tests.conftest import redis_reachable

BUCKETS = metrics.period_bucket(date(2025, 1, 1), date(2025, 3, 31))
HUBS = [1, 2, 3]


@pytest.fixture(params=["locmem", pytest.param("redis", marks=pytest.mark.redis)])
def shared_cache(request, settings):
    if request.param == "locmem":
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                       "LOCATION": f"insights-guard-{uuid.uuid4().hex}"}}
    else:
        if not redis_reachable():
            pytest.skip("needs Redis at 127.0.0.1:6379 (.ci/run starts it)")
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                       "LOCATION": "redis://127.0.0.1:6379/15",
                                       "KEY_PREFIX": f"test-insights-{uuid.uuid4().hex}"}}
    settings.INSIGHTS_CACHE_SECONDS = 600
    settings.INSIGHTS_LOCK_SECONDS = 30
    settings.INSIGHTS_LOCK_WAIT_SECONDS = 30
    yield
    cache.clear()


@pytest.fixture
def slow_compute(monkeypatch):
    """A stand-in for the heavy aggregates: takes a moment, counts its calls."""
    calls = []

    def compute(hub_ids, buckets):
        calls.append(threading.get_ident())
        time.sleep(0.3)
        return {"computed_by": threading.get_ident()}

    monkeypatch.setattr(metrics, "compute", compute)
    return calls


def lock_key():
    """The lock's key, as cached_compute builds it (checked by the first test below)."""
    import hashlib

    from django.db import connection

    spec = repr((sorted(HUBS), [(b.index, b.first_day, b.last_day) for b in BUCKETS], connection.vendor))
    return "insights:v2:" + hashlib.sha256(spec.encode()).hexdigest() + ":lock"


def in_threads(n, fn):
    barrier = threading.Barrier(n)
    results, errors = [None] * n, []

    def run(i):
        try:
            barrier.wait()
            results[i] = fn()
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors
    return results


def test_twenty_cold_requests_at_once_compute_the_figures_once(shared_cache, slow_compute, caplog):
    with caplog.at_level(logging.INFO, logger="carehub.insights"):
        results = in_threads(20, lambda: metrics.cached_compute(HUBS, BUCKETS))
    assert len(slow_compute) == 1
    assert all(result == results[0] for result in results)
    computed = [r for r in caplog.records
                if r.name == "carehub.insights" and r.getMessage() == "insights computed"]
    assert len(computed) == 1
    assert computed[0].hubs == 3 and computed[0].duration_ms >= 300
    assert cache.get(lock_key()) is None  # let go once done


def test_a_cached_result_is_served_without_computing_or_logging(shared_cache, slow_compute, caplog):
    metrics.cached_compute(HUBS, BUCKETS)
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="carehub.insights"):
        metrics.cached_compute(HUBS, BUCKETS)
    assert len(slow_compute) == 1
    assert not [r for r in caplog.records if r.getMessage() == "insights computed"]


def test_a_dead_lock_holder_hands_over_when_its_lock_expires(shared_cache, slow_compute):
    cache.add(lock_key(), "a worker killed while computing", 30)
    # The lock expiring, a moment later (a real expiry is INSIGHTS_LOCK_SECONDS away).
    threading.Timer(0.2, lambda: cache.delete(lock_key())).start()
    results = in_threads(5, lambda: metrics.cached_compute(HUBS, BUCKETS))
    assert len(slow_compute) == 1  # one of the waiters took over, the others waited for it
    assert all(result == results[0] for result in results)


def test_a_waiter_computes_itself_when_the_lock_outlives_its_patience(shared_cache, slow_compute, settings):
    settings.INSIGHTS_LOCK_WAIT_SECONDS = 0.2
    cache.add(lock_key(), "a holder that never finishes", 30)
    assert metrics.cached_compute(HUBS, BUCKETS) == {"computed_by": threading.get_ident()}
    assert len(slow_compute) == 1


def test_a_failing_holder_lets_a_waiter_compute(shared_cache, monkeypatch):
    calls = []

    def compute(hub_ids, buckets):
        calls.append(1)
        time.sleep(0.2)
        if len(calls) == 1:
            raise RuntimeError("the database went away")
        return {"ok": True}

    monkeypatch.setattr(metrics, "compute", compute)
    outcomes = []

    def attempt():
        try:
            return metrics.cached_compute(HUBS, BUCKETS)
        except RuntimeError:
            outcomes.append("failed")
            return "failed"

    results = in_threads(6, attempt)
    assert len(calls) == 2  # the failed one, then a single waiter's; nobody else
    assert results.count("failed") == 1 and results.count({"ok": True}) == 5


def test_without_the_cache_every_request_computes_and_is_logged(settings, slow_compute, caplog):
    settings.INSIGHTS_CACHE_SECONDS = 0
    with caplog.at_level(logging.INFO, logger="carehub.insights"):
        metrics.cached_compute(HUBS, BUCKETS)
        metrics.cached_compute(HUBS, BUCKETS)
    assert len(slow_compute) == 2
    assert len([r for r in caplog.records if r.getMessage() == "insights computed"]) == 2
