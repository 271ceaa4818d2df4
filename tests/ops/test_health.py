"""/healthz and /readyz: JSON for a load balancer, figures only, 503 when the database or the cache fails, the
queues' backlog and age (issue 18)."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from tests.conftest import make_person

NOW = timezone.make_aware(timezone.datetime(2026, 12, 1, 10, 0))


@pytest.fixture
def anonymous():
    from django.test import Client

    return Client()


def test_healthz_answers_without_the_database(anonymous):
    """No django_db mark: any query here would raise."""
    response = anonymous.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_readyz_is_ok_with_database_cache_and_empty_queues(anonymous):
    response = anonymous.get("/readyz")
    body = response.json()
    assert response.status_code == 200 and body["status"] == "ok"
    assert body["checks"]["database"]["ok"] and body["checks"]["cache"]["ok"]
    assert body["queues"]["tasks"] == {"ok": True, "waiting": 0, "oldest_waiting_seconds": 0.0}
    assert body["queues"]["outbox"] == {"ok": True, "waiting": 0, "oldest_waiting_seconds": 0.0}


@pytest.mark.django_db
def test_readyz_answers_503_when_the_database_fails(anonymous, monkeypatch):
    from carehub.observability import health

    def down():
        from django.db import OperationalError

        raise OperationalError('could not connect to server: "db" (10.0.0.5), user "carehub" password "s3cret"')

    monkeypatch.setattr(health, "check_database", down)
    response = anonymous.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"]["ok"] is False and body["checks"]["database"]["error"] == "OperationalError"
    assert "s3cret" not in response.content.decode()  # the class name only, never the message


@pytest.mark.django_db
def test_readyz_answers_503_when_the_cache_loses_what_it_stored(anonymous, monkeypatch):
    from django.core.cache import cache

    monkeypatch.setattr(cache, "get", lambda *args, **kwargs: None)
    response = anonymous.get("/readyz")
    assert response.status_code == 503 and response.json()["checks"]["cache"]["ok"] is False


@pytest.mark.django_db
def test_the_task_queue_backlog_and_its_oldest_task(anonymous, settings):
    from django_tasks_db.models import DBTaskResult, get_date_max

    settings.HEALTH_QUEUE_MAX_AGE_SECONDS = 900
    with time_machine.travel(NOW - timedelta(minutes=20), tick=False):
        DBTaskResult.objects.create(args_kwargs={"args": [], "kwargs": {}}, task_path="x.y", backend_name="default",
                                    run_after=get_date_max())
    with time_machine.travel(NOW - timedelta(minutes=5), tick=False):
        # a retry due in ten minutes is not waiting yet; one due two minutes ago is
        DBTaskResult.objects.create(args_kwargs={"args": [], "kwargs": {}}, task_path="x.y", backend_name="default",
                                    run_after=NOW + timedelta(minutes=10))
        DBTaskResult.objects.create(args_kwargs={"args": [], "kwargs": {}}, task_path="x.y", backend_name="default",
                                    run_after=NOW - timedelta(minutes=2))
        DBTaskResult.objects.create(args_kwargs={"args": [], "kwargs": {}}, task_path="x.y", backend_name="default",
                                    run_after=get_date_max(), status="SUCCESSFUL")
    with time_machine.travel(NOW, tick=False):
        response = anonymous.get("/readyz")
    body = response.json()
    assert body["queues"]["tasks"] == {"ok": False, "waiting": 2, "oldest_waiting_seconds": 1200.0}
    # A stuck worker is for monitoring to alert on: the app server stays in the balancer.
    assert response.status_code == 200 and body["status"] == "degraded"


@pytest.mark.django_db
def test_the_outbox_counts_messages_due_and_the_oldest_overdue(anonymous, hub):
    from carehub.notifications.models import Message

    person = make_person(hub, first_name="Eulàlia", email="eulalia@example.org")

    def message(key, **fields):
        return Message.objects.create(person=person, hub=hub, kind="test", channel="email", language="ca",
                                      recipient=person.email, body="Hola Eulàlia", idempotency_key=key, **fields)

    message("a", next_attempt_at=NOW - timedelta(minutes=3))
    message("b", next_attempt_at=NOW - timedelta(seconds=30))
    message("c", next_attempt_at=NOW + timedelta(minutes=30))  # a retry not due yet
    message("d", next_attempt_at=NOW - timedelta(hours=5), status="sent", sent_at=NOW)
    with time_machine.travel(NOW, tick=False):
        response = anonymous.get("/readyz")
    assert response.json()["queues"]["outbox"] == {"ok": True, "waiting": 2, "oldest_waiting_seconds": 180.0}
    text = response.content.decode()
    assert "Eulàlia" not in text and "eulalia" not in text and "Eul\\u00e0lia" not in text


@pytest.mark.django_db
def test_health_needs_no_login_and_is_never_redirected_to_https(anonymous, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert anonymous.get("/healthz").status_code == 200
    assert anonymous.get("/readyz").status_code == 200
    assert anonymous.get("/hubs/").status_code == 301  # every other page is


def test_health_takes_only_get_and_head(anonymous):
    assert anonymous.post("/healthz").status_code == 405
    assert anonymous.head("/healthz").status_code == 200
