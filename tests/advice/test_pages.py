"""The pages: a caregiver books and cancels without JavaScript; the desk books for someone; the advisor works
the agenda and publishes hours; the coordinator manages services. Bounded queries on the busy pages."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from advice import errors
from advice.models import AdviceService, Appointment, Availability, AvailabilityException
from carehub.models import Role
from tests.conftest import client_for, make_caregiver, make_person, make_user

from .conftest import at

pytestmark = pytest.mark.django_db


def test_the_placeholder_name_still_resolves_and_lists_a_hubs_services(hub, service):
    url = reverse("advice:services")
    assert url == "/advice/"
    response = Client().get(url, {"hub": hub.slug})
    assert response.status_code == 200
    assert service.name in response.content.decode()


def test_slots_page_groups_free_times_by_day(hub, service, advisor, window, tuesday,
                                             django_assert_max_num_queries):
    client = Client()
    with django_assert_max_num_queries(12):
        response = client.get(reverse("advice:slots", args=[service.pk]), {"from": tuesday.isoformat()})
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="advice-day"') == 2  # this Tuesday and the next, in two weeks
    assert "10:00" in html and "12:30" in html
    assert client.get(reverse("advice:slots", args=[service.pk]), {"from": "nonsense"}).status_code == 200
    assert client.get(reverse("advice:slots", args=[999999])).status_code == 404


def test_a_caregiver_books_from_the_phone_flow(carer, service, advisor, window, tuesday):
    user, person = carer
    client = client_for(user)
    query = {"advisor": advisor.pk, "starts": at(tuesday, "11:00").isoformat()}
    page = client.get(reverse("advice:book", args=[service.pk]), query)
    assert page.status_code == 200 and "11:00" in page.content.decode()
    response = client.post(reverse("advice:book", args=[service.pk]), {**query, "reason": "Herència",
                                                                       "mode": "in_person"})
    appointment = Appointment.objects.get(person=person)
    assert response.status_code == 302 and response.url == reverse("advice:appointment", args=[appointment.pk])
    assert appointment.reason == "Herència"


def test_the_booking_page_names_only_an_advisor_of_the_services_hub(carer, hub, other_hub, service, advisor,
                                                                    window, tuesday):
    """Issue 13: `?advisor=<any user id>` showed the full name of any account to anyone logged in."""
    private = make_caregiver(hub, first_name="Remei", last_name="Vidal Soler")[0]
    private.first_name, private.last_name = "Remei", "Vidal Soler"
    private.save()
    elsewhere = make_user(roles=[(Role.ADVISOR, other_hub)], first_name="Pau", last_name="Roig Casals")
    client = client_for(carer[0])
    url = reverse("advice:book", args=[service.pk])
    for user in (private, elsewhere):
        response = client.get(url, {"advisor": user.pk, "starts": at(tuesday, "11:00").isoformat()})
        assert response.status_code == 302 and response.url == reverse("advice:slots", args=[service.pk])
        assert user.last_name not in client.get(response.url).content.decode()
    advisor.first_name, advisor.last_name = "Núria", "Puig Ferrer"
    advisor.save()
    page = client.get(url, {"advisor": advisor.pk, "starts": at(tuesday, "11:00").isoformat()})
    assert page.status_code == 200 and "Núria Puig Ferrer" in page.content.decode()


def test_booking_a_taken_slot_on_the_page_shows_the_message_and_writes_nothing(carer, hub, service, advisor,
                                                                                window, tuesday):
    other, _ = make_caregiver(hub)
    query = {"advisor": advisor.pk, "starts": at(tuesday, "11:00").isoformat(), "mode": "in_person"}
    client_for(other).post(reverse("advice:book", args=[service.pk]), query)
    response = client_for(carer[0]).post(reverse("advice:book", args=[service.pk]), query)
    assert response.status_code == 422
    html = response.content.decode()
    assert 'class="form-errors"' in html and str(errors.SlotTaken.default_message) in html
    assert Appointment.objects.count() == 1


def test_anonymous_visitors_are_sent_to_log_in_before_booking(service, advisor, window, tuesday):
    response = Client().get(reverse("advice:book", args=[service.pk]),
                            {"advisor": advisor.pk, "starts": at(tuesday, "11:00").isoformat()})
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_the_desk_searches_the_person_and_books_for_them(desk, hub, service, advisor, window, tuesday):
    person = make_person(hub, first_name="Remei", last_name="Casals")
    client = client_for(desk)
    query = {"advisor": advisor.pk, "starts": at(tuesday, "10:30").isoformat()}
    found = client.get(reverse("advice:book", args=[service.pk]), {**query, "q": "Remei"})
    assert "Remei Casals" in found.content.decode()
    response = client.post(reverse("advice:book", args=[service.pk]), {**query, "person": person.pk,
                                                                       "mode": "in_person"})
    assert response.status_code == 302
    assert Appointment.objects.get().person == person


def test_my_appointments_lists_and_cancels(carer, service, advisor, window, tuesday, django_assert_max_num_queries):
    user, person = carer
    client = client_for(user)
    client.post(reverse("advice:book", args=[service.pk]),
                {"advisor": advisor.pk, "starts": at(tuesday, "10:00").isoformat(), "mode": "in_person"})
    appointment = Appointment.objects.get()
    with django_assert_max_num_queries(12):
        page = client.get(reverse("advice:mine"))
    assert reverse("advice:cancel", args=[appointment.pk]) in page.content.decode()
    response = client.post(reverse("advice:cancel", args=[appointment.pk]), {"next": reverse("advice:mine")})
    assert response.status_code == 302 and response.url == reverse("advice:mine")
    appointment.refresh_from_db()
    assert appointment.status == "cancelled"


def test_the_account_page_shows_my_appointments_with_cancel(carer, service, advisor, window, tuesday):
    user, _ = carer
    client = client_for(user)
    client.post(reverse("advice:book", args=[service.pk]),
                {"advisor": advisor.pk, "starts": at(tuesday, "10:00").isoformat(), "mode": "in_person"})
    appointment = Appointment.objects.get()
    html = client.get(reverse("account")).content.decode()
    assert service.name in html and reverse("advice:cancel", args=[appointment.pk]) in html


def test_the_person_page_shows_upcoming_appointments_to_the_desk(desk, carer, service, advisor, window, tuesday):
    _, person = carer
    client_for(desk).post(reverse("advice:book", args=[service.pk]), {
        "advisor": advisor.pk, "starts": at(tuesday, "10:00").isoformat(), "person": person.pk,
        "mode": "in_person"})
    html = client_for(desk).get(reverse("person-detail", args=[person.pk])).content.decode()
    assert service.name in html


def test_the_agenda_shows_the_advisors_appointments_across_hubs(carer, advisor, hub, other_hub, service, tuesday,
                                                                django_assert_max_num_queries):
    from carehub.models import Role, StaffRole

    from .conftest import make_service

    StaffRole.objects.create(user=advisor, role=Role.ADVISOR, hub=other_hub)
    elsewhere = make_service(other_hub, name="Laboral Poble-sec", kind="employment")
    for index, (svc, person) in enumerate([(service, carer[1]), (elsewhere, make_person(other_hub))]):
        start = at(tuesday, "10:00") + timedelta(hours=index)
        Appointment.objects.create(service=svc, advisor=advisor, hub=svc.hub, person=person, starts_at=start,
                                   ends_at=start + timedelta(minutes=30), blocked_until=start + timedelta(minutes=30))
    for n in range(10):
        start = at(tuesday, "14:00") + timedelta(minutes=30 * n)
        Appointment.objects.create(service=service, advisor=advisor, hub=hub, person=make_person(hub),
                                   starts_at=start, ends_at=start + timedelta(minutes=30),
                                   blocked_until=start + timedelta(minutes=30))
    client = client_for(advisor)
    with django_assert_max_num_queries(10):
        html = client.get(reverse("advice:agenda"), {"from": tuesday.isoformat()}).content.decode()
    assert "Sant Antoni" in html and "Poble-sec" in html


def test_planners_and_caregivers_have_no_agenda(planner, carer):
    assert client_for(planner).get(reverse("advice:agenda")).status_code == 403
    assert client_for(carer[0]).get(reverse("advice:agenda")).status_code == 403


def test_the_advisor_publishes_weekly_hours_and_an_exception(advisor, service):
    client = client_for(advisor)
    response = client.post(reverse("advice:availability"), {
        "what": "window", "window-service": service.pk, "window-advisor": advisor.pk, "window-weekday": 3,
        "window-start_time": "16:00", "window-end_time": "19:00"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Availability.objects.filter(advisor=advisor, weekday=3).exists()
    overlapping = client.post(reverse("advice:availability"), {
        "what": "window", "window-service": service.pk, "window-advisor": advisor.pk, "window-weekday": 3,
        "window-start_time": "18:00", "window-end_time": "20:00"})
    assert overlapping.status_code == 422 and Availability.objects.count() == 1
    day = timezone.localdate() + timedelta(days=10)
    response = client.post(reverse("advice:availability"), {
        "what": "exception", "exception-advisor": advisor.pk, "exception-date": day.isoformat(),
        "exception-kind": "closed", "exception-note": "Vacances"})
    assert response.status_code == 302
    assert AvailabilityException.objects.get().date == day


def test_an_advisor_cannot_publish_hours_for_a_colleague(advisor, hub, service):
    from carehub.models import Role
    from tests.conftest import make_user

    colleague = make_user(roles=[(Role.ADVISOR, hub)])
    client_for(advisor).post(reverse("advice:availability"), {
        "what": "window", "window-service": service.pk, "window-advisor": colleague.pk, "window-weekday": 3,
        "window-start_time": "16:00", "window-end_time": "19:00"})
    assert not Availability.objects.filter(advisor=colleague).exists()


def test_the_coordinator_creates_and_edits_a_service(coordinator, hub):
    client = client_for(coordinator)
    response = client.post(reverse("advice:manage-services"), {
        "hub": hub.slug, "kind": "other", "name": "Habitatge", "appointment_minutes": 40, "buffer_minutes": 10,
        "by_phone": "on", "cancel_notice_hours": 0, "is_active": "on"})
    assert response.status_code == 302
    service = AdviceService.objects.get(name="Habitatge")
    assert service.modes == ["phone"] and service.buffer_minutes == 10
    response = client.post(reverse("advice:edit-service", args=[service.pk]), {
        "kind": "other", "name": "Habitatge i subministraments", "appointment_minutes": 40, "buffer_minutes": 10,
        "in_person": "on", "cancel_notice_hours": 24, "is_active": "on"})
    assert response.status_code == 302
    service.refresh_from_db()
    assert service.name == "Habitatge i subministraments" and service.cancel_notice_hours == 24


def test_the_desk_cannot_manage_services(desk, service):
    assert client_for(desk).get(reverse("advice:manage-services")).status_code == 403
    assert client_for(desk).get(reverse("advice:edit-service", args=[service.pk])).status_code == 404


def test_the_advisor_marks_attended_on_the_page(carer, service, advisor):
    now = timezone.now()
    appointment = Appointment.objects.create(service=service, advisor=advisor, hub=service.hub, person=carer[1],
                                             starts_at=now - timedelta(minutes=40), ends_at=now - timedelta(minutes=10),
                                             blocked_until=now - timedelta(minutes=10))
    response = client_for(advisor).post(reverse("advice:update", args=[appointment.pk]),
                                         {"what": "outcome", "status": "attended"})
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == "attended"


def test_impossible_dates_in_the_address_do_not_break_the_pages(advisor, carer, service):
    assert client_for(advisor).get(reverse("advice:agenda"), {"from": "2026-02-31"}).status_code == 200
    assert Client().get(reverse("advice:slots", args=[service.pk]), {"from": "2026-02-31"}).status_code == 200
    response = client_for(carer[0]).get(reverse("advice:book", args=[service.pk]),
                                        {"advisor": advisor.pk, "starts": "2026-13-45T10:00"})
    assert response.status_code == 302
    response = client_for(carer[0]).get(reverse("advice:book", args=[service.pk]),
                                        {"advisor": "99999999999999", "starts": "2026-12-01T10:00"})
    assert response.status_code == 302


def test_staff_links_follow_the_role(facilitator, coordinator, advisor):
    facilitator_html = client_for(facilitator).get(reverse("advice:services")).content.decode()
    assert reverse("advice:manage-services") not in facilitator_html
    assert f'href="{reverse("advice:agenda")}"' not in facilitator_html
    advisor_html = client_for(advisor).get(reverse("advice:services")).content.decode()
    assert reverse("advice:availability") in advisor_html and reverse("advice:manage-services") not in advisor_html
    assert reverse("advice:manage-services") in client_for(coordinator).get(reverse("advice:services")).content.decode()


def test_a_day_off_over_booked_appointments_warns_and_keeps_them(advisor, carer, service, window, tuesday):
    start = at(tuesday, "10:00")
    appointment = Appointment.objects.create(service=service, advisor=advisor, hub=service.hub, person=carer[1],
                                             starts_at=start, ends_at=start + timedelta(minutes=30),
                                             blocked_until=start + timedelta(minutes=30))
    response = client_for(advisor).post(reverse("advice:availability"), {
        "what": "exception", "exception-advisor": advisor.pk, "exception-date": tuesday.isoformat(),
        "exception-kind": "closed"}, follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["success", "warning"]
    appointment.refresh_from_db()
    assert appointment.status == "booked"


def test_a_caregiver_sees_their_own_hubs_services_first(carer, service):
    html = client_for(carer[0]).get(reverse("advice:services")).content.decode()
    assert service.name in html


def test_the_person_downloads_the_appointment_for_their_calendar(carer, hub, service, advisor, window, tuesday):
    start = at(tuesday, "10:00")
    appointment = Appointment.objects.create(service=service, advisor=advisor, hub=hub, person=carer[1],
                                             starts_at=start, ends_at=start + timedelta(minutes=30),
                                             blocked_until=start + timedelta(minutes=30))
    response = client_for(carer[0]).get(reverse("advice:ics", args=[appointment.pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    assert f"DTSTART;TZID=Europe/Madrid:{tuesday:%Y%m%d}T100000" in response.content.decode()
    stranger, _ = make_caregiver(hub)
    assert client_for(stranger).get(reverse("advice:ics", args=[appointment.pk])).status_code == 404


def test_a_slot_at_the_edge_of_the_calendar_is_refused_politely(carer, advisor, service):
    for starts in ("0001-01-01T00:00:00+05:00", "9999-12-31T23:59:00-05:00"):
        response = client_for(carer[0]).get(reverse("advice:book", args=[service.pk]),
                                            {"advisor": advisor.pk, "starts": starts})
        assert response.status_code == 302


def test_the_agenda_survives_the_first_and_last_dates(advisor):
    for day in ("0001-01-01", "9999-12-31"):
        assert client_for(advisor).get(reverse("advice:agenda"), {"from": day}).status_code == 200


@pytest.mark.parametrize("role", ["advisor", "desk", "coordinator", "facilitator", "caregiver"])
def test_the_agenda_link_shows_exactly_when_the_agenda_opens(role, hub, advisor, desk, coordinator, facilitator,
                                                            carer):
    """The navigation and the page ask one function (advice.selectors.sees_agenda), so they cannot disagree."""
    from advice.apps import navigation
    from carehub.permissions import access_for

    user = {"advisor": advisor, "desk": desk, "coordinator": coordinator, "facilitator": facilitator,
            "caregiver": carer[0]}[role]
    [shown] = [visible for name, _label, visible in navigation() if name == "advice:agenda"]
    opens = client_for(user).get(reverse("advice:agenda")).status_code == 200
    assert shown(access_for(user)) is opens
    assert opens is (role in ("advisor", "desk", "coordinator"))
