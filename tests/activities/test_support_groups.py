"""A support group's members and attendance are seen only by its facilitator and the hub's coordinator."""

import pytest
from django.urls import reverse

from activities import selectors, services
from activities.models import ActivityKind, Frequency, GroupMembership
from activities import errors as activity_errors
from carehub import errors
from carehub.models import Role
from carehub.permissions import access_for
from tests.conftest import client_for, make_caregiver, make_person, make_user

from .helpers import coordinator_of, make_activity

pytestmark = pytest.mark.django_db

SECRET_NAME = "Remei"


@pytest.fixture
def group_setup(hub, facilitator):
    coordinator = coordinator_of(hub)
    group = make_activity(hub, coordinator=coordinator, kind=ActivityKind.SUPPORT_GROUP, title="Grup de suport",
                          frequency=Frequency.WEEKLY, occurrences=4, capacity=10, facilitator=facilitator)
    member = make_person(hub, first_name=SECRET_NAME, last_name="Secreta")
    services.enrol_member(access=access_for(coordinator), activity_id=group.pk, person_id=member.pk)
    return group, coordinator, member


def test_coordinator_and_facilitator_see_the_members(group_setup, facilitator):
    group, coordinator, member = group_setup
    for user in (coordinator, facilitator):
        page = client_for(user).get(reverse("activities:group", args=[group.pk]))
        assert page.status_code == 200 and SECRET_NAME in page.content.decode()


@pytest.mark.parametrize("who", ["desk", "other_facilitator", "other_coordinator", "planner", "caregiver",
                                 "member_caregiver", "advisor"])
def test_nobody_else_sees_the_members_or_attendance(group_setup, hub, other_hub, who):
    group, _coordinator, _member = group_setup
    users = {
        "desk": lambda: make_user(roles=[(Role.DESK, hub)]),
        "other_facilitator": lambda: make_user(roles=[(Role.FACILITATOR, hub)]),
        "other_coordinator": lambda: coordinator_of(other_hub),
        "planner": lambda: make_user(roles=[(Role.PLANNER, None)]),
        "caregiver": lambda: make_caregiver(hub)[0],
        "advisor": lambda: make_user(roles=[(Role.ADVISOR, hub)]),
    }
    if who == "member_caregiver":
        user, person = make_caregiver(hub)
        services.enrol_member(access=access_for(_coordinator), activity_id=group.pk, person_id=person.pk)
    else:
        user = users[who]()
    client = client_for(user)
    session = group.sessions.order_by("starts_at").first()
    for url in (reverse("activities:group", args=[group.pk]),
                reverse("activities:group-attendance", args=[session.pk])):
        response = client.get(url)
        assert response.status_code == 404
        assert SECRET_NAME not in response.content.decode()
    for url in (session.get_absolute_url(), reverse("activities:activity", args=[group.pk]),
                reverse("activities:programme"), reverse("activities:groups"), reverse("activities:today")):
        assert SECRET_NAME not in client.get(url).content.decode()
    access = access_for(user)
    with pytest.raises(errors.DomainError):
        selectors.group_memberships(access, group)
    with pytest.raises(errors.DomainError):
        selectors.group_attendance(access, session)
    with pytest.raises(errors.DomainError):
        services.record_group_attendance(access=access, session_id=session.pk, attended_person_ids=set())


def test_desk_person_page_does_not_reveal_group_membership(group_setup, hub, desk):
    group, _coordinator, member = group_setup
    page = client_for(desk).get(reverse("person-detail", args=[member.pk])).content.decode()
    assert group.title not in page


def test_public_programme_shows_the_group_exists_and_how_to_join_but_no_numbers(client, group_setup):
    group, _coordinator, _member = group_setup
    page = client.get(reverse("activities:activity", args=[group.pk])).content.decode()
    assert group.title in page and "Log in to ask to join" in page
    listing = client.get(reverse("activities:programme")).content.decode()
    assert "Closed group" in listing and "places left" not in listing


def test_api_session_list_gives_no_seat_numbers_for_a_group(client, group_setup):
    rows = client.get("/api/v1/activities/sessions").json()["items"]
    assert rows and all(row["seats_left"] is None for row in rows)


def test_caregiver_asks_to_join_and_the_facilitator_accepts(group_setup, hub, facilitator):
    group, _coordinator, _member = group_setup
    user, person = make_caregiver(hub)
    client = client_for(user)
    client.post(reverse("activities:group-request", args=[group.pk]))
    membership = GroupMembership.objects.get(activity=group, person=person)
    assert membership.status == "requested"
    client_for(facilitator).post(reverse("activities:membership-decide", args=[membership.pk]),
                                 {"decision": "approve"})
    membership.refresh_from_db()
    assert membership.status == "member"


def test_support_group_sessions_cannot_be_booked(group_setup, hub):
    group, _coordinator, _member = group_setup
    user, _ = make_caregiver(hub)
    with pytest.raises(activity_errors.SessionNotBookable):
        services.book_session(access=access_for(user), session_id=group.sessions.first().pk)


def test_facilitator_takes_attendance_on_the_day(group_setup, facilitator):
    from datetime import timedelta
    from django.utils import timezone
    from activities.models import GroupAttendance, Session
    group, _coordinator, member = group_setup
    session = group.sessions.order_by("starts_at").first()
    Session.objects.filter(pk=session.pk).update(starts_at=timezone.now() - timedelta(minutes=1),
                                                  ends_at=timezone.now() + timedelta(hours=1))
    response = client_for(facilitator).post(reverse("activities:group-attendance", args=[session.pk]),
                                            {"attended": [member.pk]})
    assert response.status_code == 302
    assert GroupAttendance.objects.get(session=session, person=member).attended is True
