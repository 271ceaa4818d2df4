"""News's part of a person's data rights and of merging two records: an erasure ends the subscription, the
export lists it, a merge moves it to the person kept."""

import pytest
from django.test import Client

from carehub import privacy
from carehub.permissions import access_for
from news.models import DigestSubscription
from tests.conftest import bearer, make_person

from .conftest import subscribe

pytestmark = pytest.mark.django_db


def merge(user, duplicate, kept):
    return Client().post(f"/api/v1/people/{duplicate.pk}/merge", {"into": kept.pk},
                         content_type="application/json", **bearer(user))


def test_the_export_lists_the_persons_subscriptions(hub, other_hub, coordinator):
    person = make_person(hub)
    subscribe(person)
    ended = subscribe(person, other_hub)
    ended.ended_at = ended.subscribed_at
    ended.save()
    data = privacy.export_person(access=access_for(coordinator), person_id=person.pk)
    rows = data["news"]["digest_subscriptions"]
    assert [(row["hub"], row["active"]) for row in rows] == [(hub.slug, True), (other_hub.slug, False)]
    assert rows[0]["subscribed_at"] and rows[1]["ended_at"]


def test_an_erasure_ends_every_subscription_and_says_so_in_the_history(hub, coordinator):
    person = make_person(hub)
    subscription = subscribe(person)
    assert privacy.erasure_preview(person)["news"] == {"digest_subscriptions": 1}
    privacy.erase_person(access=access_for(coordinator), person_id=person.pk, reason="person_request")
    subscription.refresh_from_db()
    assert not subscription.is_active
    last = subscription.history.order_by("-history_id").first()
    assert last.history_user == coordinator and last.history_change_reason == "ended by the erasure of the person's data"


def test_a_merge_moves_the_duplicates_subscription_to_the_person_kept(hub, coordinator):
    kept, duplicate = make_person(hub), make_person(hub)
    moved = subscribe(duplicate)
    assert merge(coordinator, duplicate, kept).status_code == 200
    moved.refresh_from_db()
    assert moved.person == kept and moved.is_active
    assert moved.history.order_by("-history_id").first().history_user == coordinator


def test_when_both_were_subscribed_to_one_hub_one_active_subscription_stays(hub, other_hub, coordinator):
    kept, duplicate = make_person(hub), make_person(hub)
    theirs = subscribe(kept)
    theirs.ended_at = theirs.subscribed_at
    theirs.save()
    subscribe(duplicate)
    subscribe(duplicate, other_hub)
    assert merge(coordinator, duplicate, kept).status_code == 200
    rows = DigestSubscription.objects.filter(person__in=[kept, duplicate]).order_by("hub__slug")
    assert [(row.person_id, row.hub_id, row.is_active) for row in rows] == [
        (kept.pk, other_hub.pk, True), (kept.pk, hub.pk, True)]
    assert not DigestSubscription.objects.filter(person=duplicate).exists()
