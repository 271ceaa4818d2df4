"""The 403, 404, 500 and CSRF failure pages: in the site's layout and the user's language, with a way back;
the 500 page even when the database is down (issue 16)."""

import re

import pytest
from django.test import Client

from tests.conftest import client_for

pytestmark = pytest.mark.urls("tests.ops.obs_urls")

HOME_LINK = {"ca": "Torna a la pàgina d'inici", "es": "Vuelve a la página de inicio", "en": "Back to the home page"}
LANGUAGES = ["ca", "es", "en"]


def page(response) -> str:
    return response.content.decode()


def assert_in_layout(response, language: str):
    html = page(response)
    assert f'<html lang="{language}">' in html
    assert 'class="site-header"' in html and 'class="site-footer"' in html
    assert f'<a href="/">{HOME_LINK[language]}</a>' in html


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_404_page(language):
    response = Client().get("/no-such-page/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 404
    assert_in_layout(response, language)
    if language == "en":
        assert "<h1>Page not found</h1>" in page(response)


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_403_page_is_the_forbidden_page(desk, language):
    response = client_for(desk).get("/test-errors/forbidden/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 403
    assert_in_layout(response, language)
    assert {"ca": "No hi tens accés", "es": "No tienes acceso", "en": "Not available to you"}[language] in page(response)


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_csrf_failure_page_offers_to_reload(desk, language):
    client = Client(enforce_csrf_checks=True)
    client.force_login(desk)
    response = client.post("/people/new/", {"first_name": "Rosa"}, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 403
    assert_in_layout(response, language)
    reload = {"ca": "Torna a carregar la pàgina", "es": "Vuelve a cargar la página", "en": "Reload the page"}
    assert f'<a href="/people/new/">{reload[language]}</a>' in page(response)  # back to the form


@pytest.mark.django_db
def test_csrf_failure_on_the_api_keeps_the_error_shape(desk):
    client = Client(enforce_csrf_checks=True)
    client.force_login(desk)
    response = client.post("/api/v1/people", {}, content_type="application/json")
    assert response.status_code == 403 and {"detail", "code"} <= set(response.json())


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_500_page_shows_the_request_id(language):
    client = Client(raise_request_exception=False)
    response = client.get("/test-errors/boom/", HTTP_ACCEPT_LANGUAGE=language, HTTP_X_REQUEST_ID="ticket-500-abc")
    assert response.status_code == 500
    assert_in_layout(response, language)
    assert "<strong>ticket-500-abc</strong>" in page(response)
    assert "a bug" not in page(response)


@pytest.mark.django_db
def test_500_page_renders_when_the_database_is_down(desk, monkeypatch):
    """The menu, the user and the call list all read the database; the 500 page asks none of them."""
    from django.db import OperationalError
    from django.db.backends.base.base import BaseDatabaseWrapper

    client = client_for(desk)

    def down(self, *args, **kwargs):
        raise OperationalError("the database is down")

    monkeypatch.setattr(BaseDatabaseWrapper, "cursor", down)
    client.raise_request_exception = False
    response = client.get("/people/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 500
    assert "Something went wrong" in page(response)
    assert re.search(r"<strong>[0-9a-f]{16}</strong>", page(response))


@pytest.mark.django_db
def test_500_page_falls_back_to_plain_html_when_the_layout_fails(monkeypatch):
    from django.template import loader

    def broken(name, *args, **kwargs):
        raise RuntimeError("template broken")

    monkeypatch.setattr(loader, "get_template", broken)
    response = Client(raise_request_exception=False).get("/test-errors/boom/", HTTP_X_REQUEST_ID="ticket-500-xyz")
    assert response.status_code == 500
    assert "Something went wrong" in page(response) and "ticket-500-xyz" in page(response)


@pytest.mark.django_db
def test_an_api_500_answers_json_with_the_request_id():
    response = Client(raise_request_exception=False).get("/api/v1/test-errors/boom", HTTP_X_REQUEST_ID="ticket-api-500")
    assert response.status_code == 500
    assert response.json()["code"] == "server_error" and response.json()["request_id"] == "ticket-api-500"
