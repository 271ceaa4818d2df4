"""The permission matrix for personal data: each role × the people endpoints × own and other hub."""

import pytest

from carehub.models import Person, Role
from tests.conftest import bearer, make_caregiver, make_person, make_user

pytestmark = pytest.mark.django_db

HUB_ROLES_WITH_PEOPLE = [Role.DESK, Role.COORDINATOR]
HUB_ROLES_WITHOUT_PEOPLE = [Role.ADVISOR, Role.FACILITATOR]


@pytest.fixture
def people(hub, other_hub):
    return {"own": make_person(hub, first_name="Núria"), "other": make_person(other_hub, first_name="Jordi")}


@pytest.mark.parametrize("role", HUB_ROLES_WITH_PEOPLE)
def test_desk_roles_list_only_their_own_hubs_people(client, hub, people, role):
    user = make_user(roles=[(role, hub)])
    rows = client.get("/api/v1/people", **bearer(user)).json()["items"]
    assert [row["id"] for row in rows] == [people["own"].pk]


@pytest.mark.parametrize("role", HUB_ROLES_WITH_PEOPLE)
def test_desk_roles_get_own_hub_person_but_404_for_other_hub(client, hub, people, role):
    user = make_user(roles=[(role, hub)])
    headers = bearer(user)
    assert client.get(f"/api/v1/people/{people['own'].pk}", **headers).status_code == 200
    response = client.get(f"/api/v1/people/{people['other'].pk}", **headers)
    assert response.status_code == 404
    assert response.json()["code"] == "person_not_found"


@pytest.mark.parametrize("role", HUB_ROLES_WITH_PEOPLE)
def test_desk_roles_register_at_own_hub_but_not_at_another(client, hub, other_hub, role):
    user = make_user(roles=[(role, hub)])
    payload = {"first_name": "Ona", "last_name": "Vidal", "consent": True}
    own = client.post("/api/v1/people", {**payload, "hub": hub.slug}, content_type="application/json", **bearer(user))
    assert own.status_code == 201
    assert Person.objects.get(pk=own.json()["id"]).home_hub == hub
    other = client.post("/api/v1/people", {**payload, "hub": other_hub.slug}, content_type="application/json",
                        **bearer(user))
    assert other.status_code == 403
    assert Person.objects.filter(home_hub=other_hub, first_name="Ona").count() == 0


@pytest.mark.parametrize("role", HUB_ROLES_WITHOUT_PEOPLE)
def test_advisors_and_facilitators_cannot_list_or_register_people(client, hub, people, role):
    user = make_user(roles=[(role, hub)])
    assert client.get("/api/v1/people", **bearer(user)).status_code == 403
    assert client.get(f"/api/v1/people/{people['own'].pk}", **bearer(user)).status_code == 404
    created = client.post("/api/v1/people", {"first_name": "Ona", "hub": hub.slug, "consent": True},
                          content_type="application/json", **bearer(user))
    assert created.status_code == 403


def test_planner_sees_no_person_at_all(client, hub, people, planner):
    assert client.get("/api/v1/people", **bearer(planner)).status_code == 403
    for person in people.values():
        assert client.get(f"/api/v1/people/{person.pk}", **bearer(planner)).status_code == 404


def test_admin_sees_every_hub(client, people, admin_user):
    rows = client.get("/api/v1/people", **bearer(admin_user)).json()["items"]
    assert {row["id"] for row in rows} == {p.pk for p in people.values()}


def test_caregiver_sees_only_their_own_record(client, hub, people):
    user, person = make_caregiver(hub)
    assert client.get("/api/v1/people", **bearer(user)).status_code == 403
    assert client.get(f"/api/v1/people/{person.pk}", **bearer(user)).status_code == 200
    assert client.get(f"/api/v1/people/{people['own'].pk}", **bearer(user)).status_code == 404


def test_anonymous_gets_401_on_people(client, people):
    assert client.get("/api/v1/people").status_code == 401
    assert client.get(f"/api/v1/people/{people['own'].pk}").status_code == 401
    assert client.post("/api/v1/people", {}, content_type="application/json").status_code == 401


def test_hub_filter_outside_scope_returns_nothing(client, hub, other_hub, people, desk):
    rows = client.get(f"/api/v1/people?hub={other_hub.slug}", **bearer(desk)).json()["items"]
    assert rows == []


def test_desk_person_page_of_other_hub_is_404(client, people, desk):
    client.force_login(desk)
    assert client.get(f"/people/{people['own'].pk}/").status_code == 200
    assert client.get(f"/people/{people['other'].pk}/").status_code == 404


def test_desk_people_page_lists_own_hub_only(client, people, desk):
    client.force_login(desk)
    page = client.get("/people/").content.decode()
    assert "Núria" in page and "Jordi" not in page


def test_planner_people_page_is_forbidden(client, planner):
    client.force_login(planner)
    assert client.get("/people/").status_code == 403
