"""Time the pages that must stay fast at city scale: median and p95 latency and the query count of each.

In-process, with Django's test Client (the full middleware stack, templates and the database; no network and
no web server, so the figures are the application's own time) and CaptureQueriesContext for the queries.
Each page is requested twice to warm up, then BENCH_RUNS times (default 20).
"""

import os
import statistics
import sys
import time
from datetime import timedelta

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carehub.settings")

import logging
import warnings

import django

django.setup()
logging.getLogger("axes").setLevel(logging.WARNING)  # force_login would log every login
warnings.filterwarnings("ignore", message="No directory at")  # whitenoise, without collectstatic

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, setup_test_environment
from django.utils import timezone

from activities.models import Booking
from advice.models import Appointment
from carehub.models import Hub, Person, Role, StaffRole
from lending.models import Loan

RUNS = int(os.environ.get("BENCH_RUNS", "20"))


def user(username: str, role: str, hub=None):
    account, _created = get_user_model().objects.get_or_create(username=username)
    StaffRole.objects.get_or_create(user=account, role=role, hub=hub)
    return account


def client(account=None) -> Client:
    c = Client()
    if account is not None:
        c.force_login(account)
    return c


def measure(name: str, c: Client, url: str, *, cold: bool = False):
    """cold=True empties the insights cache before each request: the figures are computed every time."""
    for _i in range(2):
        response = c.get(url)
        assert response.status_code == 200, (name, url, response.status_code, response.content[:300])
    timings, queries = [], []
    for _i in range(RUNS):
        if cold:
            cache.clear()
        with CaptureQueriesContext(connection) as captured:
            began = time.perf_counter()
            c.get(url)
            timings.append((time.perf_counter() - began) * 1000)
        queries.append(len(captured.captured_queries))
    timings.sort()
    p95 = timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]
    q = f"{min(queries)}" if min(queries) == max(queries) else f"{min(queries)}-{max(queries)}"
    print(f"| {name:<50} | {statistics.median(timings):>9.1f} | {p95:>9.1f} | {q:>7} |")
    sys.stdout.flush()


def main():
    setup_test_environment()  # lets the test Client's "testserver" host through ALLOWED_HOSTS
    hubs = list(Hub.objects.order_by("slug"))
    first = hubs[0]
    today = timezone.localdate()
    oldest = Booking.objects.order_by("session__starts_at").values_list("session__starts_at", flat=True).first()
    start = timezone.localdate(oldest) if oldest else today - timedelta(days=365)
    print(f"Data: {len(hubs)} hubs, {Person.objects.count():,} people, {Loan.objects.count():,} loans, "
          f"{Booking.objects.count():,} bookings, {Appointment.objects.count():,} appointments; "
          f"period {start} to {today}; {RUNS} timed runs each; PostgreSQL {connection.pg_version if connection.vendor == 'postgresql' else connection.vendor}.")
    print(f"Host: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the start.")
    planner = user("bench-planner", Role.PLANNER)
    desk = user("bench-desk", Role.DESK, first)
    period = f"date_from={start}&date_to={today}"
    print()
    print(f"| {'page':<50} | {'median ms':>9} | {'p95 ms':>9} | {'queries':>7} |")
    print(f"|{'-' * 52}|{'-' * 11}|{'-' * 11}|{'-' * 9}|")
    as_planner, as_desk, anonymous = client(planner), client(desk), client()
    last_year = f"date_from={today - timedelta(days=364)}&date_to={today}"
    monthly = f"/api/v1/insights/hubs/{first.slug}/monthly?{period}"
    measure("insights API, whole city, whole period, cold", as_planner, f"/api/v1/insights/hubs?{period}", cold=True)
    measure("insights API, whole city, last 12 months, cold", as_planner, f"/api/v1/insights/hubs?{last_year}",
            cold=True)
    measure("insights API, one hub by month, cold", as_planner, monthly, cold=True)
    measure("insights page (table + trend), cold", as_planner, f"/insights/?{period}", cold=True)
    measure("insights API, whole city, whole period, cached", as_planner, f"/api/v1/insights/hubs?{period}")
    measure("insights page, re-sorted, cached", as_planner, f"/insights/?{period}&sort=-people_reached")
    measure("insights CSV, cached", as_planner, f"/insights/hubs.csv?{period}")
    measure("people search (desk, ?q=garcia)", as_desk, "/people/?q=garcia")
    measure("overdue loans list (desk)", as_desk, "/lending/loans/?status=overdue")
    measure("public programme (anonymous)", anonymous, "/activities/")


if __name__ == "__main__":
    main()
