"""The accessibility statement has what Royal Decree 1112/2018 (and its model statement) asks for: the
compliance status, the content that is not accessible, how and when the statement was prepared, a contact
and complaint channel, the enforcement procedure and the date of its last review, in each language."""

import pytest

pytestmark = pytest.mark.django_db

SECTIONS = {
    "ca": ["Situació de compliment", "parcialment conforme", "Contingut no accessible",
           "Preparació d'aquesta declaració d'accessibilitat", "Observacions i dades de contacte",
           "Procediment d'aplicació", "Unitat Responsable d'Accessibilitat", "UNE-EN 301549:2022",
           "es va preparar el 23 de novembre de 2026", "per última vegada l'1 de desembre de 2026",
           "20 dies hàbils"],
    "es": ["Situación de cumplimiento", "parcialmente conforme", "Contenido no accesible",
           "Preparación de la presente declaración de accesibilidad", "Observaciones y datos de contacto",
           "Procedimiento de aplicación", "Unidad Responsable de Accesibilidad", "UNE-EN 301549:2022",
           "se preparó el 23 de noviembre de 2026", "por última vez el 1 de diciembre de 2026",
           "20 días hábiles"],
    "en": ["Compliance status", "partially compliant", "Non-accessible content",
           "Preparation of this accessibility statement", "Feedback and contact details",
           "Enforcement procedure", "Accessibility Unit", "UNE-EN 301549:2022",
           "prepared on 23 November 2026", "last reviewed on 1 December 2026", "20 working days"],
}


@pytest.mark.parametrize("language", list(SECTIONS))
def test_the_statement_has_every_part_the_decree_asks_for(client, language):
    page = client.get("/accessibility/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    missing = [part for part in SECTIONS[language] if part not in page]
    assert missing == []


def test_requests_and_complaints_go_to_the_configured_address(client, settings):
    settings.ACCESSIBILITY_CONTACT_EMAIL = "accessibilitat@example.barcelona"
    page = client.get("/accessibility/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'href="mailto:accessibilitat@example.barcelona"' in page
