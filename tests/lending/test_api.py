"""The lending API: status codes, bodies, scoping and history."""

import json

import pytest

from carehub.models import Role
from lending.models import Item, ItemStatus, Loan
from tests.conftest import bearer, make_person, make_user

from .conftest import days, lend, make_item, today

pytestmark = pytest.mark.django_db
BASE = "/api/v1/lending"


def post(client, url, body, user):
    return client.post(f"{BASE}{url}", data=json.dumps(body), content_type="application/json", **bearer(user))


def get(client, url, user):
    return client.get(f"{BASE}{url}", **bearer(user))


def test_post_loan_returns_201_with_id_status_and_due_on(client, desk, hub, item):
    person = make_person(hub)
    response = post(client, "/loans", {"item": item.asset_tag, "borrower": person.pk}, desk)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "active" and body["id"] == Loan.objects.get().pk
    assert body["due_on"] == (today() + days(180)).isoformat()


def test_post_loan_of_item_on_loan_is_409_with_detail_and_code(client, desk, hub, item):
    lend(desk, item, make_person(hub))
    response = post(client, "/loans", {"item": item.asset_tag, "borrower": make_person(hub).pk}, desk)
    assert response.status_code == 409
    assert response.json()["code"] == "item_unavailable" and response.json()["detail"]


@pytest.mark.parametrize("body,status,code", [
    ({"item": "NO-SUCH-TAG"}, 404, "item_not_found"),
    ({"borrower": 987654}, 404, "person_not_found"),
    ({"borrower": "not-a-number"}, 422, "invalid"),
    ({"due_on": "2001-01-01"}, 422, "due_on_in_past"),
    ({"due_on": "not-a-date"}, 422, "invalid"),
])
def test_post_loan_bad_input_is_refused_and_changes_nothing(client, desk, hub, item, body, status, code):
    payload = {"item": item.asset_tag, "borrower": make_person(hub).pk, **body}
    response = post(client, "/loans", payload, desk)
    assert response.status_code == status, response.content
    assert response.json()["code"] == code
    assert Loan.objects.count() == 0
    assert Item.objects.get(pk=item.pk).status == ItemStatus.AVAILABLE


def test_lending_a_retired_item_is_409(client, desk, hub, item):
    item.status = ItemStatus.RETIRED
    item.save()
    response = post(client, "/loans", {"item": item.asset_tag, "borrower": make_person(hub).pk}, desk)
    assert response.status_code == 409 and response.json()["code"] == "item_retired"


def test_return_and_returning_again(client, desk, hub, item):
    loan = lend(desk, item, make_person(hub))
    response = post(client, f"/loans/{loan.pk}/return", {"condition": "needs_cleaning", "notes": "muddy"}, desk)
    assert response.status_code == 200 and response.json()["status"] == "returned"
    again = post(client, f"/loans/{loan.pk}/return", {"condition": "good"}, desk)
    assert again.status_code == 409 and again.json()["code"] == "loan_already_returned"
    bad = post(client, f"/loans/{loan.pk}/return", {"condition": "shiny"}, desk)
    assert bad.status_code == 422


def test_renew_extends_the_due_date(client, desk, hub, item):
    loan = lend(desk, item, make_person(hub))
    response = post(client, f"/loans/{loan.pk}/renew", {}, desk)
    assert response.status_code == 200
    assert response.json()["due_on"] == (loan.due_on + days(180)).isoformat()


def test_history_lists_username_time_and_changed_fields(client, desk, hub, item):
    loan = lend(desk, item, make_person(hub))
    post(client, f"/loans/{loan.pk}/return", {"condition": "good"}, desk)
    entries = get(client, f"/loans/{loan.pk}/history", desk).json()
    assert [entry["username"] for entry in entries] == ["desk", "desk"]
    assert entries[0]["action"] == "changed" and entries[1]["action"] == "created"
    assert "returned_at" in {change["field"] for change in entries[0]["changes"]}
    assert entries[0]["at"]


def test_list_loans_filters_by_status_and_hub(client, desk, hub, item):
    late = lend(desk, item, make_person(hub))
    late.due_on = today() - days(2)
    late.save()
    lend(desk, make_item(hub, item.item_type), make_person(hub))
    overdue = get(client, f"/loans?status=overdue&hub={hub.slug}", desk).json()
    assert [row["id"] for row in overdue["items"]] == [late.pk]
    assert overdue["items"][0]["status"] == "overdue" and overdue["items"][0]["days_overdue"] == 2
    assert get(client, "/loans?status=active", desk).json()["count"] == 2
    assert get(client, "/loans?status=bogus", desk).status_code == 422


def test_other_hubs_desk_gets_404_and_cannot_change(client, desk, other_desk, hub, item):
    loan = lend(desk, item, make_person(hub))
    assert get(client, f"/loans/{loan.pk}", other_desk).status_code == 404
    assert get(client, f"/loans/{loan.pk}/history", other_desk).status_code == 404
    assert post(client, f"/loans/{loan.pk}/return", {"condition": "good"}, other_desk).status_code == 404
    assert post(client, f"/loans/{loan.pk}/renew", {}, other_desk).status_code == 404
    assert get(client, "/loans", other_desk).json()["count"] == 0
    assert get(client, f"/items/{item.asset_tag}", other_desk).status_code == 404
    loan.refresh_from_db()
    assert loan.is_active and loan.renewals == 0


def test_caregiver_sees_only_own_loans(client, desk, hub, item, carer):
    user, person = carer
    own = lend(desk, item, person)
    other = lend(desk, make_item(hub, item.item_type), make_person(hub))
    rows = get(client, "/loans", user).json()["items"]
    assert [row["id"] for row in rows] == [own.pk]
    assert get(client, f"/loans/{other.pk}", user).status_code == 404
    assert post(client, f"/loans/{own.pk}/return", {"condition": "good"}, user).status_code == 404


def test_planner_sees_no_loan(client, desk, hub, item, planner):
    loan = lend(desk, item, make_person(hub))
    assert get(client, "/loans", planner).json()["count"] == 0
    assert get(client, f"/loans/{loan.pk}", planner).status_code == 404
    assert get(client, "/holds", planner).json()["count"] == 0


def test_items_list_filters_by_hub_type_and_status(client, desk, hub, item):
    make_item(hub, item.item_type, status=ItemStatus.CLEANING)
    rows = get(client, f"/items?hub={hub.slug}&type={item.item_type_id}&status=available", desk).json()["items"]
    assert [row["asset_tag"] for row in rows] == [item.asset_tag]
    assert rows[0]["status"] == "available" and rows[0]["hub"] == hub.slug and rows[0]["type"]


def test_item_types_and_availability_are_public_without_personal_data(client, desk, hub, item):
    lend(desk, make_item(hub, item.item_type), make_person(hub, first_name="Secretname"))
    assert client.get(f"{BASE}/item-types").status_code == 200
    response = client.get(f"{BASE}/availability?type={item.item_type_id}")
    assert response.status_code == 200
    assert response.json() == [{"hub": hub.slug, "hub_name": hub.name, "type_id": item.item_type_id,
                                "type": item.item_type.name, "available": 1}]
    assert b"Secretname" not in response.content


def test_holds_place_reorder_cancel_and_history(client, desk, hub, item):
    lend(desk, item, make_person(hub))
    first = post(client, "/holds", {"hub": hub.slug, "type": item.item_type_id, "person": make_person(hub).pk}, desk)
    second = post(client, "/holds", {"hub": hub.slug, "type": item.item_type_id, "person": make_person(hub).pk,
                                     "priority": 0}, desk)
    assert first.status_code == second.status_code == 201
    rows = get(client, f"/holds?hub={hub.slug}&status=waiting", desk).json()["items"]
    assert [row["id"] for row in rows] == [second.json()["id"], first.json()["id"]]  # urgent first
    moved = post(client, f"/holds/{first.json()['id']}/reorder", {"to_position": 1, "reason": "Error"}, desk)
    assert moved.status_code == 200
    no_reason = post(client, f"/holds/{first.json()['id']}/reorder", {"to_position": 2, "reason": ""}, desk)
    assert no_reason.status_code == 422
    assert post(client, f"/holds/{second.json()['id']}/cancel", {}, desk).json()["status"] == "cancelled"
    history = get(client, f"/holds/{first.json()['id']}/history", desk).json()
    assert history[0]["reason"] == "Error" and history[0]["username"] == "desk"


def test_transfers_send_and_receive(client, desk, other_desk, hub, other_hub, item):
    created = post(client, "/transfers", {"item": item.asset_tag, "to_hub": other_hub.slug}, desk)
    assert created.status_code == 201 and created.json()["status"] == "sent"
    transfer_id = created.json()["id"]
    assert get(client, "/transfers", other_desk).json()["count"] == 1
    received = post(client, f"/transfers/{transfer_id}/receive", {}, other_desk)
    assert received.status_code == 200 and received.json()["status"] == "received"
    assert Item.objects.get(pk=item.pk).hub == other_hub


def test_unauthenticated_caller_gets_401(client, hub, item):
    assert client.get(f"{BASE}/loans").status_code == 401
    assert client.post(f"{BASE}/loans", data="{}", content_type="application/json").status_code == 401


def test_coordinator_of_the_hub_may_lend(client, hub, item):
    coordinator = make_user(roles=[(Role.COORDINATOR, hub)])
    response = post(client, "/loans", {"item": item.asset_tag, "borrower": make_person(hub).pk}, coordinator)
    assert response.status_code == 201
