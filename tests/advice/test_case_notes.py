"""Case notes are health and legal data: only the appointment's advisor ever reads them."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from advice import errors, selectors, services
from advice.models import Appointment, CaseNote
from carehub.admin import site as served_admin
from carehub.models import Role
from carehub.permissions import access_for
from tests.conftest import bearer, client_for, make_user

pytestmark = pytest.mark.django_db
SECRET = "Violència masclista; no trucar al domicili"


@pytest.fixture
def appointment(carer, service, advisor):
    _, person = carer
    now = timezone.now()
    appointment = Appointment.objects.create(
        service=service, advisor=advisor, hub=service.hub, person=person, reason="Separació",
        starts_at=now + timedelta(days=2), ends_at=now + timedelta(days=2, minutes=30),
        blocked_until=now + timedelta(days=2, minutes=30))
    services.save_case_note(access=access_for(advisor), appointment_id=appointment.pk, text=SECRET)
    return appointment


@pytest.fixture
def everyone_else(carer, desk, coordinator, planner, admin_user, facilitator, hub):
    """Every role that must not read the notes, by name."""
    return {
        "person": carer[0], "desk": desk, "coordinator": coordinator, "planner": planner, "admin": admin_user,
        "facilitator": facilitator, "another advisor at the hub": make_user(roles=[(Role.ADVISOR, hub)]),
    }


def test_the_advisor_reads_and_writes_the_notes_through_the_api(appointment, advisor):
    response = Client().get(f"/api/v1/advice/appointments/{appointment.pk}", **bearer(advisor))
    assert response.status_code == 200 and response.json()["notes"] == SECRET
    response = Client().patch(f"/api/v1/advice/appointments/{appointment.pk}", data=json.dumps({"notes": "nou"}),
                              content_type="application/json", **bearer(advisor))
    assert response.status_code == 200 and response.json()["notes"] == "nou"
    assert CaseNote.objects.get(appointment=appointment).text == "nou"


def test_an_advisor_whose_role_was_removed_sees_neither_the_appointment_nor_its_notes(appointment, advisor):
    from carehub.models import StaffRole

    StaffRole.objects.filter(user=advisor, role=Role.ADVISOR, hub_id=appointment.hub_id).delete()
    # A browser session (a token would have been revoked with the last role).
    response = client_for(advisor).get(f"/api/v1/advice/appointments/{appointment.pk}")
    assert response.status_code == 404
    fresh = type(advisor).objects.get(pk=advisor.pk)  # access is read once per request, as a new request would
    assert selectors.case_note_for(access_for(fresh), appointment) is None
    page = client_for(advisor).get(reverse("advice:appointment", args=[appointment.pk]))
    assert page.status_code == 404
    assert SECRET not in page.content.decode()


# Who sees the appointment itself (200 without notes, or 403 when writing them) and who does not even know it
# exists (404): the person, the hub's desk and coordinator, and administrators see it; the rest do not.
SEES_THE_APPOINTMENT = {"person": True, "desk": True, "coordinator": True, "admin": True, "planner": False,
                        "facilitator": False, "another advisor at the hub": False}


@pytest.mark.parametrize("role", SEES_THE_APPOINTMENT)
def test_no_other_role_gets_the_notes_from_the_api(appointment, everyone_else, role):
    user = everyone_else[role]
    response = Client().get(f"/api/v1/advice/appointments/{appointment.pk}", **bearer(user))
    assert SECRET not in response.content.decode()
    if SEES_THE_APPOINTMENT[role]:
        assert response.status_code == 200 and response.json()["notes"] is None
    else:
        assert response.status_code == 404
    mine = Client().get("/api/v1/advice/appointments/mine", **bearer(user))
    assert SECRET not in mine.content.decode()


@pytest.mark.parametrize("role", SEES_THE_APPOINTMENT)
def test_no_other_role_can_write_the_notes(appointment, everyone_else, role):
    user = everyone_else[role]
    response = Client().patch(f"/api/v1/advice/appointments/{appointment.pk}",
                              data=json.dumps({"notes": "overwritten"}), content_type="application/json",
                              **bearer(user))
    assert response.status_code == (403 if SEES_THE_APPOINTMENT[role] else 404)
    assert CaseNote.objects.get(appointment=appointment).text == SECRET


@pytest.mark.parametrize("role", ["person", "desk", "coordinator", "planner", "admin", "facilitator",
                                  "another advisor at the hub"])
def test_no_other_role_sees_the_notes_on_any_page(appointment, everyone_else, role, carer):
    client = client_for(everyone_else[role])
    today = timezone.localdate()
    pages = [
        reverse("advice:appointment", args=[appointment.pk]),
        reverse("advice:mine"),
        reverse("advice:agenda") + f"?from={today:%Y-%m-%d}",
        reverse("person-detail", args=[carer[1].pk]),
        reverse("account"),
    ]
    for url in pages:
        response = client.get(url)
        assert SECRET not in response.content.decode(), url


def test_the_advisor_sees_the_notes_on_the_appointment_page(appointment, advisor):
    response = client_for(advisor).get(reverse("advice:appointment", args=[appointment.pk]))
    assert response.status_code == 200 and SECRET in response.content.decode()


def test_selectors_give_notes_only_to_the_advisor(appointment, advisor, everyone_else):
    assert selectors.case_note_for(access_for(advisor), appointment).text == SECRET
    for user in everyone_else.values():
        assert selectors.case_note_for(access_for(user), appointment) is None


def test_the_service_refuses_notes_from_anyone_else(appointment, desk):
    with pytest.raises(errors.DomainError):
        services.save_case_note(access=access_for(desk), appointment_id=appointment.pk, text="x")


def test_notes_are_kept_out_of_history_and_the_admin(appointment):
    assert not hasattr(CaseNote, "history")
    history_fields = {f.name for f in Appointment.history.model._meta.get_fields()}
    assert not {"notes", "text", "case_note"} & history_fields
    served_admin.adopt_default_site()  # as when its URLs are built: what other packages registered is in too
    assert not served_admin.is_registered(CaseNote)
    assert SECRET not in json.dumps(list(Appointment.history.values()), default=str)


def test_the_admin_appointment_page_does_not_show_notes(appointment, admin_user):
    client = client_for(admin_user)
    response = client.get(reverse("admin:advice_appointment_change", args=[appointment.pk]))
    assert response.status_code == 200
    assert SECRET not in response.content.decode()
