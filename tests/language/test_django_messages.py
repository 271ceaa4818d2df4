"""Django's own messages that carehub shows speak the site's informal "tu" in Catalan and Spanish, and none is
left in English (Django 5.2's new minimum-length message has no Catalan translation in Django itself)."""

import re
from pathlib import Path

import django
import polib
import pytest
from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation

from carehub.i18n import DJANGO_MESSAGES
from tests.conftest import make_caregiver, make_hub, make_user

DJANGO = Path(django.__file__).parent
FORMAL = re.compile(r"Introduïu|Introdueixi|Assegureu|Esculliu|Si us plau|vostra|Introduzca|Asegúrese|Escoja|"
                    r"Por favor|Compruebe|Asegure")


def msgids(message) -> tuple[str, str | None]:
    """(singular, plural) of a DJANGO_MESSAGES item: a plain msgid, or an ngettext_lazy's pair."""
    if isinstance(message, str):
        return message, None
    return message._kw["singular"], message._kw["plural"]


def test_every_listed_message_is_exactly_one_django_uses():
    # Django's Spanish catalogues are complete; a listed msgid that is not in them would translate nothing.
    django_msgids = set()
    for catalogue in ("conf/locale/es/LC_MESSAGES/django.po", "contrib/auth/locale/es/LC_MESSAGES/django.po"):
        django_msgids |= {entry.msgid for entry in polib.pofile(str(DJANGO / catalogue))}
    assert sorted(msgids(m)[0] for m in DJANGO_MESSAGES if msgids(m)[0] not in django_msgids) == []


@pytest.mark.parametrize("language", ["ca", "es"])
def test_every_listed_message_is_translated_informally(language):
    with translation.override(language):
        for message in DJANGO_MESSAGES:
            singular, plural = msgids(message)
            shown = translation.ngettext(singular, plural, 2) if plural else translation.gettext(singular)
            assert shown not in (singular, plural), singular
            assert not FORMAL.search(shown), shown


def password_errors(password: str, language: str) -> list[str]:
    user = make_user("marta.puig", first_name="Marta", email="marta@example.org")
    with translation.override(language):
        try:
            validate_password(password, user)
        except ValidationError as error:
            return [str(message) for message in error.messages]
    return []


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "expected"), [
    ("ca", ["Aquesta contrasenya és massa curta: ha de tenir almenys 10 caràcters.",
            "Aquesta contrasenya és massa habitual.", "Aquesta contrasenya només té xifres."]),
    ("es", ["Esta contraseña es demasiado corta: debe tener al menos 10 caracteres.",
            "Esta contraseña es demasiado común.", "Esta contraseña solo tiene números."])])
def test_the_password_validators_speak_the_site_register(language, expected):
    assert password_errors("123456", language) == expected


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "expected"), [
    ("ca", "La contrasenya s&#x27;assembla massa a una altra dada teva"),
    ("es", "La contraseña se parece demasiado a otro dato tuyo")])
def test_a_password_like_the_username_is_refused_informally(language, expected):
    from django.utils.html import escape

    (message,) = password_errors("marta.puig", language)[:1]
    assert escape(expected.replace("&#x27;", "'")) in escape(message)


class _Form(forms.Form):
    name = forms.CharField(max_length=5)
    email = forms.EmailField()
    day = forms.DateField()


@pytest.mark.parametrize(("language", "expected"), [
    ("ca", {"name": ["Escriu com a màxim 5 caràcters (n'has escrit 7)."],
            "email": ["Escriu una adreça de correu electrònic vàlida."],
            "day": ["Aquest camp és obligatori."]}),
    ("es", {"name": ["Escribe como máximo 5 caracteres (has escrito 7)."],
            "email": ["Escribe una dirección de correo electrónico válida."],
            "day": ["Este campo es obligatorio."]})])
def test_form_errors_speak_the_site_register(language, expected):
    with translation.override(language):
        form = _Form({"name": "Montse!", "email": "not-an-address", "day": ""})
        assert not form.is_valid()
        assert {field: [str(e) for e in errors] for field, errors in form.errors.items()} == expected


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "expected"), [
    ("ca", ["La contrasenya actual no és correcta. Torna-la a escriure.",
            "Les dues contrasenyes no coincideixen."]),
    ("es", ["La contraseña actual no es correcta. Vuelve a escribirla.",
            "Las dos contraseñas no coinciden."])])
def test_the_password_change_form_speaks_the_site_register(language, expected):
    user, _person = make_caregiver(make_hub(), preferred_language=language)
    client = Client()
    client.force_login(user)
    page = client.post("/account/password/", {
        "old_password": "not-mine", "new_password1": "a-brand-new-password",
        "new_password2": "another-new-password"}).content.decode()
    for message in expected:
        assert message in page
    assert "Contrasenya actual" in page if language == "ca" else "Contraseña actual" in page
    assert not FORMAL.search(page)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["ca", "es"])
def test_the_login_page_speaks_the_site_register(language):
    make_user("marta", password="a-long-test-password")
    page = Client().post("/login/", {"username": "marta", "password": "wrong-password"},
                         HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert 'class="form-errors" role="alert"' in page
    assert not FORMAL.search(page)
