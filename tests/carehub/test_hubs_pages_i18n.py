import pytest
from django.utils import translation

from carehub.models import Hub, Person, StaffRole
from tests.conftest import load_demo, make_caregiver, make_hub

pytestmark = pytest.mark.django_db


def test_public_hub_list_has_slug_name_district_population(client, hub):
    rows = client.get("/api/v1/hubs").json()
    assert rows[0]["slug"] == hub.slug
    assert rows[0]["population"] == hub.population
    assert rows[0]["district"] == "eixample"
    assert rows[0]["opening_hours"][0] == {"weekday": 1, "opens_at": "09:30", "closes_at": "13:15"}


def test_hub_by_slug_and_unknown_slug(client, hub):
    assert client.get(f"/api/v1/hubs/{hub.slug}").json()["name"] == hub.name
    missing = client.get("/api/v1/hubs/nowhere")
    assert missing.status_code == 404 and missing.json()["code"] == "hub_not_found"


def test_hub_pages_render_for_anonymous_visitors(client, hub):
    assert hub.name in client.get("/hubs/").content.decode()
    page = client.get(f"/hubs/{hub.slug}/").content.decode()
    assert hub.address in page and "09:30" in page
    assert client.get("/hubs/nowhere/").status_code == 404


def test_population_outside_plausible_range_is_refused_by_the_database(db):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        make_hub(population=12)


@pytest.mark.parametrize("accept, lang, word", [("ca", "ca", "Inicia la sessió"), ("es-ES,es;q=0.9", "es", "Inicia sesión"),
                                                ("en-GB", "en", "Log in")])
def test_language_follows_accept_language(client, hub, accept, lang, word):
    page = client.get("/hubs/", HTTP_ACCEPT_LANGUAGE=accept).content.decode()
    assert f'<html lang="{lang}">' in page
    assert word in page


def test_catalan_is_the_default_language(client, hub):
    assert '<html lang="ca">' in client.get("/hubs/", HTTP_ACCEPT_LANGUAGE="de").content.decode()


def test_switcher_sets_the_language_for_following_pages(client, hub):
    response = client.post("/i18n/setlang/", {"language": "es", "next": "/hubs/"})
    assert response.status_code == 302
    assert '<html lang="es">' in client.get("/hubs/", HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_caregiver_sees_pages_in_their_profile_language(client, hub):
    user, _ = make_caregiver(hub, preferred_language="es")
    client.force_login(user)
    assert '<html lang="es">' in client.get("/account/", HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_api_errors_are_translated(client):
    response = client.get("/api/v1/hubs/nowhere", HTTP_ACCEPT_LANGUAGE="es")
    with translation.override("es"):
        expected = translation.gettext("Not found.")
    assert expected != "Not found."
    assert response.json()["detail"] == expected


def test_every_page_has_skip_link_main_landmark_and_labelled_switcher(client, hub):
    page = client.get("/").content.decode()
    assert 'href="#main"' in page and '<main id="main"' in page
    assert '<label for="lang-select">' in page
    assert "<nav" in page and "aria-label" in page


def test_pages_send_a_content_security_policy(client, hub):
    assert "default-src 'self'" in client.get("/").headers["Content-Security-Policy"]


def test_signup_creates_an_account_linked_to_a_person_and_logs_in(client, hub):
    response = client.post("/signup/", {
        "first_name": "Rosa", "last_name": "Serra", "email": "rosa@example.org", "phone": "",
        "home_hub": hub.pk, "preferred_language": "es", "username": "rosa", "password1": "cuidar-es-estimar-42",
        "consent": "on",
    })
    assert response.status_code == 302
    person = Person.objects.get(user__username="rosa")
    assert person.home_hub == hub and person.preferred_language == "es" and person.consent_given_at
    assert client.get("/account/").status_code == 200


def test_signup_with_weak_password_shows_error_next_to_the_field(client, hub):
    response = client.post("/signup/", {
        "first_name": "Rosa", "email": "rosa@example.org", "home_hub": hub.pk, "preferred_language": "ca",
        "username": "rosa", "password1": "1234", "consent": "on",
    })
    assert response.status_code == 200
    assert 'id="id_password1_error"' in response.content.decode()
    assert not Person.objects.exists()


def test_login_and_logout_pages(client, hub):
    from tests.conftest import make_user

    make_user("marta", password="a-long-test-password")
    assert client.get("/login/").status_code == 200
    assert client.post("/login/", {"username": "marta", "password": "a-long-test-password"}).status_code == 302
    assert client.post("/logout/").status_code == 302


def test_accessibility_statement_is_published(client):
    page = client.get("/accessibility/").content.decode()
    assert "1112/2018" in page and "WCAG 2.1" in page


def test_demo_loads_hubs_people_and_accounts_once(db):
    load_demo(verbosity=0)
    assert Hub.objects.count() >= 12
    for hub in Hub.objects.all():
        assert hub.people.count() >= 20
        assert 10000 <= hub.population <= 30000
    roles = {(r.user.username, r.role) for r in StaffRole.objects.select_related("user")}
    assert {("desk", "desk"), ("coordinator", "coordinator"), ("advisor", "advisor"),
            ("facilitator", "facilitator"), ("desk2", "desk"), ("planner", "planner")} <= roles
    first = Hub.objects.get(slug="sant-antoni")
    assert StaffRole.objects.get(user__username="desk").hub == first
    assert StaffRole.objects.get(user__username="desk2").hub != first
    assert Person.objects.get(user__username="carer").home_hub == first
    from django.contrib.auth import authenticate

    assert authenticate(username="desk", password="carehub-demo") is not None
    # The demo's past confirmations count as sent: `make run`'s worker does not send hundreds at start.
    from carehub.models import Message

    assert Message.objects.filter(status="sent").exists()
    assert not Message.objects.filter(status__in=["queued", "sending"]).exists()
    people = Person.objects.count()
    load_demo(verbosity=0)
    assert Person.objects.count() == people


def test_demo_password_is_not_in_settings():
    from pathlib import Path

    assert "carehub-demo" not in (Path(__file__).parents[2] / "carehub" / "settings.py").read_text()
