"""Prometheus metrics at /metrics, for operators only.

Requests are counted by view name (a fixed set, so the series stay few; never the path) and status; the queue
figures of /readyz are read at each scrape. Under gunicorn each worker process counts its own requests: set
PROMETHEUS_MULTIPROC_DIR to a directory emptied at each start (the systemd unit does) so that /metrics adds up
every worker's counts (deploy/gunicorn.conf.py marks a worker's files dead when it exits).

Who may read it: only a client whose own address (REMOTE_ADDR, never a forwarded header) is in
METRICS_ALLOWED_IPS (default 127.0.0.1), and never a request that came through a proxy (it has an
X-Forwarded-For header): behind a load balancer or a local nginx everyone would otherwise look like the proxy.
Everyone else gets a 404.
"""

import os

from django.conf import settings
from django.http import Http404, HttpResponse
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily

REQUESTS = Counter("carehub_http_requests_total", "HTTP requests answered, by view and status",
                   ["method", "view", "status"])
DURATION = Histogram("carehub_http_request_duration_seconds", "Time to answer a request, by view",
                     ["method", "view"],
                     buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0))

# Methods outside this set (anything a client invents) are counted as "other", so a client cannot add series.
METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


def observe_request(*, method: str, view: str, status: int, seconds: float) -> None:
    method = method if method in METHODS else "other"
    REQUESTS.labels(method=method, view=view, status=str(status)).inc()
    DURATION.labels(method=method, view=view).observe(seconds)


class QueueCollector:
    """The task queue's backlog and the age of its oldest waiting task, and the same for the messages outbox,
    read from the database at each scrape (the figures /readyz reports)."""

    def collect(self):
        from .health import outbox_figures, task_queue_figures

        for name, figures in (("tasks", task_queue_figures), ("outbox", outbox_figures)):
            try:
                waiting, oldest = figures()
            except Exception:  # the database is down: /readyz says so; the scrape still answers
                continue
            yield GaugeMetricFamily(f"carehub_{name}_waiting", f"{name}: items waiting to be processed", waiting)
            yield GaugeMetricFamily(f"carehub_{name}_oldest_waiting_seconds",
                                    f"{name}: age of the oldest waiting item (0 when none)", oldest)


def allowed(request) -> bool:
    if "HTTP_X_FORWARDED_FOR" in request.META or "HTTP_FORWARDED" in request.META:
        return False
    return request.META.get("REMOTE_ADDR") in settings.METRICS_ALLOWED_IPS


def registry() -> CollectorRegistry:
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(REQUESTS)
        registry.register(DURATION)
    registry.register(QueueCollector())
    return registry


def metrics_view(request):
    if not allowed(request):
        raise Http404
    return HttpResponse(generate_latest(registry()), content_type=CONTENT_TYPE_LATEST)
