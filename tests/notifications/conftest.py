"""Local stand-ins for the outside world (an SMTP server, an SMS gateway, Redis) and an in-process worker."""

import json
import socket
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.db import connection

from carehub.notifications.sms import LocmemSmsBackend
from tests.conftest import redis_reachable

REDIS_URL = "redis://127.0.0.1:6379/15"  # a database of its own, so tests never touch anyone's data


def pytest_collection_modifyitems(config, items):
    """Tests of the RQ backend are skipped with their reason when Redis is not there, never dropped silently."""
    if any("redis" in item.keywords for item in items) and not redis_reachable():
        skip = pytest.mark.skip(reason="needs Redis at 127.0.0.1:6379 for the RQ task backend (.ci/run starts it)")
        for item in items:
            if "redis" in item.keywords:
                item.add_marker(skip)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- task backends ------------------------------------------------------------------------------------
@pytest.fixture(params=["db", pytest.param("rq", marks=pytest.mark.redis)])
def backend(request, settings):
    """The same delivery test on the database backend and on Redis (django-tasks-rq)."""
    if request.param == "db":
        settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
        settings.TASKS_BACKEND = "db"
        yield DbWorker()
    else:
        settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}
        settings.TASKS_BACKEND = "rq"
        settings.RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 60}}
        worker = RqWorker()
        worker.queue().empty()
        yield worker
        worker.queue().empty()


class DbWorker:
    name = "db"

    def run(self) -> None:
        """`manage.py db_worker --batch`, in this process: every task that is due, then return."""
        from django_tasks_db.management.commands.db_worker import Worker

        Worker(queue_names=["default"], interval=0, batch=True, backend_name="default", startup_delay=False,
               max_tasks=None, worker_id="test-worker", excluded_queue_names=[]).run()


class RqWorker:
    name = "rq"

    def queue(self):
        import django_rq
        from django_tasks_rq.backend import Job

        return django_rq.get_queue("default", job_class=Job)

    def run(self) -> None:
        """`manage.py rqworker --burst`, in this process (SimpleWorker: no fork, so it sees the test database)."""
        from rq import SimpleWorker

        queue = self.queue()
        SimpleWorker([queue], connection=queue.connection, job_class=queue.job_class).work(burst=True)


# --- an SMTP server -------------------------------------------------------------------------------------
class SmtpStub:
    """aiosmtpd on 127.0.0.1: keeps what it receives; refuses RCPT TO addresses in `refuse` with 550."""

    def __init__(self, port: int):
        self.port = port
        self.received: list = []
        self.refuse: set[str] = set()
        self.controller = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        from email import message_from_bytes

        self.received.append((envelope.rcpt_tos, message_from_bytes(envelope.content)))
        return "250 Message accepted"

    def start(self):
        from aiosmtpd.controller import Controller

        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self):
        if self.controller:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp_port(mail_server_down):
    """Mail goes through the real SMTP backend to 127.0.0.1:<port>, where nothing listens until a test says."""
    return mail_server_down


@pytest.fixture
def smtp_server(smtp_port):
    server = SmtpStub(smtp_port).start()
    yield server
    server.stop()


@contextmanager
def silent_server(port: int):
    """Accepts connections and never says a word (a mail server that hangs)."""
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", port))
    listener.listen(16)
    held = []
    stop = threading.Event()

    def accept():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                pass

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
        for conn in held:
            conn.close()
        listener.close()


# --- an SMS gateway -------------------------------------------------------------------------------------
class GatewayStub:
    def __init__(self):
        self.requests: list[dict] = []
        self.status = 200
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                stub.requests.append({"headers": dict(self.headers), "json": json.loads(self.rfile.read(length))})
                self.send_response(stub.status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"id": "stub-1"}')

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sms"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def sms_gateway(settings):
    gateway = GatewayStub()
    settings.SMS_BACKEND = "http"
    settings.SMS_URL, settings.SMS_TOKEN, settings.SMS_SENDER = gateway.url, "test-token", "VilaVeina"
    yield gateway
    gateway.close()


@pytest.fixture
def sms_outbox(settings):
    settings.SMS_BACKEND = "locmem"
    LocmemSmsBackend.outbox = []
    yield LocmemSmsBackend.outbox
    LocmemSmsBackend.outbox = []


@pytest.fixture(autouse=True)
def _no_real_sms(settings):
    """No test prints or posts an SMS unless it asks for a gateway."""
    settings.SMS_BACKEND = "locmem"
    LocmemSmsBackend.outbox = []


def is_postgres() -> bool:
    return connection.vendor == "postgresql"
