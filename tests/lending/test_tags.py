"""Asset tags: validated and normalised wherever one is entered; a malformed one already stored never takes
a page down (it used to: `/lending/desk/` and `/lending/items/` answered 500 for the whole hub)."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from carehub import errors
from carehub.permissions import access_for
from lending import errors as lending_errors
from lending import services
from lending.models import Item, ItemStatus
from tests.conftest import bearer, make_person

from .conftest import lend, make_item, make_type
from .test_pages import client_for

pytestmark = pytest.mark.django_db

BAD_TAGS = ["A/B", "SA WC 1", "<b>X</b>", "WC-1?x=1", "-WC", "ÀB-1", "X" * 33]
STORED_BAD_TAG = "A/B <b>"


@pytest.mark.parametrize("tag", BAD_TAGS)
def test_intake_service_refuses_a_tag_that_is_not_letters_digits_and_hyphens(desk, hub, item_type, tag):
    with pytest.raises(lending_errors.InvalidAssetTag) as caught:
        services.take_in_item(access=access_for(desk), hub=hub, item_type=item_type, asset_tag=tag)
    assert caught.value.field == "asset_tag" and caught.value.code == "asset_tag_invalid"
    assert not Item.objects.exists()


@pytest.mark.parametrize("tag", BAD_TAGS)
def test_intake_page_shows_the_tag_error_next_to_the_field(desk, hub, item_type, tag):
    response = client_for(desk).post(reverse("lending:take-in"), {
        "asset_tag": tag, "item_type": item_type.pk, "hub": hub.pk, "condition": "good"})
    assert response.status_code == 200
    assert "only letters, digits and hyphens" in str(response.context["form"].errors["asset_tag"])
    assert not Item.objects.exists()


@pytest.mark.parametrize("tag", BAD_TAGS)
def test_intake_api_refuses_a_bad_tag_with_422(client, desk, hub, item_type, tag):
    response = client.post("/api/v1/lending/items", data=json.dumps(
        {"asset_tag": tag, "hub": hub.slug, "type": item_type.pk}), content_type="application/json", **bearer(desk))
    assert response.status_code == 422, response.content
    assert not Item.objects.exists()


def test_intake_stores_the_tag_upper_case_and_any_case_finds_it(client, desk, hub):
    item = services.take_in_item(access=access_for(desk), hub=hub, item_type=make_type(needs_cleaning=False),
                                 asset_tag="  sa-wc-7 ")
    assert item.asset_tag == "SA-WC-7"
    assert client.get("/api/v1/lending/items/sa-Wc-7", **bearer(desk)).json()["asset_tag"] == "SA-WC-7"
    loan = services.lend_item(access=access_for(desk), item_tag="Sa-Wc-7", borrower_id=make_person(hub).pk)
    assert loan.item == item


def test_the_same_tag_in_another_case_is_refused_as_taken(desk, hub, item_type):
    services.take_in_item(access=access_for(desk), hub=hub, item_type=item_type, asset_tag="SA-WC-8")
    with pytest.raises(errors.Conflict) as caught:
        services.take_in_item(access=access_for(desk), hub=hub, item_type=item_type, asset_tag="sa-wc-8")
    assert caught.value.code == "asset_tag_taken"


def test_the_model_field_refuses_a_malformed_tag_on_full_clean(hub, item_type):
    with pytest.raises(ValidationError) as caught:
        Item(asset_tag="A/B", item_type=item_type, hub=hub).full_clean()
    assert "asset_tag" in caught.value.message_dict


@pytest.fixture
def stored_bad_tag(hub, item_type, desk):
    """An item whose tag was written before the rule (or by hand): on loan, so every list shows it."""
    item = make_item(hub, item_type, asset_tag="GOOD-1")
    lend(desk, item, make_person(hub))
    Item.objects.filter(pk=item.pk).update(asset_tag=STORED_BAD_TAG)
    cleaning = make_item(hub, item_type, asset_tag="GOOD-2", status=ItemStatus.CLEANING)
    Item.objects.filter(pk=cleaning.pk).update(asset_tag="C/D")
    return Item.objects.get(pk=item.pk)


@pytest.mark.parametrize("name", ["desk", "items", "loans", "stock", "holds", "transfers"])
def test_a_malformed_stored_tag_does_not_take_a_list_or_the_desk_down(desk, stored_bad_tag, name):
    response = client_for(desk).get(reverse(f"lending:{name}"))
    assert response.status_code == 200
    assert "<b>" not in response.content.decode()  # the markup in the tag is shown as text, never rendered


def test_the_link_to_an_item_with_a_malformed_tag_opens_its_page(desk, stored_bad_tag):
    client = client_for(desk)
    url = stored_bad_tag.get_absolute_url()
    assert url in client.get(reverse("lending:items")).content.decode()
    page = client.get(url)
    assert page.status_code == 200 and page.context["item"].pk == stored_bad_tag.pk
    assert "A/B &lt;b&gt;" in page.content.decode()
    assert client.get(reverse("lending:label", args=[STORED_BAD_TAG])).status_code == 200


def test_an_item_with_a_malformed_tag_can_still_be_returned_and_cleaned(desk, stored_bad_tag):
    loan = stored_bad_tag.loans.get()
    services.return_loan(access=access_for(desk), loan_id=loan.pk, condition="good")
    services.mark_cleaned(access=access_for(desk), item_tag=STORED_BAD_TAG)
    assert Item.objects.get(pk=stored_bad_tag.pk).status == ItemStatus.AVAILABLE
