"""The monthly digest: every subscriber of a hub gets, once per month, the hub's programme of the coming month
and its current news, through the outbox, in their language, by email or SMS; never twice for one month."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from carehub.notifications.delivery import deliver
from carehub.notifications.models import Message, MessageStatus
from news import digest
from tests.conftest import make_person

from .conftest import FROZEN_NOW, TODAY, at, digests_of, make_news, make_session_at, subscribe

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme(hub, other_hub):
    """Sessions on both sides of December (the edition due on 26 November) and one at another hub."""
    return {
        "this_month": make_session_at(hub, at(date(2026, 11, 30), "17:00"), title="Ioga suau"),
        "december": make_session_at(hub, at(date(2026, 12, 3), "18:00"), title="Taller de memòria"),
        "late_december": make_session_at(hub, at(date(2026, 12, 31), "10:00"), title="Cafè de cap d'any"),
        "january": make_session_at(hub, at(date(2027, 1, 4), "18:00"), title="Xerrada de gener"),
        "elsewhere": make_session_at(other_hub, at(date(2026, 12, 3), "18:00"), title="Al Poble-sec"),
    }


@pytest.fixture
def rosa(hub):
    return make_person(hub, first_name="Rosa", preferred_language="ca", notify_by="email")


def test_each_subscriber_gets_next_months_programme_and_the_current_news(hub, rosa, programme):
    make_news(hub, title="Tramitem la Targeta Cuidadora", body="Porta el DNI.")
    make_news(hub, title="Encara no", publish_on=TODAY + timedelta(days=2))
    subscribe(rosa)
    assert digest.send(today=TODAY) == 1
    [message] = digests_of(rosa)
    assert message.status == MessageStatus.QUEUED and message.channel == "email" and message.hub == hub
    body = message.body
    assert "Taller de memòria" in body and "Cafè de cap d'any" in body
    assert "Ioga suau" not in body and "Xerrada de gener" not in body and "Al Poble-sec" not in body
    assert "Tramitem la Targeta Cuidadora" in body and "Porta el DNI." in body and "Encara no" not in body
    assert "/news/digest/" in body  # the unsubscribe link
    assert message.idempotency_key.endswith(":2026-12")


def test_a_second_run_in_the_same_month_writes_nothing_more(hub, rosa, programme):
    subscribe(rosa)
    assert digest.send(today=TODAY) == 1
    assert digest.send(today=TODAY) == 0
    assert digest.send(today=TODAY + timedelta(days=3)) == 0  # still December's edition
    out = StringIO()
    call_command("send_reminders", stdout=out)
    assert "news: 0 reminder(s) queued" in out.getvalue()
    assert len(digests_of(rosa)) == 1


def test_the_daily_reminders_send_it_and_next_month_brings_the_next_edition(hub, rosa, programme, frozen_clock):
    subscribe(rosa)
    out = StringIO()
    call_command("send_reminders", stdout=out)
    assert "news: 1 reminder(s) queued" in out.getvalue()
    frozen_clock.move_to(FROZEN_NOW + timedelta(days=31))  # 27 December: January's edition
    call_command("send_reminders", stdout=StringIO())
    first, second = digests_of(rosa)
    assert first.idempotency_key.endswith(":2026-12") and second.idempotency_key.endswith(":2027-01")
    assert "Xerrada de gener" in second.body and "Taller de memòria" not in second.body


def test_someone_who_opts_in_mid_month_gets_what_is_left_of_this_month(hub, rosa, programme, frozen_clock):
    subscribe(rosa)
    digest.send(today=TODAY)
    frozen_clock.move_to(FROZEN_NOW + timedelta(days=14))  # 10 December
    newcomer = make_person(hub, first_name="Joan")
    subscribe(newcomer)
    assert digest.send(today=TODAY + timedelta(days=14)) == 1
    [message] = digests_of(newcomer)
    assert "Cafè de cap d'any" in message.body and "Taller de memòria" not in message.body  # 3 Dec is past
    assert len(digests_of(rosa)) == 1


def test_each_reads_it_in_their_language_and_the_sms_is_short_with_one_link(hub, programme):
    make_news(hub, title="Tramitem la Targeta Cuidadora", body="Porta el DNI.",
              translations={"es": {"title": "Tramitamos la Tarjeta Cuidadora", "body": "Trae el DNI."}})
    carmen = make_person(hub, first_name="Carmen", preferred_language="es", notify_by="email")
    pau = make_person(hub, first_name="Pau", email="", phone="612 34 56 78", notify_by="sms")
    subscribe(carmen)
    subscribe(pau)
    digest.send(today=TODAY)
    [spanish] = digests_of(carmen)
    assert spanish.language == "es" and "Tramitamos la Tarjeta Cuidadora" in spanish.body
    assert "Tramitem" not in spanish.body
    [sms] = digests_of(pau)
    assert sms.channel == "sms" and "\n" not in sms.body
    assert sms.body.count("http") == 1 and "/news/digest/" in sms.body
    assert "Taller de memòria" not in sms.body and "Tramitem" not in sms.body


def test_the_worker_delivers_it_as_an_email(hub, rosa, programme):
    subscribe(rosa)
    digest.send(today=TODAY)
    [message] = digests_of(rosa)
    assert deliver(message.pk) == "sent"
    [email] = mail.outbox
    assert email.to == [rosa.email] and "Taller de memòria" in email.body
    assert hub.name in email.subject


def test_nobody_unsubscribed_erased_or_reachable_only_by_phone_gets_it(hub, rosa, programme):
    gone = make_person(hub)
    ended = subscribe(gone)
    ended.ended_at = FROZEN_NOW
    ended.save()
    landline = make_person(hub, email="", phone="93 256 41 00")
    subscribe(landline)
    erased = make_person(hub)
    subscribe(erased)
    erased.erased_at = FROZEN_NOW
    erased.save()
    subscribe(rosa)
    assert digest.send(today=TODAY) == 1
    assert Message.objects.filter(kind="monthly_digest").get().person == rosa


def test_a_hub_with_nothing_to_tell_sends_nothing_until_it_has(hub, rosa):
    subscribe(rosa)
    assert digest.send(today=TODAY) == 0
    make_news(hub, title="Obrim el dissabte")
    assert digest.send(today=TODAY) == 1
    assert "Obrim el dissabte" in digests_of(rosa)[0].body


def test_a_long_programme_is_cut_and_links_to_the_rest(hub):
    from activities.models import Activity, Session

    activity = Activity.objects.create(hub=hub, title="Caminada", capacity=10)
    Session.objects.bulk_create([
        Session(activity=activity, starts_at=at(date(2026, 12, 1) + timedelta(days=n % 30), "10:00"),
                ends_at=at(date(2026, 12, 1) + timedelta(days=n % 30), "11:00"), capacity=10)
        for n in range(30)])
    anna = make_person(hub, first_name="Anna", preferred_language="en")
    subscribe(anna)
    digest.send(today=TODAY)
    body = digests_of(anna)[0].body
    assert body.count("Caminada") == 25
    assert "… and 5 more." in body and f"?hub={hub.slug}" in body


def test_the_edition_due_turns_on_the_25th():
    assert digest.edition_for(date(2026, 11, 24)) == date(2026, 11, 1)
    assert digest.edition_for(date(2026, 11, 25)) == date(2026, 12, 1)
    assert digest.edition_for(date(2026, 12, 25)) == date(2027, 1, 1)
