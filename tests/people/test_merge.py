"""A coordinator merges two records of one person: everything moves, the duplicate becomes a tombstone, a
merge that would break a rule changes nothing and says why."""

from datetime import timedelta

import pytest
from django.utils import timezone

from activities.models import Booking, GroupMembership
from advice.models import Appointment
from carehub.models import Person
from carehub.notifications import notify
from lending.models import Hold, Loan
from tests.activities.helpers import make_session
from tests.advice.conftest import make_service
from tests.conftest import bearer, client_for, make_caregiver, make_person, make_user
from tests.lending.conftest import lend, make_item, make_type

pytestmark = pytest.mark.django_db


def merge(user, duplicate, kept):
    from django.test import Client

    return Client().post(f"/api/v1/people/{duplicate.pk}/merge", {"into": kept.pk},
                         content_type="application/json", **bearer(user))


def book(session, person, **fields):
    return Booking.objects.create(session=session, person=person, status=Booking.Status.CONFIRMED, **fields)


def appointment(hub, person, advisor, starts_at, minutes=30):
    service = make_service(hub)
    return Appointment.objects.create(service=service, advisor=advisor, hub=hub, person=person, starts_at=starts_at,
                                      ends_at=starts_at + timedelta(minutes=minutes),
                                      blocked_until=starts_at + timedelta(minutes=minutes))


@pytest.fixture
def twins(hub):
    kept = make_person(hub, first_name="Montserrat", last_name="Garcia Pujol", phone="612 345 678", email="",
                       birth_year=None)
    duplicate = make_person(hub, first_name="Montse", last_name="Garcia Pujol", phone="612 345 678",
                            email="montse@example.org", document_number="12345678Z", birth_year=1950)
    return duplicate, kept


def test_everything_moves_to_the_person_kept_and_the_history_says_who_merged(hub, coordinator, desk, advisor, twins):
    duplicate, kept = twins
    loan = lend(desk, make_item(hub), duplicate)
    hold = Hold.objects.create(person=duplicate, hub=hub, item_type=make_type(), status="waiting",
                               queued_at=timezone.now())
    booking = book(make_session(hub), duplicate)
    group = make_session(hub, kind="support_group").activity
    membership = GroupMembership.objects.create(activity=group, person=duplicate, status="member")
    meeting = appointment(hub, duplicate, advisor, timezone.now() + timedelta(days=2))
    message = notify(duplicate, kind="item_ready", context={"item_type": "Cadira de rodes"})

    response = merge(coordinator, duplicate, kept)

    assert response.status_code == 200, response.json()
    assert response.json()["id"] == kept.pk
    assert Loan.objects.get(pk=loan.pk).borrower_id == kept.pk
    assert Hold.objects.get(pk=hold.pk).person_id == kept.pk
    assert Booking.objects.get(pk=booking.pk).person_id == kept.pk
    assert GroupMembership.objects.get(pk=membership.pk).person_id == kept.pk
    assert Appointment.objects.get(pk=meeting.pk).person_id == kept.pk
    message.refresh_from_db()
    assert message.person_id == kept.pk
    duplicate.refresh_from_db()
    kept.refresh_from_db()
    assert duplicate.merged_into_id == kept.pk
    # What the kept record lacked comes from the duplicate; what it had stays.
    assert (kept.first_name, kept.email, kept.document_number, kept.birth_year) == (
        "Montserrat", "montse@example.org", "12345678Z", 1950)
    assert Loan.history.filter(id=loan.pk).first().history_user == coordinator
    assert "merged person #%d into #%d" % (duplicate.pk, kept.pk) in Loan.history.filter(id=loan.pk).first().history_change_reason
    assert duplicate.history.first().history_user == coordinator


def test_no_row_is_left_pointing_at_the_duplicate(hub, coordinator, desk, twins):
    """Whatever an app adds that names a person must move too: a new table without a merge hook fails here."""
    from carehub.models import PasswordReset

    duplicate, kept = twins
    lend(desk, make_item(hub), duplicate)
    book(make_session(hub), duplicate)
    PasswordReset.objects.create(kind=PasswordReset.Kind.DESK_CODE, user=desk, person=duplicate, secret_hash="-",
                                 password_fingerprint="-", expires_at=timezone.now())
    assert merge(coordinator, duplicate, kept).status_code == 200
    allowed = {"privacy_records", "merged_from"}
    for relation in Person._meta.related_objects:
        if relation.get_accessor_name() in allowed or relation.related_model.__name__.startswith("Historical"):
            continue
        left = relation.related_model._base_manager.filter(**{relation.field.name: duplicate})
        assert not left.exists(), f"{relation.related_model.__name__}.{relation.field.name} still names the duplicate"


def test_the_duplicate_disappears_from_search_and_its_old_link_leads_to_the_person_kept(hub, coordinator, desk, twins):
    duplicate, kept = twins
    assert merge(coordinator, duplicate, kept).status_code == 200
    found = client_for(desk).get("/api/v1/people", {"search": "garcia pujol"}, **bearer(desk)).json()["items"]
    assert [row["id"] for row in found] == [kept.pk]
    response = client_for(desk).get(f"/people/{duplicate.pk}/")
    assert response.status_code == 302 and response["Location"] == f"/people/{kept.pk}/"


def test_both_booked_on_one_session_is_refused_with_the_session_and_nothing_moves(hub, coordinator, desk, twins):
    duplicate, kept = twins
    session = make_session(hub, title="Taller de memòria")
    book(session, duplicate)
    book(session, kept)
    loan = lend(desk, make_item(hub), duplicate)
    response = merge(coordinator, duplicate, kept)
    assert response.status_code == 409
    assert response.json()["code"] == "merge_bookings_clash"
    assert "Taller de memòria" in response.json()["detail"]
    assert Loan.objects.get(pk=loan.pk).borrower_id == duplicate.pk
    duplicate.refresh_from_db()
    assert duplicate.merged_into_id is None


def test_overlapping_appointments_are_refused(hub, coordinator, advisor, twins):
    duplicate, kept = twins
    start = timezone.now() + timedelta(days=3)
    appointment(hub, duplicate, advisor, start)
    appointment(hub, kept, make_user(roles=[("advisor", hub)]), start + timedelta(minutes=15))
    response = merge(coordinator, duplicate, kept)
    assert response.status_code == 409
    assert response.json()["code"] == "merge_appointments_clash"
    assert Appointment.objects.filter(person=duplicate).count() == 1


def test_both_waiting_for_the_same_type_is_refused(hub, coordinator, twins):
    duplicate, kept = twins
    wheelchair = make_type(name="Cadira de rodes plegable")
    for person in (duplicate, kept):
        Hold.objects.create(person=person, hub=hub, item_type=wheelchair, status="waiting", queued_at=timezone.now())
    response = merge(coordinator, duplicate, kept)
    assert response.status_code == 409 and "Cadira de rodes plegable" in response.json()["detail"]


def test_an_online_account_moves_to_the_person_kept(hub, coordinator, twins):
    user, duplicate_with_account = make_caregiver(hub, "montse", first_name="Montse", last_name="Garcia Pujol")
    _duplicate, kept = twins
    assert merge(coordinator, duplicate_with_account, kept).status_code == 200
    kept.refresh_from_db()
    assert kept.user_id == user.pk
    assert client_for(user).get("/account/").status_code == 200


def test_two_online_accounts_are_not_merged(hub, coordinator):
    _u1, first = make_caregiver(hub, "first")
    _u2, second = make_caregiver(hub, "second")
    response = merge(coordinator, first, second)
    assert response.status_code == 409 and response.json()["code"] == "merge_two_accounts"


def test_the_desk_cannot_merge_and_another_hubs_coordinator_sees_nobody(hub, other_hub, desk, twins):
    duplicate, kept = twins
    assert merge(desk, duplicate, kept).status_code == 403
    elsewhere = make_user(roles=[("coordinator", other_hub)])
    assert merge(elsewhere, duplicate, kept).status_code == 404
    duplicate.refresh_from_db()
    assert duplicate.merged_into_id is None


def test_merging_a_person_into_themselves_is_refused(hub, coordinator, twins):
    duplicate, _kept = twins
    assert merge(coordinator, duplicate, duplicate).status_code == 422


def test_the_merge_page_offers_the_look_alike_and_merges_on_confirmation(hub, coordinator, desk, twins):
    duplicate, kept = twins
    loan = lend(desk, make_item(hub), duplicate)
    page = client_for(coordinator).get(f"/people/{kept.pk}/merge/").content.decode()
    assert f'href="?other={duplicate.pk}"' in page
    compare = client_for(coordinator).get(f"/people/{kept.pk}/merge/?other={duplicate.pk}")
    assert compare.status_code == 200 and "12345678Z" in compare.content.decode()
    unconfirmed = client_for(coordinator).post(f"/people/{kept.pk}/merge/", {"other": duplicate.pk, "kept": kept.pk})
    assert unconfirmed.status_code == 200 and 'id="id_confirm_error"' in unconfirmed.content.decode()
    done = client_for(coordinator).post(f"/people/{kept.pk}/merge/",
                                        {"other": duplicate.pk, "kept": kept.pk, "confirm": "on"})
    assert done.status_code == 302 and done["Location"] == f"/people/{kept.pk}/"
    assert Loan.objects.get(pk=loan.pk).borrower_id == kept.pk


def test_the_desk_gets_no_merge_page(hub, desk, twins):
    _duplicate, kept = twins
    assert client_for(desk).get(f"/people/{kept.pk}/merge/").status_code == 403


def test_the_card_of_a_merged_record_still_finds_the_person_kept(hub, coordinator, desk, twins):
    duplicate, kept = twins
    assert merge(coordinator, duplicate, kept).status_code == 200
    response = client_for(desk).get("/desk/", {"q": f"P{duplicate.pk:07d}"})
    assert response.status_code == 302 and response["Location"] == f"/desk/people/{kept.pk}/"


def test_the_desk_menu_and_the_person_page_lead_to_the_desk_screen_and_the_card(hub, desk, twins):
    _duplicate, kept = twins
    page = client_for(desk).get(f"/people/{kept.pk}/").content.decode()
    assert 'href="/desk/"' in page
    assert f'href="/desk/people/{kept.pk}/"' in page and f'href="/desk/people/{kept.pk}/card/"' in page
