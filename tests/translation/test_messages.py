"""A message is written in its recipient's language, catalogue content included: a Spanish-speaking caregiver
booked by an English-speaking desk reads the activity's Spanish title, not the desk's English one."""

import pytest
from django.utils import translation

from activities import services as activity_services
from carehub.models import Role
from carehub.notifications.models import Message
from carehub.permissions import access_for
from lending.models import Item, ItemStatus
from lending.services import lend_item
from tests.conftest import make_person, make_user

from .conftest import TRANSLATED

pytestmark = pytest.mark.django_db


def test_a_booking_message_carries_the_title_in_the_recipients_language(catalogue):
    desk = make_user(roles=[(Role.DESK, catalogue.hub)])
    reader = make_person(catalogue.hub, first_name="Lucía", email="lucia@example.org", preferred_language="es")
    with translation.override("en"):  # the desk's page is in English
        activity_services.book_session(access=access_for(desk), session_id=catalogue.walk.sessions.get().pk,
                                       person_id=reader.pk)
    message = Message.objects.get(person=reader)
    text = message.subject + message.body
    assert TRANSLATED["title"][1] in text  # "Paseo por el barrio"
    assert TRANSLATED["title"][2] not in text and TRANSLATED["title"][0] not in text


def test_a_due_reminder_names_the_item_type_in_the_recipients_language(catalogue, frozen_clock):
    from datetime import timedelta

    from lending import reminders

    desk = make_user(roles=[(Role.DESK, catalogue.hub)])
    reader = make_person(catalogue.hub, first_name="Lucía", email="lucia@example.org", preferred_language="es")
    bed = Item.objects.filter(item_type__name_ca=TRANSLATED["item_type"][0], status=ItemStatus.AVAILABLE).first()
    with translation.override("en"):
        loan = lend_item(access=access_for(desk), item_tag=bed.asset_tag, borrower_id=reader.pk)
        frozen_clock.move_to(loan.due_on - timedelta(days=reminders.DAYS_BEFORE_DUE))
        assert reminders.send() >= 1  # the daily job, run from an English-speaking process
    message = Message.objects.get(person=reader, kind="loan_due_soon")
    assert TRANSLATED["item_type"][1] in message.body  # "Cama articulada eléctrica"
    assert TRANSLATED["item_type"][2] not in message.body
