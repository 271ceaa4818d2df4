"""The loan agreement: a printable page per loan, in the borrower's language whatever the desk reads, with the
item, its condition, the due date, the deposit, the hub's contact and signature lines."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from tests.conftest import client_for as _client_for
from tests.conftest import make_person

from .conftest import lend, make_item, make_type

pytestmark = pytest.mark.django_db


def client_for(user):
    client = _client_for(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the desk reads English
    return client


@pytest.fixture
def loan(desk, hub):
    hub.phone, hub.email = "93 256 41 00", "santantoni@example.org"
    hub.save()
    item = make_item(hub, make_type(name="Cadira de rodes", deposit_eur=Decimal("30")), asset_tag="SA-WC-777")
    return lend(desk, item, make_person(hub, first_name="Lucía", last_name="Ortega", preferred_language="es"),
                deposit_method="cash")


def test_the_loan_page_links_to_its_agreement(desk, loan):
    page = client_for(desk).get(reverse("lending:loan", args=[loan.pk])).content.decode()
    assert reverse("lending:loan-agreement", args=[loan.pk]) in page


def test_the_agreement_is_in_the_borrowers_language(desk, loan):
    page = client_for(desk).get(reverse("lending:loan-agreement", args=[loan.pk])).content.decode()
    assert '<html lang="es">' in page
    assert "Fecha de devolución" in page and "Persona prestataria" in page  # Spanish, not the desk's English
    assert "Due back on" not in page


def test_the_agreement_says_what_when_the_deposit_and_the_hubs_contact(desk, loan):
    page = client_for(desk).get(reverse("lending:loan-agreement", args=[loan.pk])).content.decode()
    assert "Cadira de rodes · SA-WC-777" in page and "Lucía Ortega" in page
    with translation.override("es"):
        assert str(loan.item.get_condition_display()) in page
    assert "30,00" in page  # the deposit collected, in the borrower's number format
    assert "93 256 41 00" in page and "santantoni@example.org" in page and loan.hub.address in page
    assert page.count('class="signature-line"') == 2


def test_the_agreement_prints_without_navigation_or_inline_styles(desk, loan):
    page = client_for(desk).get(reverse("lending:loan-agreement", args=[loan.pk])).content.decode()
    assert 'href="/static/lending/lending.css"' in page and "<style" not in page and ' style="' not in page
    assert 'class="no-print"' in page


def test_the_agreement_never_shows_a_waivers_reason(desk, hub):
    item = make_item(hub, make_type(deposit_eur=Decimal("30")))
    loan = lend(desk, item, make_person(hub), deposit_waived=True, deposit_waiver_reason="Ingressos baixos")
    page = client_for(desk).get(reverse("lending:loan-agreement", args=[loan.pk])).content.decode()
    assert "Ingressos baixos" not in page


def test_another_hubs_desk_gets_404(other_desk, loan):
    assert client_for(other_desk).get(reverse("lending:loan-agreement", args=[loan.pk])).status_code == 404
