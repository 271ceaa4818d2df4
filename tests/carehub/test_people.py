import pytest

from carehub.models import Person
from tests.conftest import bearer, make_person

pytestmark = pytest.mark.django_db


def search(client, user, q):
    return [row["id"] for row in client.get("/api/v1/people", {"search": q}, **bearer(user)).json()["items"]]


def test_search_finds_by_name_fragment_ignoring_accents_and_case(client, hub, desk):
    nuria = make_person(hub, first_name="Núria", last_name="Martínez Puig")
    make_person(hub, first_name="Jordi", last_name="Soler")
    assert search(client, desk, "nuria") == [nuria.pk]
    assert search(client, desk, "MARTINEZ") == [nuria.pk]
    assert search(client, desk, "puig nur") == [nuria.pk]


def test_search_finds_by_phone_typed_with_spaces(client, hub, desk):
    person = make_person(hub, phone="612 345 678")
    make_person(hub, phone="699 000 111")
    assert search(client, desk, "612345") == [person.pk]
    assert search(client, desk, "345 678") == [person.pk]


def test_search_finds_by_document_number(client, hub, desk):
    person = make_person(hub, document_number="12345678Z")
    assert search(client, desk, "12345678z") == [person.pk]


def test_registering_records_consent_time_and_who(client, hub, desk):
    response = client.post("/api/v1/people", {"first_name": "Ona", "hub": hub.slug, "consent": True,
                                              "preferred_language": "es", "phone": "600 111 222"},
                           content_type="application/json", **bearer(desk))
    assert response.status_code == 201
    person = Person.objects.get(pk=response.json()["id"])
    assert person.consent_given_at is not None
    assert person.registered_by == desk
    assert person.preferred_language == "es"
    assert person.history.count() == 1
    assert person.history.first().history_user == desk  # the token's user is the actor


def test_registering_without_consent_is_refused_and_writes_nothing(client, hub, desk):
    response = client.post("/api/v1/people", {"first_name": "Ona", "hub": hub.slug, "consent": False},
                           content_type="application/json", **bearer(desk))
    assert response.status_code == 422
    assert response.json()["code"] == "consent_required"
    assert not Person.objects.exists()


def test_registering_with_bad_email_or_language_is_422(client, hub, desk):
    bad_email = client.post("/api/v1/people", {"first_name": "Ona", "hub": hub.slug, "consent": True,
                                               "email": "not-an-email"}, content_type="application/json",
                            **bearer(desk))
    assert bad_email.status_code == 422 and bad_email.json()["code"] == "email_invalid"
    bad_language = client.post("/api/v1/people", {"first_name": "Ona", "hub": hub.slug, "consent": True,
                                                  "preferred_language": "fr"}, content_type="application/json",
                               **bearer(desk))
    assert bad_language.status_code == 422
    assert not Person.objects.exists()


def test_registering_at_unknown_hub_is_404(client, hub, desk):
    response = client.post("/api/v1/people", {"first_name": "Ona", "hub": "nowhere", "consent": True},
                           content_type="application/json", **bearer(desk))
    assert response.status_code == 404


def test_same_document_number_twice_at_a_hub_is_409(client, hub, desk):
    make_person(hub, document_number="12345678Z")
    response = client.post("/api/v1/people", {"first_name": "Ona", "hub": hub.slug, "consent": True,
                                              "document_number": "12345678z"},
                           content_type="application/json", **bearer(desk))
    assert response.status_code == 409 and response.json()["code"] == "person_duplicate"


def test_desk_registers_a_person_through_the_page_and_errors_show_next_to_fields(client, hub, desk):
    client.force_login(desk)
    page = client.post("/people/new/", {"first_name": "", "hub": hub.pk, "preferred_language": "ca"})
    assert page.status_code == 200
    assert 'id="id_first_name_error"' in page.content.decode()
    assert 'id="id_consent_error"' in page.content.decode()
    assert not Person.objects.exists()
    done = client.post("/people/new/", {"first_name": "Ona", "hub": hub.pk, "preferred_language": "ca",
                                        "consent": "on"})
    assert done.status_code == 302
    assert Person.objects.get().first_name == "Ona"


def test_people_list_query_count_does_not_grow_with_people(client, hub, desk, django_assert_max_num_queries):
    for _ in range(5):
        make_person(hub)
    headers = bearer(desk)
    client.get("/api/v1/people", **headers)
    with django_assert_max_num_queries(6):
        client.get("/api/v1/people", **headers)
    for _ in range(30):
        make_person(hub)
    with django_assert_max_num_queries(6):
        client.get("/api/v1/people", **headers)
