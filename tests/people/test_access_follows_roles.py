"""Access ends with the role: a facilitator or a desk user whose role is removed sees nothing of it from the
next request on."""

import pytest

from carehub.models import Role, StaffRole
from tests.activities.helpers import make_activity
from tests.conftest import client_for, make_person, make_user

pytestmark = pytest.mark.django_db


def test_a_facilitator_without_the_role_no_longer_sees_the_groups_members(hub):
    facilitator = make_user(roles=[(Role.FACILITATOR, hub)])
    group = make_activity(hub, kind="support_group", title="Grup de suport", facilitator=facilitator)
    member = make_person(hub, first_name="Remei")
    group.memberships.create(person=member, status="member")
    browser = client_for(facilitator)
    assert "Remei" in browser.get(f"/activities/groups/{group.pk}/").content.decode()
    StaffRole.objects.filter(user=facilitator).delete()
    response = browser.get(f"/activities/groups/{group.pk}/")
    assert response.status_code in (403, 404)
    assert "Remei" not in response.content.decode()


def test_a_desk_user_without_the_role_no_longer_finds_people(hub):
    desk = make_user(roles=[(Role.DESK, hub)])
    person = make_person(hub, first_name="Remei")
    browser = client_for(desk)
    assert browser.get(f"/people/{person.pk}/").status_code == 200
    StaffRole.objects.filter(user=desk).delete()
    assert browser.get(f"/people/{person.pk}/").status_code in (403, 404)
    assert "Remei" not in browser.get("/people/?q=remei").content.decode()
