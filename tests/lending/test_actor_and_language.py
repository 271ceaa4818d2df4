"""Who did it (the audit history names the token's user for every audited lending model), what an erasure
locks, and pages in the reader's language."""

import json

import pytest
from django.conf import settings
from django.urls import reverse

from carehub.models import Role
from carehub.permissions import access_for
from carehub.privacy import erase_person
from lending import services
from lending.models import Hold, HoldStatus, Item, ItemStatus, Loan, Transfer
from tests.conftest import bearer, client_for, make_person, make_user

from .conftest import lend, make_item, make_type

pytestmark = pytest.mark.django_db
BASE = "/api/v1/lending"


def _post(client, url, body, user):
    return client.post(f"{BASE}{url}", data=json.dumps(body), content_type="application/json", **bearer(user))


# --- the actor of a token call --------------------------------------------------------------------------
def test_item_taken_in_through_the_api_records_the_tokens_user(client, desk, hub, item_type):
    response = _post(client, "/items", {"asset_tag": "API-1", "hub": hub.slug, "type": item_type.pk}, desk)
    assert response.status_code == 201
    assert Item.history.get(asset_tag="API-1").history_user == desk


def test_loan_lent_and_returned_through_the_api_records_the_tokens_user(client, desk, coordinator, hub, item):
    loan_id = _post(client, "/loans", {"item": item.asset_tag, "borrower": make_person(hub).pk}, desk).json()["id"]
    assert _post(client, f"/loans/{loan_id}/return", {"condition": "good"}, coordinator).status_code == 200
    records = Loan.history.filter(id=loan_id).order_by("history_id")
    assert [record.history_user for record in records] == [desk, coordinator]
    assert Item.history.filter(id=item.pk).latest("history_id").history_user == coordinator


def test_hold_placed_through_the_api_records_the_tokens_user(client, desk, hub, item):
    lend(desk, item, make_person(hub))
    body = {"hub": hub.slug, "type": item.item_type_id, "person": make_person(hub).pk}
    hold_id = _post(client, "/holds", body, desk).json()["id"]
    assert Hold.history.get(id=hold_id).history_user == desk


def test_transfer_through_the_api_records_each_hubs_user(client, desk, other_desk, other_hub, item):
    transfer_id = _post(client, "/transfers", {"item": item.asset_tag, "to_hub": other_hub.slug}, desk).json()["id"]
    assert _post(client, f"/transfers/{transfer_id}/receive", {}, other_desk).status_code == 200
    records = Transfer.history.filter(id=transfer_id).order_by("history_id")
    assert [record.history_user for record in records] == [desk, desk, other_desk]  # created, sent, received


# --- an erasure locks in the global order ---------------------------------------------------------------
def test_erasing_a_person_waiting_in_two_queues_passes_their_offered_item_on(desk, hub, item):
    """Two open holds (one offered an item) in two queues: the hook locks items, holds, loans in that order
    (carehub.locking refuses anything else) and the offered item goes to the next person in its queue."""
    coordinator = make_user(roles=[(Role.COORDINATOR, hub)])
    access = access_for(desk)
    person, next_in_line = make_person(hub), make_person(hub)
    other_type = make_type()
    lend(desk, make_item(hub, other_type), make_person(hub))
    waiting = services.place_hold(access=access, hub=hub, item_type=other_type, person_id=person.pk)
    offered = services.place_hold(access=access, hub=hub, item_type=item.item_type, person_id=person.pk)
    assert offered.status == HoldStatus.OFFERED and waiting.status == HoldStatus.WAITING
    follower = services.place_hold(access=access, hub=hub, item_type=item.item_type, person_id=next_in_line.pk)

    erase_person(access=access_for(coordinator), person_id=person.pk, reason="person_request")

    assert set(Hold.objects.filter(person=person).values_list("status", flat=True)) == {HoldStatus.CANCELLED}
    follower.refresh_from_db()
    assert follower.status == HoldStatus.OFFERED and follower.offered_item_id == item.pk
    assert Item.objects.get(pk=item.pk).status == ItemStatus.RESERVED


# --- pages in the reader's language ---------------------------------------------------------------------
def test_loan_list_title_follows_each_requests_language(desk):
    client = client_for(desk)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    spanish = client.get(reverse("lending:loans"), {"status": "overdue"})
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ca"
    catalan = client.get(reverse("lending:loans"), {"status": "overdue"})
    assert "<h1>Préstamos con retraso</h1>" in spanish.content.decode()
    assert "<h1>Préstecs endarrerits</h1>" in catalan.content.decode()
