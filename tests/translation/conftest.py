"""A small catalogue typed in Catalan and translated in part, as coordinators enter it (docs/translation.md)."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone, translation

from activities import services as activity_services
from activities.models import Activity
from advice.models import AdviceService, Appointment, Availability
from carehub.models import Role
from carehub.permissions import access_for
from lending.models import Category, Item, ItemStatus, ItemType
from lending.services import lend_item
from tests.activities.helpers import at, coordinator_of
from tests.conftest import make_caregiver, make_hub, make_user

FROZEN_NOW = "2026-11-24 09:00:00+01:00"

# Translated texts: on a Spanish or English page, never the Catalan.
TRANSLATED = {
    "title": ("Passejada pel barri", "Paseo por el barrio", "Walk around the neighbourhood"),
    "description": ("Caminem a poc a poc.", "Caminamos despacio.", "We walk slowly."),
    "place": ("Plaça del Sortidor", "Plaza del Sortidor", "Sortidor Square"),
    "accessibility_notes": ("Recorregut pla.", "Recorrido llano.", "A flat route."),
    "service": ("Assessorament jurídic", "Asesoramiento jurídico", "Legal advice"),
    "service_description": ("Herències i contractes.", "Herencias y contratos.", "Inheritance and contracts."),
    "item_type": ("Llit articulat elèctric", "Cama articulada eléctrica", "Electric adjustable bed"),
    "hub_description": ("Un espai per a qui cuida.", "Un espacio para quien cuida.", "A place for carers."),
}
# Texts in Catalan only: shown as the fallback, marked lang="ca".
CATALAN_ONLY = {
    "title": "Xerrada de la infermera",
    "service": "Assessorament laboral",
    "item_type": "Grua de transferència",
    "community_space": "Biblioteca Sant Antoni",
}


def columns(field, texts) -> dict:
    return dict(zip((f"{field}_ca", f"{field}_es", f"{field}_en"), texts))


@dataclass
class Catalogue:
    hub: object
    walk: Activity
    talk: Activity
    legal: AdviceService
    employment: AdviceService
    user: object
    person: object


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(FROZEN_NOW, tick=True) as traveller:
        yield traveller


@pytest.fixture
def catalogue(db) -> Catalogue:
    # Typed as the hubs type: in Catalan (a plain `community_space=` would go to the active language's column).
    with translation.override("ca"):
        return _catalogue()


def _catalogue() -> Catalogue:
    hub = make_hub(name="Vila Veïna Sant Antoni", slug="sant-antoni", community_space_ca="Biblioteca Sant Antoni",
                   **columns("description", TRANSLATED["hub_description"]))
    coordinator = coordinator_of(hub)
    text = TRANSLATED
    walk = activity_services.create_activity(
        access=access_for(coordinator), hub=hub, kind="outdoor", capacity=10, starts_at=at(3), ends_at=at(3, 11),
        title=text["title"][0], description=text["description"][0], place=text["place"][0],
        accessibility_notes=text["accessibility_notes"][0],
        translations={f"{field}_{code}": text[field][i] for field in ("title", "description", "place",
                      "accessibility_notes") for i, code in ((1, "es"), (2, "en"))},
    )
    talk = activity_services.create_activity(
        access=access_for(coordinator), hub=hub, kind="talk", capacity=10, starts_at=at(4), ends_at=at(4, 11),
        title=CATALAN_ONLY["title"],
    )
    legal = AdviceService.objects.create(hub=hub, kind="legal", **columns("name", text["service"]),
                                         **columns("description", text["service_description"]))
    employment = AdviceService.objects.create(hub=hub, kind="employment", name_ca=CATALAN_ONLY["service"])
    bed = ItemType.objects.create(category=Category.BED_TRANSFER, **columns("name", text["item_type"]))
    hoist = ItemType.objects.create(category=Category.BED_TRANSFER, name_ca=CATALAN_ONLY["item_type"])
    Item.objects.create(asset_tag="SA-PB-001", item_type=bed, hub=hub, status=ItemStatus.AVAILABLE)
    Item.objects.create(asset_tag="SA-PL-001", item_type=hoist, hub=hub, status=ItemStatus.AVAILABLE)
    lent = Item.objects.create(asset_tag="SA-PB-002", item_type=bed, hub=hub, status=ItemStatus.AVAILABLE)
    lent_hoist = Item.objects.create(asset_tag="SA-PL-002", item_type=hoist, hub=hub, status=ItemStatus.AVAILABLE)

    user, person = make_caregiver(hub, "carer", first_name="Montserrat")
    desk = make_user(roles=[(Role.DESK, hub)])
    for item in (lent, lent_hoist):
        lend_item(access=access_for(desk), item_tag=item.asset_tag, borrower_id=person.pk)
    for activity in (walk, talk):
        activity_services.book_session(access=access_for(user), session_id=activity.sessions.get().pk)
    advisor = make_user(roles=[(Role.ADVISOR, hub)])
    for service in (legal, employment):
        Availability.objects.create(advisor=advisor, service=service, weekday=1, start_time="10:00",
                                    end_time="13:00", valid_from=date(2020, 1, 1))
        starts = datetime.fromisoformat(FROZEN_NOW) + timedelta(days=2 + service.pk)
        Appointment.objects.create(service=service, advisor=advisor, hub=hub, person=person, starts_at=starts,
                                   ends_at=starts + timedelta(minutes=30), blocked_until=starts + timedelta(minutes=30))
    return Catalogue(hub=hub, walk=walk, talk=talk, legal=legal, employment=employment, user=user, person=person)
