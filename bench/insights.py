"""The planners' figures at city scale, against issue 14's targets (docs/performance.md, "Insights").

    DATABASE_URL=postgres://…/carehub_bench5 .venv/bin/python bench/insights.py [--runs 7] [--http] [--port 0]

On a database seeded with `manage.py seed_scale --hubs 115 --years 5` (bench/run.sh does it), prints:

1. in-process, the whole city over the whole seeded period: the figures computed cold with perturbation
   (`selectors.hub_rows` with the cache emptied: SQL, cell keys, perturbation, formatting), from the rollups
   (the default on PostgreSQL) and straight from the events (INSIGHTS_ROLLUPS off: the "before"); cached; the
   same aggregates in raw SQL over the events without record keys nor perturbation
   (`metrics.compute(record_keys=False, rollup=False)`), with the ratios; and the whole request in-process
   (Django's test client: middleware, authentication, the API's serialisation) to separate the framework's
   share from the server's; each run a different window (the start moves by a day), so that no result is
   reused by anything;
2. the query count of one computation for windows of very different sizes (one month … five years, one hub …
   the city): it must not change;
3. with --http, the same cold measurement over HTTP against gunicorn (the production server, DEBUG off,
   2 workers), each request a different window, and what the difference between the two is made of: the
   server's own time for the request (the `Server-Timing`-like figure logged below, measured from the response's
   arrival minus a trivial authenticated request's time), the connection set-up, and the first requests of a
   fresh worker; the server's own computing time is read from its "insights computed" log lines.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carehub.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")  # this process's own lines; the server below logs at INFO

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from carehub.insights import metrics, selectors  # noqa: E402
from carehub.models import ApiToken, Hub, Role, StaffRole  # noqa: E402
from carehub.permissions import access_for  # noqa: E402


def planner():
    from django.contrib.auth import get_user_model

    account, _created = get_user_model().objects.get_or_create(username="bench-planner")
    StaffRole.objects.get_or_create(user=account, role=Role.PLANNER, hub=None)
    return account


def median_ms(timings):
    return statistics.median(timings) * 1000


def timed(fn, runs):
    timings = []
    for i in range(runs):
        began = time.perf_counter()
        fn(i)
        timings.append(time.perf_counter() - began)
    return timings


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=int(os.environ.get("BENCH_RUNS", "7")))
    parser.add_argument("--http", action="store_true", help="also measure over HTTP against gunicorn")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()

    from activities.models import Booking, Session

    hubs = list(Hub.objects.order_by("pk").values_list("pk", flat=True))
    first_session = Session.objects.order_by("starts_at").values_list("starts_at", flat=True).first()
    today = timezone.localdate()
    start = timezone.localdate(first_session)
    start = max(start, today.replace(year=today.year - 5) + timedelta(days=31))  # within the 5-year limit
    print(f"Data: {len(hubs)} hubs, {Booking.objects.count():,} bookings; PostgreSQL "
          f"{connection.pg_version if connection.vendor == 'postgresql' else connection.vendor}; "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}.")
    print(f"Whole city, {start} to {today} (about {(today - start).days / 365:.1f} years); {args.runs} runs each, "
          "each run a different window (its start moved by a day).")
    access = access_for(planner())

    def window(i):
        return selectors.Period(start + timedelta(days=i), today)

    def cold(i):
        cache.clear()
        selectors.hub_rows(access, period=window(i))

    def cold_direct(i):
        settings.INSIGHTS_ROLLUPS = False
        try:
            cold(i + 50)
        finally:
            settings.INSIGHTS_ROLLUPS = True

    def raw(i):
        period = window(i)
        metrics.compute(hubs, metrics.period_bucket(period.date_from, period.date_to), record_keys=False,
                        rollup=False)

    from django.test import Client

    client = Client()
    client.force_login(planner())

    def request(i):
        cache.clear()
        period = window(i + 25)
        response = client.get(f"/api/v1/insights/hubs?date_from={period.date_from}&date_to={today}",
                              HTTP_HOST="127.0.0.1", secure=True)
        assert response.status_code == 200, response.status_code

    cold(99)  # warm the process (imports, the first connection)
    cold_direct(99)
    perturbed, direct, unperturbed, whole = [], [], [], []
    for i in range(args.runs):  # interleaved: the machine's load weighs on each the same
        perturbed += timed(lambda _i: cold(i), 1)
        direct += timed(lambda _i: cold_direct(i), 1)
        unperturbed += timed(lambda _i: raw(i), 1)
        whole += timed(lambda _i: request(i), 1)
    selectors.hub_rows(access, period=window(0))
    cached = timed(lambda i: selectors.hub_rows(access, period=window(0)), max(args.runs, 20))
    print()
    print(f"| in-process (load average {os.getloadavg()[0]:.1f}) | median ms | min ms |")
    print("|---|---:|---:|")
    for label, timings in (
            ("cold, with perturbation, from the rollups (SQL + keys + perturbation + formatting)", perturbed),
            ("cold, with perturbation, straight from the events (before the rollups)", direct),
            ("raw SQL aggregates over the events, no record keys, no perturbation", unperturbed),
            ("the whole API request in-process, cold (+ middleware, auth, JSON)", whole)):
        print(f"| {label} | {median_ms(timings):.0f} | {min(timings) * 1000:.0f} |")
    print(f"| cached (the same window again) | {median_ms(cached):.1f} | {min(cached) * 1000:.1f} |")
    print(f"ratio cold-with-perturbation (rollups) / raw SQL: "
          f"{statistics.median(perturbed) / statistics.median(unperturbed):.2f}; "
          f"before the rollups: {statistics.median(direct) / statistics.median(unperturbed):.2f}")

    print()
    print("| window | queries of one computation |")
    print("|---|---:|")
    for label, ids, first in (("one hub, one month", hubs[:1], today - timedelta(days=30)),
                              ("whole city, one year", hubs, today - timedelta(days=365)),
                              ("one hub, five years", hubs[:1], start),
                              ("whole city, one month", hubs, today - timedelta(days=30)),
                              ("whole city, five years", hubs, start)):
        with CaptureQueriesContext(connection) as captured:
            metrics.compute(ids, metrics.period_bucket(first, today))
        print(f"| {label} | {len(captured.captured_queries)} |")
    with CaptureQueriesContext(connection) as captured:
        metrics.compute(hubs[:1], metrics.month_buckets(start, today))
    print(f"| one hub, month by month over five years ({len(metrics.month_buckets(start, today))} buckets) | "
          f"{len(captured.captured_queries)} |")

    if args.http:
        http(args, start, today)


def http(args, start, today):
    """Cold requests over HTTP against gunicorn, each a different window; and where the time goes."""
    import requests

    token = ApiToken.issue(planner())
    env = {**os.environ, "DEBUG": "0", "ALLOWED_HOSTS": "127.0.0.1,localhost", "SECURE_COOKIES": "0",
           "LOG_LEVEL": "INFO", "LOG_FORMAT": "json",
           "SECURE_SSL_REDIRECT": "0", "CONN_MAX_AGE": os.environ.get("CONN_MAX_AGE", "60")}
    command = [str(Path(sys.executable).with_name("gunicorn")), "carehub.wsgi", "-b", f"127.0.0.1:{args.port}",
               "-w", "2", "-k", "gthread", "--threads", "4", "--timeout", "120", "--log-level", "warning"]
    log = open("/tmp/carehub-bench-insights-gunicorn.log", "w")
    server = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{args.port}"
    headers = {"Authorization": f"Bearer {token}"}
    try:
        for _ in range(150):
            try:
                if requests.get(f"{base}/api/v1/hubs", timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.2)
        session = requests.Session()
        first = []
        for i in range(2):  # each worker's first insights request (imports, a new database connection)
            began = time.perf_counter()
            session.get(f"{base}/api/v1/insights/hubs?date_from={start + timedelta(days=200 + i)}&date_to={today}",
                        headers=headers, timeout=120).raise_for_status()
            first.append(time.perf_counter() - began)
        trivial = timed(lambda i: session.get(f"{base}/api/v1/hubs", headers=headers, timeout=30), 10)
        log.flush()
        since = os.path.getsize(log.name)
        cold_http = timed(lambda i: session.get(
            f"{base}/api/v1/insights/hubs?date_from={start + timedelta(days=100 + i)}&date_to={today}",
            headers=headers, timeout=120).raise_for_status(), args.runs)
        fresh = timed(lambda i: requests.get(  # a new TCP connection per request, as a browser's first visit
            f"{base}/api/v1/insights/hubs?date_from={start + timedelta(days=150 + i)}&date_to={today}",
            headers=headers, timeout=120).raise_for_status(), args.runs)
        time.sleep(0.5)  # the server's last log lines
        until = os.path.getsize(log.name)
        page = timed(lambda i: session.get(  # the dashboard computes the table and a hub's monthly trend
            f"{base}/api/v1/insights/hubs/{Hub.objects.order_by('slug').first().slug}/monthly"
            f"?date_from={start + timedelta(days=300 + i)}&date_to={today}", headers=headers, timeout=120), args.runs)
        print()
        print("| over HTTP (gunicorn, 2 workers, DEBUG off) | median ms |")
        print("|---|---:|")
        print(f"| whole city, cold, a different window each request | {median_ms(cold_http):.0f} |")
        print(f"| the same with a new connection each request | {median_ms(fresh):.0f} |")
        print(f"| a worker's first insights request | {max(first) * 1000:.0f} |")
        print(f"| a trivial authenticated request (GET /api/v1/hubs) | {median_ms(trivial):.0f} |")
        print(f"| one hub by month over five years, cold (what the dashboard adds for its trend) | "
              f"{median_ms(page):.0f} |")
        computed, requests_ms = server_times(log.name, since, until)
        if computed:
            print(f"| the server's own computing time per cold request (its `insights computed` lines) | "
                  f"{statistics.median(computed):.0f} |")
        if requests_ms:
            print(f"| the server's own time per insights request (its request log) | "
                  f"{statistics.median(requests_ms):.0f} |")
    finally:
        server.terminate()
        server.wait(timeout=30)
        ApiToken.objects.filter(user__username="bench-planner").delete()


def server_times(path, since, until):
    """The server's own durations, from its JSON log between two offsets (the whole-city cold requests):
    (computing, whole requests)."""
    import json

    computed, requests_ms = [], []
    with open(path, "rb") as log:
        log.seek(since)
        for line in log.read(until - since).decode(errors="replace").splitlines():
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if not isinstance(record, dict) or record.get("duration_ms") is None:
                continue
            if record.get("message") == "insights computed":
                computed.append(float(record["duration_ms"]))
            elif "insights/hubs" in str(record.get("route", "")) and "monthly" not in str(record.get("route")):
                requests_ms.append(float(record["duration_ms"]))
    return computed, requests_ms


if __name__ == "__main__":
    main()
