"""gunicorn settings for carehub-web.service (docs/deploy.md). Overridable from /etc/carehub.env:
GUNICORN_BIND, WEB_CONCURRENCY (workers), GUNICORN_THREADS."""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
timeout = 30
graceful_timeout = 30
max_requests = 2000
max_requests_jitter = 200
# No access log: it would print each path and query string (names searched, calendar feed secrets). carehub
# logs every request itself, as JSON with the route pattern (carehub/observability).
accesslog = None
errorlog = "-"
# Behind a proxy on this machine or the load balancer: the proxy's address may set X-Forwarded-*.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def child_exit(server, worker):
    """A worker that exits leaves its metric files; mark them dead so that /metrics adds up the living."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
