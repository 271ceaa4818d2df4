"""Load test: carehub on PostgreSQL behind gunicorn, a rush on one popular session and busy lending desks.

    .venv/bin/python bench/load/run_load.py [--duration 60] [--caregivers 50] [--desks 10] [--workers 3]

What it does:
1. (re)creates the database `carehub_load` on the local PostgreSQL (DATABASE_URL's server, default
   postgres://postgres@127.0.0.1:5432) and migrates it;
2. seeds one hub, one popular session (20 places), 50 caregivers with API tokens, 10 desk accounts with
   tokens, a shared pool of 15 items and 10 borrowers;
3. starts gunicorn (`carehub.wsgi`, gthread workers) on a free local port with production-like settings;
4. for `--duration` seconds drives, with real threads over HTTP:
   - 50 caregivers, each in a loop: read the session, book it (confirmed or waitlisted), list their bookings,
     cancel (the first waitlisted person is promoted), book again…;
   - 10 desks, each in a loop: lend a random item of the shared pool to a random borrower (two desks often
     reach for the same item: one gets it, the other a 409), return it, clean it;
5. prints throughput, latency percentiles (p50/p95/p99) per kind of request, expected refusals (409: the
   item is taken, already booked…) and errors (5xx, timeouts, connection errors);
6. checks the invariants afterwards: `manage.py check_integrity` (no item with two active loans, no session
   over capacity, counters match, every loan has history…) plus a direct count on the popular session.

Exit code 0 when there were no errors and no breach. docs/performance.md ("Load test") has the figures.
"""

import argparse
import os
import random
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

CAPACITY = 20
ITEMS = 15
BORROWERS = 10


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=int, default=60, help="seconds of load (default 60)")
    parser.add_argument("--caregivers", type=int, default=50)
    parser.add_argument("--desks", type=int, default=10)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=8, help="threads per gunicorn worker")
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    parser.add_argument("--server", default=os.environ.get("LOAD_PG", "postgres://postgres@127.0.0.1:5432"),
                        help="PostgreSQL server URL (without the database name)")
    parser.add_argument("--database", default="carehub_load")
    return parser.parse_args()


# --- database ---------------------------------------------------------------------------------------------
def recreate_database(server: str, name: str) -> str:
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{server}/{name}"


def run_manage(env, *args, check=True):
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=check,
                          capture_output=True, text=True)


def seed(caregivers: int, desks: int) -> dict:
    """Make the data with the ORM in this process (Django set up on the load database)."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from activities.models import Activity, Session
    from carehub.models import ApiToken, Hub, Person, Role, StaffRole
    from lending.models import Item, ItemType

    User = get_user_model()
    hub = Hub.objects.create(name="Vila Veïna Càrrega", slug="carrega", district="gracia", population=20000,
                             address="Carrer de la Prova, 1", community_space="Biblioteca")
    starts = timezone.now() + timedelta(days=5)
    activity = Activity.objects.create(hub=hub, title="Xerrada popular: cuidar sense cremar-se", kind="talk",
                                       capacity=CAPACITY)
    session = Session.objects.create(activity=activity, starts_at=starts, ends_at=starts + timedelta(hours=2),
                                     capacity=CAPACITY)

    def user(username):
        u = User(username=username)
        u.set_unusable_password()  # tokens only: no slow password hashing in the seed
        u.save()
        return u

    caregiver_tokens = []
    for n in range(caregivers):
        u = user(f"load-carer-{n}")
        Person.objects.create(user=u, home_hub=hub, first_name=f"Cuidadora{n}", last_name="Prova",
                              consent_given_at=timezone.now())
        caregiver_tokens.append(ApiToken.issue(u))
    desk_tokens = []
    for n in range(desks):
        u = user(f"load-desk-{n}")
        StaffRole.objects.create(user=u, role=Role.DESK, hub=hub)
        desk_tokens.append(ApiToken.issue(u))
    borrowers = [Person.objects.create(home_hub=hub, first_name=f"Prestatari{n}", last_name="Prova",
                                       consent_given_at=timezone.now()).pk for n in range(BORROWERS)]
    item_type = ItemType.objects.create(name="Cadira de rodes plegable", category="mobility")
    tags = []
    for n in range(ITEMS):
        item = Item(asset_tag=f"LOAD-{n:03d}", item_type=item_type, hub=hub)
        item.save()
        tags.append(item.asset_tag)
    return {"session": session.pk, "caregivers": caregiver_tokens, "desks": desk_tokens, "borrowers": borrowers,
            "tags": tags}


# --- the server ---------------------------------------------------------------------------------------------
def start_gunicorn(env, args):
    command = [
        str(Path(sys.executable).with_name("gunicorn")), "carehub.wsgi", "-b", f"127.0.0.1:{args.port}",
        "-w", str(args.workers), "-k", "gthread", "--threads", str(args.threads), "--timeout", "60",
        "--log-level", "warning",
    ]
    # Django logs every 409 as a warning; keep that out of the report.
    log = open(Path(os.environ.get("TMPDIR", "/tmp")) / "carehub-load-gunicorn.log", "w")
    server = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True, stdout=log, stderr=log)
    import requests

    for _ in range(100):
        try:
            if requests.get(f"http://127.0.0.1:{args.port}/api/v1/hubs", timeout=1).status_code == 200:
                return server
        except requests.RequestException:
            pass
        time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not start")


# --- the load -----------------------------------------------------------------------------------------------
class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies = defaultdict(list)  # kind -> seconds
        self.statuses = defaultdict(lambda: defaultdict(int))  # kind -> status -> count
        self.errors = []
        self.rush = defaultdict(int)  # outcome of the opening rush: confirmed / waitlisted

    def record(self, kind, status, seconds, detail=""):
        with self.lock:
            self.latencies[kind].append(seconds)
            self.statuses[kind][status] += 1
            if status == "error" or (isinstance(status, int) and status >= 500):
                self.errors.append(f"{kind}: {status} {detail[:300]}")


def call(session, recorder, kind, method, url, **kwargs):
    import requests

    started = time.perf_counter()
    try:
        response = session.request(method, url, timeout=30, **kwargs)
    except requests.RequestException as exc:
        recorder.record(kind, "error", time.perf_counter() - started, repr(exc))
        return None
    recorder.record(kind, response.status_code, time.perf_counter() - started, response.text)
    return response


def caregiver_loop(base, token, session_id, recorder, stop, rush):
    """All caregivers book at the same instant (the session opens), then keep giving the place back and
    booking again, so that the waitlist is promoted over and over while the desks are busy."""
    import requests

    http = requests.Session()
    http.headers["Authorization"] = f"Bearer {token}"
    rng = random.Random(token)
    book_url = f"{base}/activities/sessions/{session_id}/bookings"
    rush.wait()
    booked = call(http, recorder, "rush: book", "POST", book_url, json={})
    booking_id = booked.json()["id"] if booked is not None and booked.status_code == 201 else None
    with recorder.lock:
        recorder.rush[booked.json().get("status", booked.status_code) if booked is not None else "error"] += 1
    rush.wait()  # the rush is over for everyone before anyone gives a place back
    while not stop.is_set():
        call(http, recorder, "session: read", "GET", f"{base}/activities/sessions/{session_id}")
        call(http, recorder, "bookings: mine", "GET", f"{base}/activities/bookings/mine")
        time.sleep(rng.uniform(0.05, 0.5))
        if booking_id is not None:
            call(http, recorder, "booking: cancel", "POST", f"{base}/activities/bookings/{booking_id}/cancel")
        booked = call(http, recorder, "session: book", "POST", book_url, json={})
        booking_id = booked.json()["id"] if booked is not None and booked.status_code == 201 else None


def desk_loop(base, token, tags, borrowers, recorder, stop):
    import requests

    http = requests.Session()
    http.headers["Authorization"] = f"Bearer {token}"
    rng = random.Random(token)
    while not stop.is_set():
        tag = rng.choice(tags)
        lent = call(http, recorder, "loan: lend", "POST", f"{base}/lending/loans",
                    json={"item": tag, "borrower": rng.choice(borrowers), "need_category": "mobility"})
        if lent is None or lent.status_code != 201:
            time.sleep(rng.uniform(0, 0.05))
            continue
        time.sleep(rng.uniform(0.05, 0.3))
        returned = call(http, recorder, "loan: return", "POST", f"{base}/lending/loans/{lent.json()['id']}/return",
                        json={"condition": "good"})
        if returned is not None and returned.status_code == 200:
            item = call(http, recorder, "item: read", "GET", f"{base}/lending/items/{tag}")
            if item is not None and item.status_code == 200 and item.json().get("status") == "cleaning":
                call(http, recorder, "item: clean", "POST", f"{base}/lending/items/{tag}/clean", json={})


def drive(args, data) -> tuple[Recorder, float]:
    base = f"http://127.0.0.1:{args.port}/api/v1"
    recorder = Recorder()
    stop = threading.Event()
    rush = threading.Barrier(len(data["caregivers"]))
    threads = [threading.Thread(target=caregiver_loop, args=(base, token, data["session"], recorder, stop, rush))
               for token in data["caregivers"]]
    threads += [threading.Thread(target=desk_loop, args=(base, token, data["tags"], data["borrowers"], recorder,
                                                         stop)) for token in data["desks"]]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    time.sleep(args.duration)
    stop.set()
    for thread in threads:
        thread.join(timeout=60)
    return recorder, time.perf_counter() - started


def yardstick(base, clients: int, count: int) -> dict:
    """The trivial request, `GET /api/v1/hubs` (anonymous, two small queries), `count` times from `clients` threads
    released together, on the same server just before the load: the figures of the load are also given as a ratio
    to it, so that a run on a busier or quieter host can be compared."""
    import requests

    lock, todo, latencies, errors = threading.Lock(), [count], [], []
    barrier = threading.Barrier(clients + 1)

    def client():
        http = requests.Session()
        barrier.wait()
        while True:
            with lock:
                if todo[0] <= 0:
                    return
                todo[0] -= 1
            started = time.perf_counter()
            try:
                ok = http.get(f"{base}/hubs", timeout=30).status_code == 200
            except requests.RequestException:
                ok = False
            with lock:
                latencies.append(time.perf_counter() - started)
                if not ok:
                    errors.append(1)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return {"rps": len(latencies) / elapsed, "p50": statistics.median(latencies) * 1000,
            "p95": percentile(latencies, 95) * 1000, "errors": len(errors)}


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def report(recorder: Recorder, elapsed: float, hubs: dict | None = None) -> int:
    total = sum(len(v) for v in recorder.latencies.values())
    print(f"\n{total} requests in {elapsed:.1f} s: {total / elapsed:.1f} requests/s")
    print(f"{'request':<18}{'count':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}  statuses")
    everything = []
    for kind in sorted(recorder.latencies):
        values = recorder.latencies[kind]
        everything += values
        statuses = ", ".join(f"{s}: {n}" for s, n in sorted(recorder.statuses[kind].items(), key=str))
        print(f"{kind:<18}{len(values):>7}{statistics.median(values) * 1000:>9.0f}"
              f"{percentile(values, 95) * 1000:>9.0f}{percentile(values, 99) * 1000:>9.0f}"
              f"{max(values) * 1000:>9.0f}  {statuses}")
    print(f"{'all':<18}{len(everything):>7}{statistics.median(everything) * 1000:>9.0f}"
          f"{percentile(everything, 95) * 1000:>9.0f}{percentile(everything, 99) * 1000:>9.0f}"
          f"{max(everything) * 1000:>9.0f}")
    if hubs is not None:
        print(f"GET /api/v1/hubs just before (yardstick): {hubs['rps']:.1f} requests/s, p50 {hubs['p50']:.0f} ms, "
              f"p95 {hubs['p95']:.0f} ms, errors {hubs['errors']}; the load's ratio to it: throughput "
              f"{total / elapsed / hubs['rps']:.2f}, p50 {statistics.median(everything) * 1000 / hubs['p50']:.1f}×, "
              f"p95 {percentile(everything, 95) * 1000 / hubs['p95']:.1f}×")
    print(f"load average: {os.getloadavg()[0]:.1f}")
    print("opening rush: " + ", ".join(f"{k}: {n}" for k, n in sorted(recorder.rush.items(), key=str)))
    print(f"errors (5xx, timeouts, connection): {len(recorder.errors)}")
    for line in recorder.errors[:20]:
        print("  ", line)
    return len(recorder.errors)


def check_afterwards(env, session_id) -> int:
    result = run_manage(env, "check_integrity", check=False)
    print("\ncheck_integrity:\n" + result.stdout + result.stderr)
    from django.db.models import Count

    from activities.models import Session
    from lending.models import Loan

    session = Session.objects.get(pk=session_id)
    confirmed = session.bookings.filter(status="confirmed").count()
    waitlisted = session.bookings.filter(status="waitlisted").count()
    # Fair and full: every place is taken while people wait, and never one more.
    wasted = confirmed < min(session.capacity, confirmed + waitlisted)
    doubled = Loan.objects.filter(returned_at__isnull=True).values("item").annotate(n=Count("id")).filter(n__gt=1)
    print(f"popular session: {confirmed} confirmed of {session.capacity} places (counter {session.confirmed_count}), "
          f"{waitlisted} waitlisted; loans made: {Loan.objects.count()}, items with two active loans: "
          f"{doubled.count()}")
    if wasted:
        print("BREACH: places are free while people are on the waitlist")
    breaches = result.returncode != 0 or confirmed > session.capacity or wasted or doubled.exists()
    return 1 if breaches else 0


def main():
    args = parse_args()
    if not args.port:
        import socket

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            args.port = probe.getsockname()[1]
    database_url = recreate_database(args.server.rstrip("/"), args.database)
    env = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "0", "DJANGO_SETTINGS_MODULE": "carehub.settings",
           "SECRET_KEY": "load-test-" + "x" * 50, "ALLOWED_HOSTS": "127.0.0.1,localhost", "SECURE_COOKIES": "0",
           # Production settings name a mail server (nothing is sent: no worker runs during the load).
           "EMAIL_URL": "smtp://127.0.0.1:1025", "DEFAULT_FROM_EMAIL": "carehub <no-reply@example.org>",
           "SECURE_SSL_REDIRECT": "0", "CONN_MAX_AGE": "60"}  # plain HTTP on 127.0.0.1, as behind a TLS proxy
    os.environ.update(env)
    print(f"migrating {database_url} …")
    run_manage(env, "migrate", "--noinput")
    data = seed(args.caregivers, args.desks)
    print(f"seeded: session {data['session']} ({CAPACITY} places), {len(data['caregivers'])} caregivers, "
          f"{len(data['desks'])} desks, {ITEMS} items, {BORROWERS} borrowers")
    server = start_gunicorn(env, args)
    try:
        clients = args.caregivers + args.desks
        hubs = yardstick(f"http://127.0.0.1:{args.port}/api/v1", clients, clients * 10)
        print(f"gunicorn: {args.workers} workers × {args.threads} threads; load for {args.duration} s "
              f"(load average {os.getloadavg()[0]:.1f}) …")
        recorder, elapsed = drive(args, data)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    errors = report(recorder, elapsed, hubs)
    print(f"server log (tracebacks of any 5xx): {Path(os.environ.get('TMPDIR', '/tmp')) / 'carehub-load-gunicorn.log'}")
    breaches = check_afterwards(env, data["session"])
    sys.exit(1 if errors or breaches else 0)


if __name__ == "__main__":
    main()
