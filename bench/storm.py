"""Booking storm: one session with 200 places, 600 bookings from 50 concurrent clients, gunicorn on PostgreSQL.

    .venv/bin/python bench/storm.py [--repeat 3] [--workers 4] [--threads 2] [--places 200] [--bookings 600]

What it does:
1. (re)creates the database `carehub_storm` on the local PostgreSQL (LOAD_PG, default
   postgres://postgres@127.0.0.1:5432), migrates it and seeds one hub, `--repeat` sessions of `--places` places
   each and `--bookings` caregivers with API tokens;
2. starts gunicorn (`carehub.wsgi`, gthread workers, production settings) on a free port;
3. for each repeat, on a fresh session: first the yardstick — `--bookings` trivial `GET /api/v1/hubs` from the
   same `--clients` concurrent clients — then the storm: every caregiver books the session once
   (`POST /api/v1/activities/sessions/{id}/bookings`), the clients released together by a barrier;
4. prints, per repeat and as the median of the repeats: bookings a minute, p50/p95/p99, errors (anything but
   201, timeouts, connection errors), the confirmed and waitlisted counts read from the database, and each
   figure's ratio to the yardstick measured just before it (the host's speed at that moment divides out).

Exit code 1 when a repeat had an error or did not confirm exactly `--places` bookings. docs/performance.md
("Request path") has the figures.
"""

import argparse
import os
import signal
import statistics
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench" / "load"))

from run_load import percentile, recreate_database, run_manage, start_gunicorn  # noqa: E402


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="storms, each on a fresh session (default 3)")
    parser.add_argument("--places", type=int, default=200)
    parser.add_argument("--bookings", type=int, default=600, help="caregivers, each booking once per storm")
    parser.add_argument("--clients", type=int, default=50, help="concurrent HTTP clients")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=2, help="threads per gunicorn worker")
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    parser.add_argument("--server", default=os.environ.get("LOAD_PG", "postgres://postgres@127.0.0.1:5432"),
                        help="PostgreSQL server URL (without the database name)")
    parser.add_argument("--database", default="carehub_storm")
    parser.add_argument("--reuse", action="store_true",
                        help="keep the database of an earlier run (migrated, new rows added) instead of recreating it")
    return parser.parse_args()


def seed(sessions: int, places: int, caregivers: int, run: str) -> dict:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from activities.models import Activity, Session
    from carehub.models import ApiToken, Hub, Person

    User = get_user_model()
    hub = Hub.objects.create(name=f"Vila Veïna Tempesta {run}", slug=f"tempesta-{run}", district="gracia",
                             population=20000,
                             address="Carrer de la Prova, 2", community_space="Biblioteca")
    activity = Activity.objects.create(hub=hub, title="Taller de mobilitzacions segures", kind="workshop",
                                       capacity=places)
    starts = timezone.now() + timedelta(days=5)
    session_ids = [Session.objects.create(activity=activity, starts_at=starts + timedelta(days=n),
                                          ends_at=starts + timedelta(days=n, hours=2), capacity=places).pk
                   for n in range(sessions)]
    tokens = []
    for n in range(caregivers):
        user = User(username=f"storm-{run}-{n}")
        user.set_unusable_password()
        user.save()
        Person.objects.create(user=user, home_hub=hub, first_name=f"Cuidador{n}", last_name="Tempesta",
                              consent_given_at=timezone.now(), preferred_language="ca")
        tokens.append(ApiToken.issue(user))
    from django.db import connection

    with connection.cursor() as cursor:  # planner statistics for the new rows, as autovacuum would give them later
        cursor.execute("ANALYZE")
    return {"sessions": session_ids, "tokens": tokens}


def fire(requests_to_make, clients: int):
    """Send `requests_to_make` [(method, url, token, json)] from `clients` threads released together.
    Returns (wall seconds, latencies, statuses)."""
    import requests

    lock = threading.Lock()
    todo = list(reversed(requests_to_make))
    latencies, statuses = [], []
    barrier = threading.Barrier(clients + 1)
    finished = []

    def client():
        http = requests.Session()
        barrier.wait()
        while True:
            with lock:
                if not todo:
                    break
                method, url, token, body = todo.pop()
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            started = time.perf_counter()
            try:
                status = http.request(method, url, json=body, headers=headers, timeout=60).status_code
            except requests.RequestException as exc:
                status = f"error {type(exc).__name__}"
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                statuses.append(status)
        with lock:
            finished.append(time.perf_counter())

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    return max(finished) - started, latencies, statuses


def summary(wall, latencies, statuses, ok_status):
    errors = sum(1 for s in statuses if s != ok_status)
    return {"per_min": len(latencies) / wall * 60, "wall": wall, "p50": statistics.median(latencies) * 1000,
            "p95": percentile(latencies, 95) * 1000, "p99": percentile(latencies, 99) * 1000, "errors": errors,
            "statuses": {s: statuses.count(s) for s in set(statuses)}}


def storm(base, session_id, tokens, clients):
    from activities.models import Booking

    hubs = summary(*fire([("GET", f"{base}/hubs", None, None)] * len(tokens), clients), 200)
    book_url = f"{base}/activities/sessions/{session_id}/bookings"
    booked = summary(*fire([("POST", book_url, token, {}) for token in tokens], clients), 201)
    counts = Booking.objects.filter(session_id=session_id)
    booked["confirmed"] = counts.filter(status="confirmed").count()
    booked["waitlisted"] = counts.filter(status="waitlisted").count()
    return hubs, booked


def print_row(label, hubs, booked):
    print(f"{label:<8} hubs: {hubs['per_min']:>7.0f}/min p50 {hubs['p50']:>5.0f} p95 {hubs['p95']:>5.0f} ms "
          f"err {hubs['errors']} | bookings: {booked['per_min']:>6.0f}/min p50 {booked['p50']:>5.0f} "
          f"p95 {booked['p95']:>5.0f} p99 {booked['p99']:>5.0f} ms, confirmed {booked['confirmed']}, "
          f"waitlisted {booked['waitlisted']}, errors {booked['errors']} | ratio to hubs: "
          f"throughput {booked['per_min'] / hubs['per_min']:.2f}, p95 {booked['p95'] / hubs['p95']:.1f}×")


def main():
    args = parse_args()
    if not args.port:
        import socket

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            args.port = probe.getsockname()[1]
    server_url = args.server.rstrip("/")
    database_url = f"{server_url}/{args.database}" if args.reuse else recreate_database(server_url, args.database)
    env = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "0", "DJANGO_SETTINGS_MODULE": "carehub.settings",
           "SECRET_KEY": "storm-test-" + "x" * 50, "ALLOWED_HOSTS": "127.0.0.1,localhost", "SECURE_COOKIES": "0",
           # Production settings name a mail server (nothing is sent: no worker runs during the load).
           "EMAIL_URL": "smtp://127.0.0.1:1025", "DEFAULT_FROM_EMAIL": "carehub <no-reply@example.org>",
           "SECURE_SSL_REDIRECT": "0"}  # plain HTTP on 127.0.0.1, as behind a load balancer that terminates TLS
    os.environ.update(env)
    print(f"migrating {database_url} …")
    run_manage(env, "migrate", "--noinput")
    data = seed(args.repeat, args.places, args.bookings, run=str(int(time.time())))
    print(f"seeded: {args.repeat} sessions of {args.places} places, {args.bookings} caregivers with tokens")
    server = start_gunicorn(env, args)
    rows = []
    try:
        print(f"gunicorn: {args.workers} workers × {args.threads} threads, {args.clients} clients; "
              f"load average {os.getloadavg()[0]:.1f}")
        base = f"http://127.0.0.1:{args.port}/api/v1"
        for n, session_id in enumerate(data["sessions"], 1):
            hubs, booked = storm(base, session_id, data["tokens"], args.clients)
            rows.append((hubs, booked))
            print_row(f"storm {n}", hubs, booked)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
    median = {key: statistics.median(r[1][key] for r in rows) for key in ("per_min", "p50", "p95", "p99")}
    median_hubs = {key: statistics.median(r[0][key] for r in rows) for key in ("per_min", "p50", "p95")}
    print(f"\nmedian of {len(rows)}: bookings {median['per_min']:.0f}/min, p50 {median['p50']:.0f} ms, "
          f"p95 {median['p95']:.0f} ms, p99 {median['p99']:.0f} ms; GET /hubs {median_hubs['per_min']:.0f}/min, "
          f"p95 {median_hubs['p95']:.0f} ms; ratios: throughput {median['per_min'] / median_hubs['per_min']:.2f}, "
          f"p95 {median['p95'] / median_hubs['p95']:.1f}×; load average {os.getloadavg()[0]:.1f}")
    bad = [r for r in rows if r[1]["errors"] or r[1]["confirmed"] != args.places or r[0]["errors"]]
    for hubs, booked in bad:
        print("FAILED:", booked["statuses"], hubs["statuses"], "confirmed", booked["confirmed"])
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
