"""The planners' figures at city scale, against issue 14's targets (docs/performance.md, "Insights").

    DATABASE_URL=postgres://…/carehub_bench5 .venv/bin/python bench/insights.py [--runs 7] [--http] [--port 0]

On a database seeded with `manage.py seed_scale --hubs 115 --years 5` (bench/run.sh does it), prints:

1. in-process, the whole city over the whole seeded period: the figures computed cold with perturbation
   (`selectors.hub_rows` with the cache emptied: SQL, cell keys, perturbation, formatting), cached, and the same
   aggregates in raw SQL without record keys nor perturbation (`metrics.compute(record_keys=False)`), with their
   ratio; each run a different window (the start moves by a day), so that no result is reused by anything;
2. the query count of one computation for windows of very different sizes (one month … five years, one hub …
   the city): it must not change;
3. with --http, the same cold measurement over HTTP against gunicorn (the production server, DEBUG off,
   2 workers), each request a different window, and what the difference between the two is made of: the
   server's own time for the request (the `Server-Timing`-like figure logged below, measured from the response's
   arrival minus a trivial authenticated request's time), the connection set-up, and the first requests of a
   fresh worker.
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

import django  # noqa: E402

django.setup()

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

    def raw(i):
        period = window(i)
        metrics.compute(hubs, metrics.period_bucket(period.date_from, period.date_to), record_keys=False)

    cold(99)  # warm the process (imports, the first connection)
    perturbed = timed(cold, args.runs)
    unperturbed = timed(raw, args.runs)
    selectors.hub_rows(access, period=window(0))
    cached = timed(lambda i: selectors.hub_rows(access, period=window(0)), max(args.runs, 20))
    print()
    print("| in-process | median ms | min ms |")
    print("|---|---:|---:|")
    print(f"| cold, with perturbation (SQL + keys + perturbation + formatting) | {median_ms(perturbed):.0f} | "
          f"{min(perturbed) * 1000:.0f} |")
    print(f"| raw SQL aggregates, no record keys, no perturbation | {median_ms(unperturbed):.0f} | "
          f"{min(unperturbed) * 1000:.0f} |")
    print(f"| cached (the same window again) | {median_ms(cached):.1f} | {min(cached) * 1000:.1f} |")
    print(f"ratio cold-with-perturbation / raw SQL: {statistics.median(perturbed) / statistics.median(unperturbed):.2f}")

    print()
    print("| window | queries of one computation |")
    print("|---|---:|")
    for label, ids, first in (("one hub, one month", hubs[:1], today - timedelta(days=30)),
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
        cold_http = timed(lambda i: session.get(
            f"{base}/api/v1/insights/hubs?date_from={start + timedelta(days=100 + i)}&date_to={today}",
            headers=headers, timeout=120).raise_for_status(), args.runs)
        fresh = timed(lambda i: requests.get(  # a new TCP connection per request, as a browser's first visit
            f"{base}/api/v1/insights/hubs?date_from={start + timedelta(days=150 + i)}&date_to={today}",
            headers=headers, timeout=120).raise_for_status(), args.runs)
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
    finally:
        server.terminate()
        server.wait(timeout=30)
        ApiToken.objects.filter(user__username="bench-planner").delete()


if __name__ == "__main__":
    main()
