"""The guarantees of issue 12: nothing sent from a rolled-back transaction, everything committed delivered once,
however the mail server misbehaves and whichever task backend runs (database or Redis)."""

import time
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from carehub.models import Message, MessageStatus
from carehub.notifications import delivery
from tests.conftest import make_hub, make_person

from .conftest import silent_server
from .helpers import ServiceFailed, promote_from_waitlist

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_message_from_a_rolled_back_transaction_is_never_sent(backend, smtp_server):
    person = make_person(make_hub())
    with pytest.raises(ServiceFailed):
        promote_from_waitlist(person, fail_after_notify=True)
    backend.run()
    assert not Message.objects.exists()
    assert smtp_server.received == []


def test_a_committed_message_is_delivered_once_by_the_worker(backend, smtp_server):
    person = make_person(make_hub(), email="rosa@example.org")
    message = promote_from_waitlist(person)
    backend.run()
    backend.run()  # a second pass finds nothing to do
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT and message.sent_at is not None and message.attempts == 1
    assert [to for to, _ in smtp_server.received] == [["rosa@example.org"]]
    assert "demència" in smtp_server.received[0][1].get_payload(decode=True).decode()


def test_mail_server_down_then_back_delivers_every_message_exactly_once(backend, smtp_port):
    hub = make_hub()
    people = [make_person(hub) for _ in range(3)]
    started = time.monotonic()
    messages = [promote_from_waitlist(person) for person in people]  # the service answers normally
    assert time.monotonic() - started < 2
    backend.run()  # connection refused: each is put back with a backoff
    for message in messages:
        message.refresh_from_db()
        assert message.status == MessageStatus.QUEUED and message.attempts == 1
        assert "unreachable" in message.last_error
    from .conftest import SmtpStub

    server = SmtpStub(smtp_port).start()
    try:
        with time_machine.travel(timezone.now() + timedelta(minutes=5), tick=True):
            delivery.sweep()  # RQ's scheduled retries run on Redis's clock: the sweep hands them on now
            backend.run()
            backend.run()
    finally:
        server.stop()
    assert sorted(to[0] for to, _ in server.received) == sorted(p.email for p in people)
    assert set(Message.objects.values_list("status", flat=True)) == {MessageStatus.SENT}


def test_a_mail_server_that_never_answers_holds_up_no_request_and_the_worker_only_for_email_timeout(
        smtp_port, settings):
    settings.EMAIL_TIMEOUT = 1
    person = make_person(make_hub())
    with silent_server(smtp_port):
        started = time.monotonic()
        message = promote_from_waitlist(person)
        assert time.monotonic() - started < 0.5  # the request path never talks to the mail server
        started = time.monotonic()
        assert delivery.deliver(message.pk) == "retry"
        assert time.monotonic() - started < settings.EMAIL_TIMEOUT + 2
    message.refresh_from_db()
    assert message.status == MessageStatus.QUEUED and "did not answer in time" in message.last_error


def test_a_worker_killed_after_claiming_delivers_once_after_restart(backend, smtp_server, settings):
    person = make_person(make_hub())
    message = promote_from_waitlist(person)
    claimed, _token = delivery.claim(message.pk)  # the worker claims it ... and dies before sending
    assert claimed is not None
    backend.run()  # the task already in the queue finds it claimed: nothing sent twice
    assert smtp_server.received == []
    lease = settings.NOTIFICATIONS["CLAIM_LEASE_SECONDS"]
    with time_machine.travel(timezone.now() + timedelta(seconds=lease + 1), tick=True):
        assert delivery.sweep() == 1  # the restarted worker's sweep finds the stale claim
        backend.run()
        backend.run()
    assert len(smtp_server.received) == 1
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT and message.attempts == 2


def test_a_delivery_task_run_twice_sends_once(smtp_server):
    message = promote_from_waitlist(make_person(make_hub()))
    assert delivery.deliver(message.pk) == "sent"
    assert delivery.deliver(message.pk) == "skipped"
    assert len(smtp_server.received) == 1


def test_a_message_whose_task_was_lost_is_enqueued_by_the_sweep(backend, smtp_server, monkeypatch):
    """The web process died between the commit and the enqueue."""
    monkeypatch.setattr("carehub.notifications.services.enqueue_delivery", lambda *a, **k: False)
    message = promote_from_waitlist(make_person(make_hub()))
    monkeypatch.undo()
    backend.run()
    assert smtp_server.received == []
    assert delivery.sweep() == 0  # not yet: its task may simply not have run yet
    with time_machine.travel(timezone.now() + timedelta(minutes=2), tick=True):
        assert delivery.sweep() == 1
        backend.run()
    assert len(smtp_server.received) == 1
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT


def test_an_address_the_server_refuses_goes_to_the_call_list_with_the_reason(smtp_server):
    person = make_person(make_hub(), email="nobody@example.org")
    smtp_server.refuse.add("nobody@example.org")
    message = promote_from_waitlist(person)
    assert delivery.deliver(message.pk) == "to_call"
    message.refresh_from_db()
    assert message.status == MessageStatus.TO_CALL and message.failed_at is not None
    assert "refused the address (550)" in message.last_error
    assert "demència" in message.call_text  # what the desk tells her


def test_after_the_last_attempt_the_message_goes_to_the_call_list(smtp_port, settings):
    settings.NOTIFICATIONS = {**settings.NOTIFICATIONS, "MAX_ATTEMPTS": 3}
    message = promote_from_waitlist(make_person(make_hub()))
    outcomes = []
    for minutes in (0, 10, 20):
        with time_machine.travel(timezone.now() + timedelta(minutes=minutes), tick=True):
            outcomes.append(delivery.deliver(message.pk))
    assert outcomes == ["retry", "retry", "to_call"]
    message.refresh_from_db()
    assert message.status == MessageStatus.TO_CALL and message.attempts == 3
    assert message.last_error.startswith("gave up after 3 attempts: mail server unreachable")


def test_retries_wait_longer_each_time():
    from carehub.notifications.services import retry_delay

    assert [retry_delay(n).total_seconds() for n in (1, 2, 3, 4, 8, 12)] == [30, 60, 120, 240, 3600, 3600]


def test_mail_to_the_in_memory_backend_still_goes_through_the_worker():
    """The demo and tests: the same path, Django's locmem outbox at the end."""
    message = promote_from_waitlist(make_person(make_hub()))
    assert mail.outbox == []
    delivery.deliver(message.pk)
    assert len(mail.outbox) == 1 and mail.outbox[0].extra_headers["Message-ID"].endswith("@carehub>")
