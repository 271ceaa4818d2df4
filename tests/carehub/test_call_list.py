"""The desk's call list and a person's messages: what staff see and do about messages that must go by phone."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from carehub.models import Role
from carehub.notifications import notify
from carehub.notifications.models import Message, MessageStatus
from django.conf import settings

from tests.conftest import client_for as logged_in
from tests.conftest import make_hub, make_person, make_user
from tests.notifications.helpers import SESSION

MADRID = ZoneInfo("Europe/Madrid")
NOW = datetime(2026, 11, 20, 10, 30, tzinfo=MADRID)


def phone_only(hub, **fields):
    """Someone with no email and a landline: every message for them goes to the desk's call list."""
    return make_person(hub, email="", phone="932 56 41 00", **fields)


def promote(person, occasion="1", **kwargs):
    return notify(person, kind="booking_promoted", context=SESSION, related=person, occasion=occasion, **kwargs)


def client_for(user):
    """The pages in English, so that the assertions read as the tests' names."""
    client = logged_in(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def test_call_list_shows_the_hubs_messages_oldest_first_with_number_text_and_reason(frozen, hub, desk):
    first = phone_only(hub, first_name="Roser", last_name="Puig")
    second = phone_only(hub, first_name="Amparo", last_name="Soler")
    promote(first)
    with time_machine.travel(datetime(2026, 11, 20, 11, 0, tzinfo=MADRID), tick=False):
        promote(second)
        response = client_for(desk).get(reverse("call-list"))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("Roser Puig") < html.index("Amparo Soler")
    assert first.get_absolute_url() in html
    assert "932 56 41 00" in html  # read aloud, not +34932564100
    assert Message.objects.filter(person=first).get().call_text.split()[0] in html
    assert "Reachable only by phone" in html


def test_a_failed_email_is_on_the_list_with_its_reason_in_plain_words(frozen, hub, desk):
    person = make_person(hub, email="roser@example.org", phone="612 345 678")
    message = promote(person)
    Message.objects.filter(pk=message.pk).update(status=MessageStatus.TO_CALL,
                                                 last_error="mail server refused the address (550)")
    html = client_for(desk).get(reverse("call-list")).content.decode()
    assert "The email address was refused" in html
    assert "612 34 56 78" in html


def test_a_desk_of_another_hub_sees_none_of_them_and_cannot_mark_them(frozen, hub, other_desk):
    message = promote(phone_only(hub, first_name="Roser", last_name="Puig"))
    client = client_for(other_desk)
    assert "Roser Puig" not in client.get(reverse("call-list")).content.decode()
    response = client.post(reverse("call-done", args=[message.pk]))
    assert response.status_code == 404
    message.refresh_from_db()
    assert message.status == MessageStatus.TO_CALL


def test_marking_done_records_who_and_when_and_removes_it_from_the_list(frozen, hub, desk):
    message = promote(phone_only(hub, first_name="Roser", last_name="Puig"))
    client = client_for(desk)
    response = client.post(reverse("call-done", args=[message.pk]))
    assert response.status_code == 302 and response.url == reverse("call-list")
    message.refresh_from_db()
    assert (message.status, message.done_by, message.done_at) == (MessageStatus.DONE, desk, NOW)
    page = client.get(response.url).content.decode()
    assert "the call to Roser Puig is recorded" in page
    assert "Roser Puig" not in page.split("the call to Roser Puig is recorded")[1]


def test_a_second_click_says_it_is_no_longer_on_the_list(frozen, hub, desk):
    message = promote(phone_only(hub))
    client = client_for(desk)
    client.post(reverse("call-done", args=[message.pk]))
    response = client.post(reverse("call-done", args=[message.pk]), follow=True)
    assert "This call is no longer on the list." in response.content.decode()
    message.refresh_from_db()
    assert message.done_by == desk


def test_done_only_answers_a_post(hub, desk):
    message = promote(phone_only(hub))
    assert client_for(desk).get(reverse("call-done", args=[message.pk])).status_code == 405


def test_people_who_do_not_work_at_a_desk_cannot_open_the_list(hub, advisor, carer):
    assert client_for(advisor).get(reverse("call-list")).status_code == 403
    assert client_for(carer[0]).get(reverse("call-list")).status_code == 403


def test_the_list_is_a_table_with_a_caption_and_header_cells(frozen, hub, desk):
    promote(phone_only(hub))
    html = client_for(desk).get(reverse("call-list")).content.decode()
    assert "<table" in html and "<caption>" in html
    assert html.count('<th scope="col">') >= 5
    assert '<th scope="row">' in html
    assert 'type="submit"' in html and "<form method=\"post\"" in html  # works without JavaScript


def test_the_list_takes_a_bounded_number_of_queries_whatever_its_size(frozen, hub, desk,
                                                                     django_assert_max_num_queries):
    second_hub = make_hub()
    user = make_user(roles=[(Role.DESK, hub), (Role.DESK, second_hub)])
    client = client_for(user)
    promote(phone_only(hub))
    client.get(reverse("call-list"))
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("call-list"))
    for n in range(15):
        promote(phone_only(hub if n % 2 else second_hub))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("call-list"))
    assert response.content.decode().count('<th scope="row">') == 16


def test_the_menu_counts_the_calls_for_desk_staff(frozen, hub, desk, other_desk):
    promote(phone_only(hub), occasion="a")
    promote(phone_only(hub), occasion="b")
    assert "Calls (2)" in client_for(desk).get(reverse("people-search")).content.decode()
    other = client_for(other_desk).get(reverse("people-search")).content.decode()
    assert "Calls (2)" not in other and ">Calls<" in other


def test_the_summary_partial_counts_per_hub(frozen, hub, desk, rf):
    from django.template.loader import render_to_string

    from carehub.context_processors import navigation

    promote(phone_only(hub))
    request = rf.get("/")
    request.user = desk
    html = render_to_string("carehub/_call_list_summary.html", navigation(request))
    assert "Vila Veïna Sant Antoni: 1 call to make" in html
    assert reverse("call-list") in html


# --- the person page ------------------------------------------------------------------------------------
def test_the_person_page_lists_messages_with_their_status_newest_first(frozen, hub, desk):
    person = make_person(hub, first_name="Roser", email="roser@example.org", phone="612 345 678")
    sent = promote(person, occasion="sent")
    Message.objects.filter(pk=sent.pk).update(status=MessageStatus.SENT, sent_at=NOW)
    with time_machine.travel(datetime(2026, 11, 20, 11, 0, tzinfo=MADRID), tick=False):
        called = promote(person, occasion="called", channel="call")
        Message.objects.filter(pk=called.pk).update(status=MessageStatus.DONE, done_by=desk, done_at=NOW)
    with time_machine.travel(datetime(2026, 11, 20, 12, 0, tzinfo=MADRID), tick=False):
        failed = promote(person, occasion="failed")
        Message.objects.filter(pk=failed.pk).update(status=MessageStatus.TO_CALL,
                                                    last_error="gave up after 8 attempts: mail server unreachable")
        promote(person, occasion="waiting")
    html = client_for(desk).get(person.get_absolute_url()).content.decode()
    section = html.split('id="messages-h"')[1]
    assert "4 messages, newest first" in section
    positions = [section.index(text) for text in
                 ("Waiting to be sent", "could not be sent after 8 tries", "Called by desk", "Sent ")]
    assert positions == sorted(positions)
    assert "Email" in section and "Phone call from the desk" in section


def test_the_person_page_shows_the_last_twenty_of_more(frozen, hub, desk, django_assert_max_num_queries):
    person = make_person(hub)
    for n in range(23):
        promote(person, occasion=str(n))
    html = client_for(desk).get(person.get_absolute_url()).content.decode()
    assert "The last 20 of 23 messages" in html
    assert html.split('id="messages-h"')[1].count('<th scope="row">') == 20


def test_staff_who_may_not_act_for_the_hub_do_not_see_the_messages(frozen, hub, planner):
    person = make_person(hub)
    promote(person)
    response = client_for(planner).get(person.get_absolute_url())
    assert 'id="messages-h"' not in response.content.decode()


@pytest.mark.django_db
def test_the_lending_desk_landing_page_shows_the_calls_to_make():
    from carehub.models import Role
    from carehub.notifications import notify
    from tests.conftest import client_for, make_hub, make_person, make_user

    hub = make_hub()
    desk = make_user(roles=[(Role.DESK, hub)])
    person = make_person(hub, email="", phone="", notify_by="call")
    notify(person, kind="item_ready", context={"item_type": "Crosses"}, hub=hub, occasion="landing")
    page = client_for(desk).get("/lending/desk/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Calls to make" in page
    assert "1 call to make" in page
