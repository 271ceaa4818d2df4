"""SMS: E.164 numbers, short texts in the person's language, never a care detail."""

import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from carehub.models import MessageStatus
from carehub.notifications import notify
from carehub.notifications.delivery import deliver
from carehub.notifications.kinds import KINDS
from tests.conftest import make_hub, make_person

from .helpers import promote_from_waitlist

pytestmark = pytest.mark.django_db

WHEN = datetime(2026, 12, 10, 10, 0, tzinfo=ZoneInfo("Europe/Madrid"))
CARE_DETAILS = {"title": "Grup de suport per a cuidadores de persones amb demència", "item_type": "Cadira de rodes",
                "asset_tag": "WH-0042", "service": "Assessorament jurídic sobre dependència",
                "where": "Sala 2, Biblioteca"}
CONTEXT = {**CARE_DETAILS, "starts_at": WHEN, "old_starts_at": WHEN, "position": 3, "due_on": date(2026, 12, 20),
           "mode": "en persona", "link": "https://carehub.example.org/l/secret", "valid_minutes": 60, "valid_days": 7}


def test_the_gateway_gets_the_e164_number_and_a_short_text_without_care_details(sms_gateway):
    hub = make_hub(name="Vila Veïna Sant Antoni", phone="93 256 41 00")
    person = make_person(hub, email="", phone="612 34 56 78", preferred_language="ca")
    message = promote_from_waitlist(person)
    assert deliver(message.pk) == "sent"
    [request] = sms_gateway.requests
    assert request["headers"]["Authorization"] == "Bearer test-token"
    payload = request["json"]
    assert payload["to"] == "+34612345678" and payload["from"] == "VilaVeina"
    assert payload["text"] == ("Vila Veïna Sant Antoni: tens un missatge sobre la teva reserva. "
                               "Detalls: http://127.0.0.1:8000/account/ o truca al 932 56 41 00")
    assert "demència" not in payload["text"] and len(payload["text"]) <= 160
    assert payload["reference"]  # the same on a resend, for gateways that de-duplicate


def test_a_busy_gateway_is_retried_and_a_refusal_goes_to_the_call_list(sms_gateway):
    person = make_person(make_hub(), email="", phone="612 34 56 78")
    busy = promote_from_waitlist(person, occasion="busy")
    sms_gateway.status = 503
    assert deliver(busy.pk) == "retry"
    refused = promote_from_waitlist(person, occasion="refused")
    sms_gateway.status = 400
    assert deliver(refused.pk) == "to_call"
    refused.refresh_from_db()
    assert refused.status == MessageStatus.TO_CALL and refused.last_error.endswith("HTTP 400")


def test_an_unreachable_gateway_is_a_temporary_failure(settings):
    from .conftest import free_port

    settings.SMS_BACKEND, settings.SMS_URL = "http", f"http://127.0.0.1:{free_port()}/sms"
    message = promote_from_waitlist(make_person(make_hub(), email="", phone="612 34 56 78"))
    assert deliver(message.pk) == "retry"


@pytest.mark.parametrize("language", ["ca", "es", "en"])
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kinds_sms_is_one_short_text_without_care_details(kind, language):
    hub = make_hub(name="Vila Veïna Sant Antoni", phone="93 256 41 00")
    person = make_person(hub, email="", phone="612 34 56 78", preferred_language=language)
    message = notify(person, kind=kind, related=person, context=CONTEXT)
    assert message.channel == "sms"
    assert len(message.body) <= 160, message.body
    assert "\n" not in message.body
    for detail in CARE_DETAILS.values():
        assert detail not in message.body
    assert "Vila Veïna Sant Antoni" in message.body and "932 56 41 00" in message.body


@pytest.mark.parametrize("language", ["ca", "es", "en"])
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kind_has_an_email_and_a_call_text_in_each_language(kind, language):
    person = make_person(make_hub(), preferred_language=language, first_name="Rosa")
    message = notify(person, kind=kind, related=person, context=CONTEXT)
    assert message.subject and "\n" not in message.subject
    assert message.body.startswith({"ca": "Hola, Rosa:", "es": "Hola, Rosa:", "en": "Hello Rosa,"}[language])
    assert "Rosa" in message.call_text
    english = notify(make_person(make_hub(), preferred_language="en", first_name="Rosa"), kind=kind,
                     context=CONTEXT, occasion="en")
    if language != "en":  # translated, not the English text
        assert message.subject != english.subject and message.call_text != english.call_text
    assert "{" not in message.body + message.call_text  # no placeholder left


def test_sms_text_is_kept_for_the_record():
    person = make_person(make_hub(), email="", phone="612 34 56 78")
    message = promote_from_waitlist(person)
    assert json.dumps(message.body)  # stored as sent
    assert message.recipient == "+34612345678"
