"""What the lending bank tells people (carehub.notifications): an item ready to collect, an approved renewal.

The messages are written in the service's transaction and delivered later by the worker, so a mail server
that refuses connections never turns a committed return or cleaning into an error page.
"""

import json
from datetime import timedelta

import pytest
from django.core import mail

from carehub.notifications.models import Message, MessageStatus
from carehub.permissions import access_for
from lending import services
from lending.models import HoldStatus, ItemStatus
from tests.conftest import bearer, client_for, make_caregiver, make_person

from .conftest import lend, make_item, make_type

BASE = "/api/v1/lending"


def _waiting(desk, hub, item_type, person=None):
    """A hold in the queue for `item_type` at `hub` (no item free now)."""
    person = person or make_person(hub)
    return services.place_hold(access=access_for(desk), hub=hub, item_type=item_type, person_id=person.pk)


def _item_ready_messages():
    return list(Message.objects.filter(kind="item_ready").values_list("person_id", "hub_id", "status"))


# --- the mail server refusing connections: real commits, so after-commit work runs as in production ------
@pytest.mark.django_db(transaction=True)
def test_returning_a_loan_to_a_waiting_hold_succeeds_with_the_mail_server_down(client, desk, hub,
                                                                                mail_server_down):
    item = make_item(hub, make_type(needs_cleaning=False))
    loan = lend(desk, item, make_person(hub))
    hold = _waiting(desk, hub, item.item_type)
    response = client.post(f"{BASE}/loans/{loan.pk}/return", data=json.dumps({"condition": "good"}),
                           content_type="application/json", **bearer(desk))
    assert response.status_code == 200 and response.json()["returned_at"]
    hold.refresh_from_db()
    assert (hold.status, hold.offered_item_id) == (HoldStatus.OFFERED, item.pk)
    assert _item_ready_messages() == [(hold.person_id, hub.pk, MessageStatus.QUEUED)]


@pytest.mark.django_db(transaction=True)
def test_cleaning_an_item_for_a_hold_succeeds_on_the_page_with_the_mail_server_down(desk, hub, item,
                                                                                     mail_server_down):
    loan = lend(desk, item, make_person(hub))
    hold = _waiting(desk, hub, item.item_type)
    services.return_loan(access=access_for(desk), loan_id=loan.pk, condition="good")  # to cleaning
    response = client_for(desk).post(f"/lending/items/{item.asset_tag}/clean/", {"clean-notes": ""})
    assert response.status_code == 302 and response.url == item.get_absolute_url()
    item.refresh_from_db()
    assert item.status == ItemStatus.RESERVED
    assert _item_ready_messages() == [(hold.person_id, hub.pk, MessageStatus.QUEUED)]


# --- who is told, and where ------------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_person_offered_the_item_gets_exactly_one_item_ready_message(desk, hub, item, mailoutbox):
    loan = lend(desk, item, make_person(hub))
    first = _waiting(desk, hub, item.item_type)
    _waiting(desk, hub, item.item_type)  # second in line: not told yet
    access = access_for(desk)
    services.return_loan(access=access, loan_id=loan.pk, condition="good")
    services.mark_cleaned(access=access, item_tag=item.asset_tag)
    message = Message.objects.get(kind="item_ready")
    assert (message.person_id, message.hub_id, message.channel) == (first.person_id, hub.pk, "email")
    assert item.item_type.name in message.subject
    assert mailoutbox == []  # written for the worker, never sent inside the request


@pytest.mark.django_db
def test_a_person_without_email_or_mobile_is_on_the_hold_hubs_call_list_only(desk, hub, other_hub, item):
    landline_only = make_person(hub, email="", phone="93 256 41 00")
    loan = lend(desk, item, make_person(hub))
    hold = _waiting(desk, hub, item.item_type, landline_only)
    access = access_for(desk)
    services.return_loan(access=access, loan_id=loan.pk, condition="good")
    services.mark_cleaned(access=access, item_tag=item.asset_tag)
    assert [m.person_id for m in Message.objects.call_list(hub)] == [hold.person_id]
    assert list(Message.objects.call_list(other_hub)) == []
    assert _item_ready_messages() == [(landline_only.pk, hub.pk, MessageStatus.TO_CALL)]


@pytest.mark.django_db
def test_an_item_received_from_another_hub_is_offered_with_a_message_from_the_receiving_hub(
        desk, other_desk, hub, other_hub, item):
    hold = _waiting(other_desk, other_hub, item.item_type)
    transfer = services.create_transfer(access=access_for(desk), item_tag=item.asset_tag, to_hub=other_hub)
    services.receive_transfer(access=access_for(other_desk), transfer_id=transfer.pk)
    assert _item_ready_messages() == [(hold.person_id, other_hub.pk, MessageStatus.QUEUED)]


@pytest.mark.django_db
def test_an_offer_made_again_after_missed_pickups_is_a_new_message(desk, hub, item, clock):
    first = _waiting(desk, hub, item.item_type)  # the item is free: offered at once
    second = _waiting(desk, hub, item.item_type)
    for _turn in range(2):  # the first misses it (to the second), the second misses it (back to the first)
        clock.shift(timedelta(days=services.OFFER_DAYS, hours=1))
        services.expire_lapsed_offers()
    first.refresh_from_db()
    assert first.status == HoldStatus.OFFERED
    told = list(Message.objects.filter(kind="item_ready").order_by("pk").values_list("person_id", flat=True))
    assert told == [first.person_id, second.person_id, first.person_id]


# --- renewals ---------------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_desk_approving_a_requested_renewal_tells_the_borrower_the_new_date(desk, hub, item):
    user, person = make_caregiver(hub)
    loan = lend(desk, item, person)
    services.request_renewal(access=access_for(user), loan_id=loan.pk)
    renewed = services.renew_loan(access=access_for(desk), loan_id=loan.pk)
    message = Message.objects.get(kind="loan_renewed")
    assert (message.person_id, message.hub_id) == (person.pk, loan.hub_id)
    assert renewed.due_on.strftime("%Y") in message.body and item.asset_tag in message.body


@pytest.mark.django_db
def test_a_renewal_nobody_asked_for_sends_no_message(desk, hub, item):
    loan = lend(desk, item, make_person(hub))
    services.renew_loan(access=access_for(desk), loan_id=loan.pk)
    assert not Message.objects.filter(kind="loan_renewed").exists()
