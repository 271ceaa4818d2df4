"""Online questions: anyone may ask (rate-limited); the question waits as an attention of the hub; the desk
answers and the answer reaches the person through their channel; nobody else sees it."""

import re
from datetime import timedelta

import pytest
from django.test import Client

from carehub.models import Message, Person
from guidance.models import Attention
from tests.conftest import bearer, client_for, make_caregiver

from .conftest import get, post

pytestmark = pytest.mark.django_db
URL = "/api/v1/attentions/requests"


def ask(hub, question="Quins ajuts hi ha per a la meva mare?", contact="612 345 678", consent=True,
        address="127.0.0.1", **extra):
    return post(None, URL, {"hub": hub.slug, "question": question, "contact": contact, "consent": consent,
                            **extra}, REMOTE_ADDR=address)


def test_a_neighbour_asks_with_a_phone_and_it_waits_as_an_online_attention(hub):
    response = ask(hub, name="Joana")
    assert response.status_code == 201
    waiting = Attention.objects.get(pk=response.json()["id"])
    assert (waiting.channel, waiting.status, waiting.hub) == ("online", "waiting", hub)
    assert waiting.question == "Quins ajuts hi ha per a la meva mare?"
    # A minimal record to answer them: first name, the number, consent recorded, at the hub asked.
    person = waiting.person
    assert (person.first_name, person.phone, person.home_hub) == ("Joana", "+34612345678", hub)
    assert person.consent_given_at is not None and person.email == "" and person.user is None


def test_an_email_address_alone_is_refused_with_the_reason(hub):
    response = ask(hub, contact="joana@example.org")
    assert response.status_code == 422 and response.json()["code"] == "contact_phone_required"
    assert not Person.objects.exists()


@pytest.mark.parametrize("extra, code", [
    ({"contact": ""}, "contact_required"),
    ({"contact": "12"}, "contact_invalid"),
    ({"consent": False}, "consent_required"),
    ({"question": "   "}, "question_required"),
])
def test_an_incomplete_question_is_refused_and_nothing_is_kept(hub, extra, code):
    response = ask(hub, **extra)
    assert response.status_code == 422 and response.json()["code"] == code
    assert not Attention.objects.exists() and not Person.objects.exists()


def test_questions_are_rate_limited_per_client_address(hub):
    for n in range(5):
        assert ask(hub, contact=f"61234567{n}").status_code == 201
    refused = ask(hub, contact="612345679")
    assert refused.status_code == 429 and refused.json()["code"] == "request_rate_limited"
    assert Attention.objects.count() == 5


def test_questions_are_rate_limited_per_phone_number(hub):
    for n in range(3):
        assert ask(hub, address=f"127.0.0.{n + 2}").status_code == 201
    assert ask(hub, address="127.0.0.9").status_code == 429


def test_a_caregiver_with_a_token_asks_as_themselves_without_a_contact(hub, carer):
    user, person = carer
    response = post(user, URL, {"hub": hub.slug, "question": "Com demano la Targeta?"})
    assert response.status_code == 201
    assert Attention.objects.get().person == person
    assert Person.objects.count() == 1


def test_the_desk_answers_and_the_answer_goes_to_the_person_by_sms(hub, desk):
    waiting = Attention.objects.get(pk=ask(hub, name="Joana").json()["id"])
    response = client_for(desk).post(f"/guidance/attentions/{waiting.pk}/answer/",
                                     {"answer": "Truqueu al 93 000 00 00, dimarts al matí."})
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == "answered" and waiting.answered_by == desk and waiting.answered_at is not None
    message = Message.objects.get(kind="guidance_answer")
    assert message.person == waiting.person and message.channel == "sms"
    # An SMS carries no care detail: it links to the answer's own page, which only that link opens.
    assert "Truqueu" not in message.body and len(message.body) <= 160
    link = re.search(r"http://[^ ]+/guidance/a/[^ ]+/", message.body).group(0)
    page = Client().get(link.split("8000", 1)[-1])
    assert page.status_code == 200 and "Truqueu al 93 000 00 00" in page.content.decode()
    assert Client().get("/guidance/a/not-the-right-key-x/").status_code == 404


def test_the_answer_page_closes_after_ninety_days_and_with_an_erasure(hub, desk, clock):
    waiting = Attention.objects.get(pk=ask(hub).json()["id"])
    client_for(desk).post(f"/guidance/attentions/{waiting.pk}/answer/", {"answer": "Resposta"})
    waiting.refresh_from_db()
    path = f"/guidance/a/{waiting.answer_key}/"
    assert Client().get(path).status_code == 200
    clock.shift(timedelta(days=91))
    assert Client().get(path).status_code == 404


def test_a_landline_gets_the_answer_through_the_call_list(hub, desk):
    waiting = Attention.objects.get(pk=ask(hub, contact="932 123 456").json()["id"])
    client_for(desk).post(f"/guidance/attentions/{waiting.pk}/answer/", {"answer": "Us truquem dijous."})
    message = Message.objects.get(kind="guidance_answer")
    assert message.channel == "call" and message.status == "to_call" and "Us truquem dijous." in message.call_text


def test_a_caregiver_reads_the_answer_by_email_and_on_their_questions_page(hub, desk, carer):
    user, person = carer
    post(user, URL, {"hub": hub.slug, "question": "Com demano la Targeta?"})
    waiting = Attention.objects.get()
    client_for(desk).post(f"/guidance/attentions/{waiting.pk}/answer/", {"answer": "Amb el DNI i el padró."})
    message = Message.objects.get(kind="guidance_answer")
    assert message.channel == "email" and "Amb el DNI i el padró." in message.body
    page = client_for(user).get("/guidance/ask/mine/").content.decode()
    assert "Com demano la Targeta?" in page and "Amb el DNI i el padró." in page


def test_a_question_is_answered_once(hub, desk):
    waiting = Attention.objects.get(pk=ask(hub).json()["id"])
    client_for(desk).post(f"/guidance/attentions/{waiting.pk}/answer/", {"answer": "Primera resposta"})
    second = client_for(desk).post(f"/guidance/attentions/{waiting.pk}/answer/", {"answer": "Segona"})
    assert second.status_code == 422 and "already been answered" in second.content.decode()
    assert Message.objects.filter(kind="guidance_answer").count() == 1


def test_another_hubs_desk_can_neither_see_nor_answer_a_question(hub, other_desk):
    waiting = Attention.objects.get(pk=ask(hub).json()["id"])
    assert client_for(other_desk).post(f"/guidance/attentions/{waiting.pk}/answer/",
                                       {"answer": "x"}).status_code == 404
    assert get(other_desk, f"/api/v1/attentions/{waiting.pk}").status_code == 404
    assert get(other_desk, "/api/v1/attentions", {"status": "waiting"}).json() == []


def test_other_caregivers_and_planners_never_see_a_question(hub, carer, planner):
    user, _person = carer
    post(user, URL, {"hub": hub.slug, "question": "Una pregunta privada"})
    question = Attention.objects.get()
    stranger, _ = make_caregiver(hub)
    assert "Una pregunta privada" not in client_for(stranger).get("/guidance/ask/mine/").content.decode()
    for someone in (stranger, planner):
        assert get(someone, f"/api/v1/attentions/{question.pk}").status_code == 404
    assert "Una pregunta privada" in client_for(user).get("/guidance/ask/mine/").content.decode()


def test_the_public_form_asks_and_says_it_arrived(hub, client):
    assert client.get("/guidance/ask/").status_code == 200
    response = client.post("/guidance/ask/", {"hub": hub.slug, "question": "Hi ha respir al barri?",
                                              "contact": "612 345 678", "consent": "on"})
    assert response.status_code == 302 and response["Location"] == "/guidance/ask/sent/"
    assert Attention.objects.get().question == "Hi ha respir al barri?"
    refused = client.post("/guidance/ask/", {"hub": hub.slug, "question": "x", "contact": "a@b.org",
                                             "consent": "on"})
    assert refused.status_code == 422 and "phone number" in refused.content.decode()


def test_the_session_of_a_logged_in_caregiver_is_not_used_by_the_api(hub, carer):
    """No CSRF check on this public endpoint: a session alone does not make it the caregiver's question."""
    user, _person = carer
    response = client_for(user).post(URL, {"hub": hub.slug, "question": "x"}, content_type="application/json")
    assert response.status_code == 422 and response.json()["code"] == "contact_required"
    assert bearer  # the token path is covered above
