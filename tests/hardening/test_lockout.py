"""A lockout that cannot be turned against people: password spraying from one address is stopped, a stranger
cannot lock a named account out from elsewhere, and a forged X-Forwarded-For changes nothing."""

import pytest
from django.test import Client, override_settings

from tests.conftest import make_user

pytestmark = pytest.mark.django_db

RIGHT = "a-long-test-password"


def attempt(username, password, address, **headers):
    return Client(REMOTE_ADDR=address).post("/api/v1/auth/token", {"username": username, "password": password},
                                            content_type="application/json", **headers)


def test_twelve_wrong_passwords_for_twelve_accounts_from_one_address_are_stopped():
    for n in range(12):
        make_user(f"staff{n}", password=RIGHT)
    answers = [attempt(f"staff{n}", "guess", "203.0.113.7").status_code for n in range(12)]
    assert answers[:10] == [401] * 10
    assert answers[10:] == [429, 429]
    # The address is paused even for a right password, and the accounts still open from elsewhere.
    assert attempt("staff11", RIGHT, "203.0.113.7").status_code == 429
    assert attempt("staff11", RIGHT, "198.51.100.20").status_code == 200


def test_a_stranger_elsewhere_cannot_lock_a_named_account_out():
    make_user("marta", password=RIGHT)
    for _ in range(8):
        attempt("marta", "guess", "203.0.113.7")
    assert attempt("marta", "guess", "203.0.113.7").status_code == 429
    assert attempt("marta", RIGHT, "198.51.100.20").status_code == 200


def test_a_forged_forwarded_for_header_does_not_change_the_address_without_proxies():
    for n in range(11):
        make_user(f"staff{n}", password=RIGHT)
    for n in range(10):
        attempt(f"staff{n}", "guess", "203.0.113.7", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    assert attempt("staff10", RIGHT, "203.0.113.7", HTTP_X_FORWARDED_FOR="192.0.2.99").status_code == 429


@override_settings(AXES_IPWARE_PROXY_COUNT=0,  # PROXY_COUNT=1: one load balancer
                   AXES_IPWARE_META_PRECEDENCE_ORDER=("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"))
def test_behind_a_load_balancer_each_client_counts_by_its_own_address():
    """Every request comes from the balancer's address; the client is the address it forwards."""
    make_user("marta", password=RIGHT)
    make_user("jordi", password=RIGHT)
    for _ in range(6):
        attempt("marta", "guess", "10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert attempt("marta", RIGHT, "10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.7").status_code == 429
    assert attempt("marta", RIGHT, "10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.20").status_code == 200
    assert attempt("jordi", RIGHT, "10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.21").status_code == 200


@override_settings(AXES_IPWARE_PROXY_COUNT=0,
                   AXES_IPWARE_META_PRECEDENCE_ORDER=("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"))
def test_behind_a_load_balancer_a_forged_header_cannot_lock_out_someone_elses_address():
    """The attacker writes the victim's address into X-Forwarded-For; the balancer appends the attacker's real one.
    The forged entry is never taken as the client, so the victim's logins are untouched."""
    make_user("marta", password=RIGHT)
    for _ in range(12):
        attempt("marta", "guess", "10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.20, 203.0.113.7")
    assert attempt("marta", RIGHT, "10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.20").status_code == 200
