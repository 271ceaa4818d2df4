"""Prometheus metrics at /metrics, for operators only: requests by view and status, never a path (issue 18)."""

import pytest
from django.test import Client

from tests.conftest import client_for, make_person


def metrics_text(**extra) -> tuple[int, str]:
    response = Client().get("/metrics", REMOTE_ADDR="127.0.0.1", **extra)
    return response.status_code, response.content.decode()


@pytest.mark.django_db
def test_requests_are_counted_by_view_and_status_without_paths_or_names(desk, hub):
    make_person(hub, first_name="Remedios")
    client_for(desk).get("/people/?q=Remedios")
    Client().get("/activities/feeds/feed-secret-93ad.ics")
    status, text = metrics_text()
    assert status == 200
    assert 'carehub_http_requests_total{method="GET",status="200",view="people-search"}' in text
    assert 'carehub_http_requests_total{method="GET",status="404",view="activities:feed"}' in text
    assert 'carehub_http_request_duration_seconds_bucket{le="0.01",method="GET",view="people-search"}' in text
    assert "Remedios" not in text and "feed-secret-93ad" not in text and "/people/" not in text


@pytest.mark.django_db
def test_the_queue_figures_are_exported(db):
    status, text = metrics_text()
    for gauge in ("carehub_tasks_waiting", "carehub_tasks_oldest_waiting_seconds", "carehub_outbox_waiting",
                  "carehub_outbox_oldest_waiting_seconds"):
        assert f"\n{gauge} 0.0\n" in text


@pytest.mark.django_db
def test_invented_methods_do_not_add_series(db):
    Client().generic("BREW", "/hubs/")
    _, text = metrics_text()
    assert 'method="BREW"' not in text and 'method="other"' in text


@pytest.mark.django_db
@pytest.mark.parametrize("extra", [
    {"REMOTE_ADDR": "203.0.113.7"},
    # Through a proxy (a local nginx or the balancer) everyone would look like 127.0.0.1: refused.
    {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.7"},
    {"REMOTE_ADDR": "127.0.0.1", "HTTP_FORWARDED": "for=203.0.113.7"},
])
def test_metrics_are_hidden_from_everyone_else(extra):
    response = Client().get("/metrics", **extra)
    assert response.status_code == 404
    assert b"carehub_http" not in response.content


@pytest.mark.django_db
def test_the_allowed_addresses_come_from_the_settings(settings):
    settings.METRICS_ALLOWED_IPS = ["10.0.0.9"]
    assert Client().get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 404
    assert Client().get("/metrics", REMOTE_ADDR="10.0.0.9").status_code == 200
