"""/healthz and /readyz for a load balancer and for monitoring (docs/operations.md, "Health").

- /healthz, liveness: the process answers. No database, nothing else: restarting a process because the
  database is down would not help.
- /readyz, readiness: the database answers `SELECT 1`, the cache stores and returns a value; 503 when either
  fails, so that the balancer sends requests elsewhere. Beside them, the task queue's backlog and the age of its
  oldest waiting task, and the same for the messages outbox: a stuck worker turns the status to "degraded"
  (still 200: the pages work, and taking every app server out would not start the worker) for monitoring to
  alert on.

Both answer JSON with figures only (counts, seconds), never a person's data, and neither needs a login.
"""

import secrets
import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Case, Count, F, Min, When
from django.db.models.functions import Greatest
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@never_cache
@require_safe
def healthz(request):
    return JsonResponse({"status": "ok"})


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        if cursor.fetchone() != (1,):
            raise RuntimeError("SELECT 1 answered something else")


def check_cache() -> None:
    key, value = f"carehub:readyz:{secrets.token_hex(4)}", secrets.token_hex(8)
    cache.set(key, value, timeout=10)
    if cache.get(key) != value:
        raise RuntimeError("the cache did not return what was stored")
    cache.delete(key)


def _age(oldest, now) -> float:
    return round(max((now - oldest).total_seconds(), 0.0), 1) if oldest else 0.0


def task_queue_figures() -> tuple[int, float]:
    """(tasks waiting to run now, age in seconds of the one waiting longest) of the configured task backend.
    A task is waiting from when it may run: when it was enqueued, or its `run_after` (a retry's backoff)."""
    now = timezone.now()
    if settings.TASKS_BACKEND == "rq":
        import django_rq

        queue = django_rq.get_queue("default")
        first = queue.get_jobs(0, 1)
        enqueued = first[0].enqueued_at if first else None
        if enqueued is not None and timezone.is_naive(enqueued):
            enqueued = timezone.make_aware(enqueued, timezone.utc)
        return queue.count, _age(enqueued, now)
    if settings.TASKS_BACKEND != "db":
        return 0, 0.0
    from django_tasks_db.models import DBTaskResult, get_date_max

    figures = DBTaskResult.objects.ready().aggregate(
        waiting=Count("pk"),
        oldest=Min(Case(When(run_after=get_date_max(), then=F("enqueued_at")),
                        default=Greatest(F("run_after"), F("enqueued_at")))),
    )
    return figures["waiting"], _age(figures["oldest"], now)


def outbox_figures() -> tuple[int, float]:
    """(messages due to be sent, age in seconds of the one overdue longest): what the notification worker
    still has to deliver, whatever the task backend."""
    from carehub.notifications.models import Message, MessageStatus

    now = timezone.now()
    figures = Message.objects.filter(status=MessageStatus.QUEUED, next_attempt_at__lte=now).aggregate(
        waiting=Count("pk"), oldest=Min("next_attempt_at"))
    return figures["waiting"], _age(figures["oldest"], now)


def _timed(check) -> dict:
    started = time.perf_counter()
    try:
        check()
    except Exception as exc:  # any failure means "not ready"; the class name says which, no message (may hold data)
        return {"ok": False, "error": exc.__class__.__name__, "ms": _ms(started)}
    return {"ok": True, "ms": _ms(started)}


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)


def _queue(figures, max_age: float) -> dict:
    try:
        waiting, oldest = figures()
    except Exception as exc:
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": oldest <= max_age, "waiting": waiting, "oldest_waiting_seconds": oldest}


@never_cache
@require_safe
def readyz(request):
    max_age = settings.HEALTH_QUEUE_MAX_AGE_SECONDS
    checks = {"database": _timed(check_database), "cache": _timed(check_cache)}
    queues = {"tasks": _queue(task_queue_figures, max_age), "outbox": _queue(outbox_figures, max_age)}
    ready = all(check["ok"] for check in checks.values())
    status = "ok" if ready and all(q["ok"] for q in queues.values()) else ("degraded" if ready else "unavailable")
    return JsonResponse({"status": status, "checks": checks, "queues": queues,
                         "queue_max_age_seconds": max_age}, status=200 if ready else 503)


