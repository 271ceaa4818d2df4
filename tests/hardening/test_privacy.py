"""Export and erasure of a person's data: what a coordinator gets, what goes, what stays, and who may."""

import json

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models
from django.utils import timezone

from activities.models import Booking, CalendarFeedToken, GroupMembership, Session
from advice.models import Appointment, CaseNote
from carehub.models import Person, PrivacyRecord
from lending.models import Hold, HoldReorder, Loan
from tests.conftest import bearer, client_for

from .conftest import make_item, make_loan

SECRETS = ("Montserrat", "Garcia Pujol", "Rosa", "Anna", "CAP Numància", "600111222", "Acomiadament",
           "Situació familiar")


def export(client, person, headers):
    return client.get(f"/api/v1/people/{person.pk}/export", **headers)


def erase(client, person, headers, reason="person_request", confirm=True):
    return client.post(f"/api/v1/people/{person.pk}/erase", {"reason": reason, "confirm": confirm},
                       content_type="application/json", **headers)


def texts_mentioning(needles) -> list[str]:
    """Every text value in every table (live and history) that still contains one of `needles`."""
    found = []
    for model in apps.get_models():
        fields = [f.name for f in model._meta.concrete_fields if isinstance(f, (models.CharField, models.TextField))]
        if not fields:
            continue
        for row in model.objects.values(*fields):
            for name, value in row.items():
                if value and any(needle.casefold() in str(value).casefold() for needle in needles):
                    found.append(f"{model._meta.label}.{name}={value!r}")
    return found


# --- export ---------------------------------------------------------------------------------------------
def test_coordinator_export_gathers_what_every_app_holds(client, coordinator, rich_person,
                                                         django_assert_max_num_queries):
    person = rich_person["person"]
    headers = bearer(coordinator)
    with django_assert_max_num_queries(40):
        response = export(client, person, headers)
    assert response.status_code == 200
    data = response.json()
    assert data["format"] == "carehub-person-export/1"
    assert data["person"]["first_name"] == "Montserrat"
    assert data["person"]["online_account"]["username"] == "carer"
    assert data["person"]["record_history"]
    assert data["lending"]["loans"][0]["for_name"] == "La meva mare, Rosa Pujol"
    assert data["lending"]["holds"][0]["queue_moves"][0]["reason"] == "Alta de la Rosa dimarts"
    assert {b["status"] for b in data["activities"]["bookings"]} == {"confirmed"}
    assert data["activities"]["support_groups"][0]["group"] == "Grup de suport"
    assert {a["reason"] for a in data["advice"]["appointments"]} >= {"Acomiadament de la feina de cuidadora"}


def test_export_leaves_out_the_advisors_case_notes(client, coordinator, rich_person):
    body = export(client, rich_person["person"], bearer(coordinator)).content.decode()
    assert "Situació familiar delicada" not in body


def test_each_export_is_recorded_with_who_when_and_why(client, coordinator, rich_person):
    export(client, rich_person["person"], bearer(coordinator))
    record = PrivacyRecord.objects.get()
    assert (record.kind, record.done_by, record.reason, record.person) == (
        "export", coordinator, "person_request", rich_person["person"])


def test_the_desk_may_not_export_or_erase(client, desk, rich_person):
    headers = bearer(desk)
    assert export(client, rich_person["person"], headers).json()["code"] == "export_forbidden"
    response = erase(client, rich_person["person"], headers)
    assert response.status_code == 403
    assert response.json()["code"] == "erase_forbidden"


def test_a_coordinator_of_another_hub_does_not_find_the_person(client, other_coordinator, rich_person):
    headers = bearer(other_coordinator)
    assert export(client, rich_person["person"], headers).status_code == 404
    assert erase(client, rich_person["person"], headers).status_code == 404


def test_a_caregiver_cannot_export_even_themselves_through_the_staff_endpoint(client, rich_person):
    # The coordinator hands the export over; a caregiver asks at the desk (docs/privacy.md).
    assert export(client, rich_person["person"], bearer(rich_person["user"])).status_code == 404


def test_anonymous_gets_401(client, rich_person):
    response = export(client, rich_person["person"], {})
    assert response.status_code == 401
    assert set(response.json()) >= {"detail", "code"}


# --- erasure --------------------------------------------------------------------------------------------
def test_erasure_wipes_personal_fields_and_keeps_hub_registration_and_record_key(client, coordinator,
                                                                                 rich_person, hub):
    person = rich_person["person"]
    Person.objects.filter(pk=person.pk).update(birth_year=1958)
    registered, record_key = person.created_at, person.record_key
    response = erase(client, person, bearer(coordinator))
    assert response.status_code == 200, response.content
    person.refresh_from_db()
    assert (person.first_name, person.last_name, person.phone, person.email, person.document_number) == (
        "[erased]", "", "", "", "")
    assert person.consent_given_at is None and person.user_id is None and person.birth_year is None
    assert person.email_verified_at is None
    assert person.home_hub == hub
    # The figures read these: the registration time to the microsecond (new people per day), the record key
    # (disclosure control).
    assert (person.created_at, person.record_key) == (registered, record_key)
    assert person.erased_at is not None
    assert not Person.history.filter(id=person.pk).exclude(birth_year=None).exists()


def test_erasure_also_wipes_the_duplicates_merged_into_the_person(client, coordinator, rich_person, hub):
    person = rich_person["person"]
    duplicate = Person.objects.create(home_hub=hub, first_name="Montse", last_name="Garcia Pujol",
                                      phone="600 111 222", birth_year=1958)
    older = Person.objects.create(home_hub=hub, first_name="M.", last_name="Garcia Pujol")
    Person.objects.filter(pk=duplicate.pk).update(merged_into=person)
    Person.objects.filter(pk=older.pk).update(merged_into=duplicate)  # merged before, into the duplicate
    assert erase(client, person, bearer(coordinator)).status_code == 200
    for tombstone in (duplicate, older):
        tombstone.refresh_from_db()
        assert (tombstone.first_name, tombstone.last_name, tombstone.phone, tombstone.birth_year) == (
            "[erased]", "", "", None)
        assert tombstone.erased_at is not None
    assert texts_mentioning(["Montse", "Garcia Pujol"]) == []


def test_erasure_leaves_no_personal_value_in_any_table_or_history(client, coordinator, rich_person):
    assert texts_mentioning(SECRETS), "the fixture should hold the values first"
    erase(client, rich_person["person"], bearer(coordinator))
    assert texts_mentioning(SECRETS) == []


def test_erasure_keeps_dates_statuses_and_hubs_for_the_aggregates(client, coordinator, rich_person):
    loan, past = rich_person["loan"], rich_person["past"]
    erase(client, rich_person["person"], bearer(coordinator))
    loan.refresh_from_db()
    past.refresh_from_db()
    assert loan.returned_at is not None and loan.deposit_waived and loan.deposit_eur == 20
    assert loan.borrower_id == rich_person["person"].pk
    assert (past.status, past.hub_id) == ("attended", rich_person["person"].home_hub_id)
    assert past.reason == ""
    assert CaseNote.objects.get(appointment=past).text == ""
    assert Loan.history.filter(id=loan.pk).exists()


def test_erasure_cancels_what_is_upcoming_and_ends_group_membership(client, coordinator, rich_person):
    erase(client, rich_person["person"], bearer(coordinator))
    assert Booking.objects.get(pk=rich_person["booking"].pk).status == "cancelled"
    assert Session.objects.get(pk=rich_person["session"].pk).confirmed_count == 0
    assert Appointment.objects.get(pk=rich_person["future"].pk).status == "cancelled"
    assert Hold.objects.get(pk=rich_person["hold"].pk).status == "cancelled"
    assert GroupMembership.objects.get(person=rich_person["person"]).status == "left"
    assert not CalendarFeedToken.objects.filter(person=rich_person["person"]).exists()


def test_erasure_closes_the_online_account_and_its_tokens(client, coordinator, rich_person):
    caregiver_headers = bearer(rich_person["user"])
    assert client.get("/api/v1/me", **caregiver_headers).status_code == 200
    caregiver_page = client_for(rich_person["user"])
    erase(client, rich_person["person"], bearer(coordinator))
    assert client.get("/api/v1/me", **caregiver_headers).status_code == 401
    user = get_user_model().objects.get(pk=rich_person["user"].pk)
    assert not user.is_active and not user.has_usable_password()
    assert user.username != "carer" and user.email == ""
    assert caregiver_page.get("/account/").status_code == 302  # the open session is over too


def test_messages_to_the_person_are_exported_and_go_with_the_erasure(client, coordinator, rich_person, hub):
    from carehub.models import Message
    from carehub.notifications import notify

    person = rich_person["person"]
    notify(person, kind="item_ready", context={"item_type": "Cadira de rodes"}, hub=hub, occasion="privacy-test")
    exported = export(client, person, bearer(coordinator)).json()["person"]["messages"]
    assert [m["kind"] for m in exported if m["kind"] == "item_ready"] == ["item_ready"]
    assert any("Montserrat" in m["text"] for m in exported)
    erase(client, person, bearer(coordinator))
    assert not Message.objects.filter(person=person).exists()


def test_erasing_a_person_whose_account_is_a_staff_account_is_refused(client, coordinator, rich_person, hub):
    from carehub.models import Role, StaffRole

    StaffRole.objects.create(user=rich_person["user"], role=Role.FACILITATOR, hub=hub)
    response = erase(client, rich_person["person"], bearer(coordinator))
    assert response.status_code == 409
    assert response.json()["code"] == "person_is_staff"
    user = get_user_model().objects.get(pk=rich_person["user"].pk)
    assert user.is_active and user.has_usable_password()
    assert Person.objects.get(pk=rich_person["person"].pk).erased_at is None
    assert not PrivacyRecord.objects.exists()


def test_the_erasure_is_recorded_who_and_when_not_what(client, coordinator, rich_person):
    erase(client, rich_person["person"], bearer(coordinator), reason="consent_withdrawn")
    record = PrivacyRecord.objects.get(kind="erasure")
    assert (record.done_by, record.reason, record.hub) == (coordinator, "consent_withdrawn",
                                                           rich_person["person"].home_hub)
    assert record.done_at <= timezone.now()


def test_an_erasure_needs_an_explicit_confirmation(client, coordinator, rich_person):
    response = erase(client, rich_person["person"], bearer(coordinator), confirm=False)
    assert response.status_code == 422
    assert response.json()["code"] == "confirmation_required"
    assert Person.objects.get(pk=rich_person["person"].pk).erased_at is None


def test_an_unknown_ground_is_refused(client, coordinator, rich_person):
    response = erase(client, rich_person["person"], bearer(coordinator), reason="because")
    assert response.status_code == 422
    assert set(response.json()) >= {"detail", "code"}


def test_erasure_is_refused_while_an_item_is_on_loan_and_nothing_changes(client, coordinator, rich_person, hub):
    person = rich_person["person"]
    make_loan(make_item(hub, "CR-9", "Crutches"), person, returned=False)
    response = erase(client, person, bearer(coordinator))
    assert response.status_code == 409
    assert response.json()["code"] == "person_has_active_loans"
    person.refresh_from_db()
    assert person.first_name == "Montserrat" and person.erased_at is None
    assert Hold.objects.get(pk=rich_person["hold"].pk).status == "waiting"
    assert not PrivacyRecord.objects.exists()


def test_a_failure_half_way_rolls_the_whole_erasure_back(client, coordinator, rich_person, replace_hook):
    def broken(person, *, by):
        raise RuntimeError("disk full")

    replace_hook("advice.privacy.erase_person", broken)
    from carehub import privacy
    from carehub.permissions import access_for

    with pytest.raises(RuntimeError):
        privacy.erase_person(access=access_for(coordinator), person_id=rich_person["person"].pk,
                             reason="person_request")
    assert Hold.objects.get(pk=rich_person["hold"].pk).status == "waiting"  # lending's part undone
    assert Booking.objects.get(pk=rich_person["booking"].pk).status == "confirmed"
    assert Loan.objects.get(pk=rich_person["loan"].pk).for_name.startswith("La meva mare")
    assert HoldReorder.objects.get().reason == "Alta de la Rosa dimarts"
    assert get_user_model().objects.get(pk=rich_person["user"].pk).is_active


def test_a_person_is_erased_only_once(client, coordinator, rich_person):
    headers = bearer(coordinator)
    erase(client, rich_person["person"], headers)
    second = erase(client, rich_person["person"], headers)
    assert second.status_code == 409
    assert second.json()["code"] == "already_erased"


def test_an_erased_person_no_longer_appears_at_the_desk(client, coordinator, rich_person):
    headers = bearer(coordinator)
    erase(client, rich_person["person"], headers)
    assert client.get(f"/api/v1/people/{rich_person['person'].pk}", **headers).status_code == 404


# --- the desk-facing page -------------------------------------------------------------------------------
def test_the_person_page_links_to_privacy_for_coordinators_only(coordinator, desk, rich_person):
    url = rich_person["person"].get_absolute_url()
    privacy_url = f"/people/{rich_person['person'].pk}/privacy/"
    assert privacy_url in client_for(coordinator).get(url).content.decode()
    assert privacy_url not in client_for(desk).get(url).content.decode()
    assert client_for(desk).get(privacy_url).status_code == 403


def test_the_page_downloads_the_export(coordinator, rich_person):
    response = client_for(coordinator).post(f"/people/{rich_person['person'].pk}/privacy/",
                                            {"action": "export", "export-reason": "person_request"})
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert json.loads(response.content)["person"]["first_name"] == "Montserrat"


def test_the_page_erases_only_after_the_confirmation_step(coordinator, rich_person):
    page = client_for(coordinator)
    url = f"/people/{rich_person['person'].pk}/privacy/"
    review = page.post(url, {"action": "review", "erase-reason": "person_request"})
    assert review.status_code == 200
    body = review.content.decode()
    assert 'name="action" value="erase"' in body and 'name="confirm-confirm"' in body
    assert Person.objects.get(pk=rich_person["person"].pk).erased_at is None
    unconfirmed = page.post(url, {"action": "erase", "confirm-reason": "person_request"})
    assert unconfirmed.status_code == 200
    assert Person.objects.get(pk=rich_person["person"].pk).erased_at is None
    done = page.post(url, {"action": "erase", "confirm-reason": "person_request", "confirm-confirm": "on"})
    assert done.status_code == 302
    assert Person.objects.get(pk=rich_person["person"].pk).erased_at is not None


def test_the_page_shows_a_refusal_next_to_the_form(coordinator, rich_person, hub):
    make_loan(make_item(hub, "CR-9", "Crutches"), rich_person["person"], returned=False)
    response = client_for(coordinator).post(
        f"/people/{rich_person['person'].pk}/privacy/",
        {"action": "erase", "confirm-reason": "person_request", "confirm-confirm": "on"})
    assert response.status_code == 200
    assert 'class="form-errors"' in response.content.decode()


# --- management commands --------------------------------------------------------------------------------
def test_export_and_erase_commands_do_what_the_page_does(coordinator, rich_person, tmp_path):
    from django.core.management import call_command

    target = tmp_path / "export.json"
    call_command("export_person", rich_person["person"].pk, "--by", "coordinator", "-o", str(target))
    assert json.loads(target.read_text())["person"]["first_name"] == "Montserrat"
    call_command("erase_person", rich_person["person"].pk, "--by", "coordinator", "--reason", "person_request",
                 "--yes")
    assert Person.objects.get(pk=rich_person["person"].pk).erased_at is not None
    assert list(PrivacyRecord.objects.values_list("kind", flat=True).order_by("kind")) == ["erasure", "export"]


def test_the_erase_command_refuses_a_user_without_the_right(desk, rich_person):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError):
        call_command("erase_person", rich_person["person"].pk, "--by", "desk", "--reason", "person_request",
                     "--yes")
    assert Person.objects.get(pk=rich_person["person"].pk).erased_at is None


@pytest.mark.postgres
def test_the_erasure_locks_the_person_row_first(coordinator, rich_person):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from carehub import privacy
    from carehub.permissions import access_for

    with CaptureQueriesContext(connection) as queries:
        privacy.erase_person(access=access_for(coordinator), person_id=rich_person["person"].pk,
                             reason="person_request")
    locks = [q["sql"] for q in queries.captured_queries if "FOR UPDATE" in q["sql"]]
    assert locks and 'FROM "carehub_person"' in locks[0]


def test_password_resets_are_in_the_export_and_go_with_the_erasure(client, coordinator, desk, rich_person):
    from carehub.models import PasswordReset

    person = rich_person["person"]
    PasswordReset.objects.create(kind=PasswordReset.Kind.DESK_CODE, user=person.user, person=person, issued_by=desk,
                                 secret_hash="-", password_fingerprint="-", expires_at=timezone.now())
    resets = export(client, person, bearer(coordinator)).json()["person"]["password_resets"]
    assert [(r["kind"], r["issued_by_the_desk"]) for r in resets] == [("desk_code", True)]
    assert erase(client, person, bearer(coordinator)).status_code == 200
    assert not PasswordReset.objects.filter(person=person).exists()
