"""The person screen shows, from each app through the registry (`desk_panel`), the bookings and appointments
of the coming days, and the messages the desk must still give by phone."""

from pathlib import Path

import pytest

from activities.models import ActivityKind
from carehub.notifications.models import MessageStatus
from carehub.registry import hooks
from tests.conftest import client_for, make_person

from .conftest import screen
from .helpers import make_appointment, make_booking, make_call

pytestmark = pytest.mark.django_db


def test_the_apps_contribute_their_panels_through_the_registry():
    panels = dict(hooks("desk_panel"))
    assert set(panels) == {"lending", "activities", "advice"}
    assert [cls.order for cls in panels.values()] == sorted(cls.order for cls in panels.values())


def test_the_desk_screen_imports_no_app():
    source = "".join(path.read_text() for path in Path("carehub/desk").glob("*.py"))
    for app in ("lending", "activities", "advice"):
        assert f"from {app}" not in source and f"import {app}" not in source


def test_bookings_of_the_coming_days_are_shown_not_later_ones(desk, hub):
    person = make_person(hub)
    make_booking(person, days=2, title="Taller de memòria")
    make_booking(person, days=30, title="Xerrada llunyana")
    page = client_for(desk).get(screen(person)).content.decode()
    assert "Taller de memòria" in page and "Xerrada llunyana" not in page


def test_support_group_sessions_are_not_shown_to_the_desk(desk, hub):
    person = make_person(hub)
    make_booking(person, kind=ActivityKind.SUPPORT_GROUP, title="Grup de suport")
    assert "Grup de suport" not in client_for(desk).get(screen(person)).content.decode()


def test_appointments_of_the_coming_days_are_shown(desk, hub):
    person = make_person(hub)
    appointment = make_appointment(person)
    page = client_for(desk).get(screen(person)).content.decode()
    assert appointment.service.name in page and f"/advice/appointments/{appointment.pk}/" in page


def test_messages_waiting_for_a_call_are_shown_and_done_from_the_screen(desk, hub):
    person = make_person(hub)
    message = make_call(person, "Your walker is ready.")
    client = client_for(desk)
    page = client.get(screen(person)).content.decode()
    assert "Messages waiting for a call" in page and "Your walker is ready." in page
    response = client.post(f"/desk/people/{person.pk}/calls/{message.pk}/done/")
    assert response["Location"] == screen(person)
    message.refresh_from_db()
    assert message.status == MessageStatus.DONE and message.done_by == desk
    page = client.get(screen(person)).content.decode()
    assert "Done: the call is recorded." in page and "Your walker is ready." not in page


def test_another_persons_message_cannot_be_done_from_this_screen(desk, hub):
    person, other = make_person(hub), make_person(hub)
    message = make_call(other)
    assert client_for(desk).post(f"/desk/people/{person.pk}/calls/{message.pk}/done/").status_code == 404
    message.refresh_from_db()
    assert message.status == MessageStatus.TO_CALL
