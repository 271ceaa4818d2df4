"""The front-desk pages and the public availability page."""

import pytest
from django.conf import settings
from django.urls import reverse

from lending import selectors
from lending.models import HoldStatus, ItemStatus, Loan
from tests.conftest import client_for as _client_for
from tests.conftest import make_person

from .conftest import days, lend, make_item, make_type, today

pytestmark = pytest.mark.django_db


def client_for(user):
    """A logged-in client reading the pages in English (the site's default language is Catalan)."""
    client = _client_for(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_availability_url_name_is_public_and_shows_counts_only(client, desk, hub, item):
    lend(desk, make_item(hub, item.item_type), make_person(hub, first_name="Hiddenname"))
    response = client.get(reverse("lending:availability"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert item.item_type.name in response.content.decode() and b"Hiddenname" not in response.content


def test_desk_page_is_in_the_nav_for_desk_not_for_planner(desk, planner):
    assert "Lending desk" in client_for(desk).get("/").content.decode()
    assert "Lending desk" not in client_for(planner).get("/").content.decode()
    assert client_for(planner).get(reverse("lending:desk")).status_code == 403


def test_scanned_tag_in_any_case_opens_the_item_page(desk, item):
    response = client_for(desk).get(reverse("lending:find"), {"tag": " sa-wc-001 "})
    assert response.status_code == 302 and response["Location"] == reverse("lending:item", args=[item.asset_tag])


def test_unknown_tag_says_so_next_to_the_box(desk, item):
    response = client_for(desk).get(reverse("lending:find"), {"tag": "NOPE"})
    assert response.status_code == 404 and "No item with this tag" in response.content.decode()


def test_item_of_another_hub_is_404(other_desk, item):
    assert client_for(other_desk).get(reverse("lending:item", args=[item.asset_tag])).status_code == 404


def test_lend_page_searches_people_and_lends_with_the_default_due_date(desk, hub, item):
    person = make_person(hub, first_name="Núria", last_name="Vilalta")
    client = client_for(desk)
    url = reverse("lending:lend", args=[item.asset_tag])
    found = client.get(url, {"q": "nuria vila"})
    assert f"?person={person.pk}" in found.content.decode()
    form = client.get(url, {"person": person.pk})
    assert (today() + days(180)).isoformat() in form.content.decode()
    response = client.post(url, {"person": person.pk, "due_on": (today() + days(30)).isoformat(),
                                 "need_category": "mobility"})
    loan = Loan.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("lending:loan", args=[loan.pk])
    assert loan.due_on == today() + days(30)


def test_lend_page_shows_a_past_due_date_error_and_lends_nothing(desk, hub, item):
    person = make_person(hub)
    response = client_for(desk).post(reverse("lending:lend", args=[item.asset_tag]), {
        "person": person.pk, "due_on": (today() - days(1)).isoformat(), "need_category": "mobility"})
    assert response.status_code == 200 and "The due date cannot be in the past." in response.content.decode()
    assert Loan.objects.count() == 0


def test_lend_page_links_to_register_and_back(desk, item):
    response = client_for(desk).get(reverse("lending:lend", args=[item.asset_tag]))
    assert f"{reverse('person-register')}?next={reverse('lending:lend', args=[item.asset_tag])}" in \
        response.content.decode()


def test_return_from_the_item_page_sends_it_to_cleaning(desk, hub, item):
    loan = lend(desk, item, make_person(hub))
    response = client_for(desk).post(reverse("lending:loan-action", args=[loan.pk, "return"]),
                                     {"return-condition": "good"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == ItemStatus.CLEANING


def test_loan_lists_show_days_overdue_and_contact(desk, hub, item):
    person = make_person(hub, phone="600 111 222")
    loan = lend(desk, item, person)
    loan.due_on = today() - days(4)
    loan.save()
    page = client_for(desk).get(reverse("lending:loans"), {"status": "overdue"}).content.decode()
    assert person.phone in page and ">4<" in page


@pytest.mark.parametrize("status", ["active", "due_soon", "overdue", "returned"])
def test_loan_lists_have_a_bounded_number_of_queries(desk, hub, django_assert_max_num_queries, status):
    item_type = make_type()
    for n in range(30):
        loan = lend(desk, make_item(hub, item_type), make_person(hub))
        loan.due_on = today() + days(n - 10)
        if status == "returned":
            loan.returned_at = loan.lent_at
        loan.save()
    client = client_for(desk)
    client.get(reverse("lending:loans"), {"status": status})  # warm the session and caches
    with django_assert_max_num_queries(12):
        response = client.get(reverse("lending:loans"), {"status": status})
    assert response.status_code == 200


def test_item_page_has_a_bounded_number_of_queries_whatever_its_history(desk, hub, item,
                                                                        django_assert_max_num_queries):
    for _ in range(15):
        loan = lend(desk, item, make_person(hub))
        loan.returned_at = loan.lent_at
        loan.save()
        item.status = ItemStatus.AVAILABLE
        item.save()
    lend(desk, item, make_person(hub))
    client = client_for(desk)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("lending:item", args=[item.asset_tag]))
    assert response.status_code == 200 and "Take the item back" in response.content.decode()


def test_desk_page_has_a_bounded_number_of_queries(desk, hub, django_assert_max_num_queries):
    item_type = make_type()
    for n in range(20):
        loan = lend(desk, make_item(hub, item_type), make_person(hub))
        loan.due_on = today() + days(n - 10)
        loan.save()
    client = client_for(desk)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("lending:desk")).status_code == 200


def test_label_page_has_an_svg_qr_code_of_the_tag(desk, item):
    page = client_for(desk).get(reverse("lending:label", args=[item.asset_tag])).content.decode()
    assert "<svg" in page and item.asset_tag in page
    svg = client_for(desk).get(reverse("lending:label-svg", args=[item.asset_tag]))
    assert svg["Content-Type"] == "image/svg+xml"


def test_holds_page_shows_positions_and_reorders_with_a_reason(desk, hub, item):
    from carehub.permissions import access_for
    from lending import services

    lend(desk, item, make_person(hub))
    holds = [services.place_hold(access=access_for(desk), hub=hub, item_type=item.item_type,
                                 person_id=make_person(hub).pk) for _ in range(2)]
    client = client_for(desk)
    assert client.get(reverse("lending:holds")).status_code == 200
    client.post(reverse("lending:hold-action", args=[holds[1].pk, "reorder"]), {"to_position": 1, "reason": "Urgent"})
    assert selectors.waiting_queue(hub.pk, item.item_type_id).first().pk == holds[1].pk


def test_person_page_shows_loans_to_the_desk(desk, hub, item):
    person = make_person(hub)
    lend(desk, item, person)
    page = client_for(desk).get(reverse("person-detail", args=[person.pk])).content.decode()
    assert item.asset_tag in page


def test_account_page_shows_own_loans_and_holds_only(desk, hub, item, carer):
    from carehub.permissions import access_for
    from lending import services

    user, person = carer
    lend(desk, item, person)
    other = make_item(hub, make_type(name="Shower chair"))
    lend(desk, other, make_person(hub))
    hold = services.place_hold(access=access_for(user), hub=hub, item_type=other.item_type, person_id=person.pk)
    assert hold.status == HoldStatus.WAITING
    page = client_for(user).get(reverse("account")).content.decode()
    assert item.asset_tag in page and other.asset_tag not in page and "place 1 in the queue" in page
    client_for(user).post(reverse("lending:leave-hold", args=[hold.pk]))
    hold.refresh_from_db()
    assert hold.status == HoldStatus.CANCELLED


def test_pages_work_for_every_state_of_an_item(coordinator, hub):
    from lending.models import Item

    client = client_for(coordinator)
    item_type = make_type(safety_check_every_days=90)
    for status in ItemStatus.values:
        if status in (ItemStatus.ON_LOAN, ItemStatus.RESERVED):
            continue
        item = make_item(hub, item_type, status=status)
        assert client.get(reverse("lending:item", args=[item.asset_tag])).status_code == 200
    for name in ["desk", "stock", "holds", "hold-new", "transfers", "take-in", "items", "loans"]:
        assert client.get(reverse(f"lending:{name}")).status_code == 200, name
    assert Item.objects.count() >= 5


def test_other_hubs_desk_gets_404_for_the_loan_page_and_cannot_return(other_desk, desk, hub, item):
    loan = lend(desk, item, make_person(hub))
    client = client_for(other_desk)
    assert client.get(reverse("lending:loan", args=[loan.pk])).status_code == 404
    client.post(reverse("lending:loan-action", args=[loan.pk, "return"]), {"return-condition": "good"})
    loan.refresh_from_db()
    assert loan.is_active


def test_caregiver_and_planner_cannot_open_desk_pages(carer, planner, desk, hub, item):
    loan = lend(desk, item, carer[1])
    for user in (carer[0], planner):
        client = client_for(user)
        assert client.get(reverse("lending:desk")).status_code == 403
        assert client.get(reverse("lending:loan", args=[loan.pk])).status_code == 403
        assert client.get(reverse("lending:item", args=[item.asset_tag])).status_code == 403


def test_reserved_item_page_offers_lending_to_that_person_only(desk, hub, item):
    from carehub.permissions import access_for
    from lending import services

    waiting = make_person(hub, first_name="Waitingperson")
    services.place_hold(access=access_for(desk), hub=hub, item_type=item.item_type, person_id=waiting.pk)
    client = client_for(desk)
    page = client.get(reverse("lending:item", args=[item.asset_tag])).content.decode()
    assert "Waitingperson" in page and f"?person={waiting.pk}" in page
    other = make_person(hub)
    response = client.post(reverse("lending:lend", args=[item.asset_tag]), {
        "person": other.pk, "due_on": (today() + days(10)).isoformat(), "need_category": "mobility"})
    assert "reserved for someone else" in response.content.decode()
    assert not Loan.objects.exists()


def test_cleaning_and_renewal_from_the_pages(desk, hub, item):
    loan = lend(desk, item, make_person(hub))
    client = client_for(desk)
    client.post(reverse("lending:loan-action", args=[loan.pk, "renew"]))
    loan.refresh_from_db()
    assert loan.renewals == 1
    client.post(reverse("lending:loan-action", args=[loan.pk, "return"]), {"return-condition": "needs_cleaning"})
    page = client.get(reverse("lending:item", args=[item.asset_tag])).content.decode()
    assert item.item_type.protocol in page
    client.post(reverse("lending:item-action", args=[item.asset_tag, "clean"]), {"clean-notes": "done"})
    item.refresh_from_db()
    assert item.status == ItemStatus.AVAILABLE


def test_donation_taken_in_from_the_page(desk, hub, item_type):
    client = client_for(desk)
    response = client.post(reverse("lending:take-in"), {
        "asset_tag": "don-7", "item_type": item_type.pk, "hub": hub.pk, "condition": "good", "donated": "on",
        "intake_notes": "Complete"})
    assert response.status_code == 302
    missing = client.post(reverse("lending:take-in"), {
        "asset_tag": "don-8", "item_type": item_type.pk, "hub": hub.pk, "condition": "good", "donated": "on"})
    assert "Describe the condition check" in missing.content.decode()


def test_transfer_sent_from_one_desk_and_received_by_the_other(desk, other_desk, other_hub, item):
    client_for(desk).post(reverse("lending:transfers"), {"tag": item.asset_tag, "to_hub": other_hub.slug})
    item.refresh_from_db()
    assert item.status == ItemStatus.IN_TRANSIT
    other = client_for(other_desk)
    page = other.get(reverse("lending:transfers")).content.decode()
    assert item.asset_tag in page
    from lending.models import Transfer

    other.post(reverse("lending:transfer-action", args=[Transfer.objects.get().pk, "receive"]))
    item.refresh_from_db()
    assert item.hub == other_hub and item.status == ItemStatus.AVAILABLE


@pytest.mark.parametrize("name", ["stock", "holds", "transfers"])
def test_stock_holds_and_transfer_pages_have_a_bounded_number_of_queries(desk, hub, name,
                                                                         django_assert_max_num_queries):
    from carehub.permissions import access_for
    from lending import services

    for n in range(4):
        item_type = make_type()
        lend(desk, make_item(hub, item_type), make_person(hub))
        for _ in range(3):
            services.place_hold(access=access_for(desk), hub=hub, item_type=item_type, person_id=make_person(hub).pk)
    client = client_for(desk)
    with django_assert_max_num_queries(12):
        assert client.get(reverse(f"lending:{name}")).status_code == 200


def test_caregiver_joins_a_waiting_list_at_their_hub_from_the_availability_page(desk, hub, item, carer):
    from lending.models import Hold

    user, person = carer
    lend(desk, item, make_person(hub))
    client = client_for(user)
    assert "Join the waiting list" in client.get(reverse("lending:availability")).content.decode()
    response = client.post(reverse("lending:join-waitlist"), {"item_type": item.item_type_id,
                                                              "need_category": "mobility"})
    assert response.status_code == 302
    hold = Hold.objects.get()
    assert (hold.person, hold.hub, hold.status) == (person, hub, HoldStatus.WAITING)
    again = client.post(reverse("lending:join-waitlist"), {"item_type": item.item_type_id,
                                                           "need_category": "mobility"}, follow=True)
    assert "already waiting" in again.content.decode() and Hold.objects.count() == 1


def test_anonymous_visitor_sees_no_waiting_list_form(client, item):
    page = client.get(reverse("lending:availability"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Join the waiting list" not in page
