"""Fixtures for the guidance tests: the frozen clock, a coordinator, directory entries and attentions made
through the services (as the pages and the API make them)."""

import itertools
from datetime import datetime

import pytest
import time_machine
from django.test import Client

from carehub.models import Role
from carehub.permissions import access_for
from carehub.timezones import LOCAL_TZ
from guidance import services
from guidance.models import AttentionTopic
from tests.conftest import bearer, make_user

_seq = itertools.count(1)

# Every guidance test runs at this moment: a Tuesday mid-morning at the hub, far from midnight and DST changes.
FROZEN_AT = datetime(2026, 3, 10, 10, 0, tzinfo=LOCAL_TZ)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(FROZEN_AT, tick=False) as traveller:
        yield traveller


def coordinator_at(hub, username=None):
    return make_user(username, roles=[(Role.COORDINATOR, hub)])


def desk_at(hub, username=None):
    return make_user(username, roles=[(Role.DESK, hub)])


def topic(hub, key="care_resources") -> AttentionTopic:
    return AttentionTopic.objects.get(hub=hub, key=key)


def resource(hub, *, by=None, **fields):
    values = dict(name=f"Centre de Dia {next(_seq)}", kind="day_centre", address="Carrer de Prova, 1")
    values.update(fields)
    by = by or coordinator_at(hub)
    return services.create_resource(access=access_for(by), hub=hub, **values)


def attention(user, hub, *, topics=("care_resources",), channel="in_person", **fields):
    return services.record_attention(access=access_for(user), hub=hub, channel=channel, topics=list(topics),
                                     **fields)


def api(user=None):
    """(client, headers) for an API call as `user` (anonymous without one)."""
    return Client(), (bearer(user) if user is not None else {})


def post(user, path, payload, **extra):
    client, headers = api(user)
    return client.post(path, payload, content_type="application/json", **headers, **extra)


def get(user, path, params=None):
    client, headers = api(user)
    return client.get(path, params or {}, **headers)


@pytest.fixture(autouse=True)
def english_pages(settings):
    """Pages in English, so that assertions read the msgids; messages still follow each person's language."""
    settings.LANGUAGE_CODE = "en"
