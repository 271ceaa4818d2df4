"""Erasing a person cancels their upcoming advice appointments and blanks every reason, in one transaction
whose locks keep carehub.locking's order (the person, then all their appointments by id)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from advice.models import Appointment, CaseNote
from carehub import privacy
from carehub.models import PrivacyRecord
from carehub.notifications.models import Message
from carehub.permissions import access_for

from .conftest import at

pytestmark = pytest.mark.django_db


def appointment(service, advisor, person, starts_at, **fields):
    return Appointment.objects.create(service=service, advisor=advisor, hub=service.hub, person=person,
                                      starts_at=starts_at, ends_at=starts_at + timedelta(minutes=30),
                                      blocked_until=starts_at + timedelta(minutes=30), **fields)


def test_erasure_cancels_upcoming_appointments_and_blanks_every_reason(coordinator, carer, service, advisor,
                                                                       tuesday):
    _, person = carer
    # Ids out of time order: an upcoming appointment, then a past one with a reason, then another upcoming.
    later = appointment(service, advisor, person, at(tuesday, "10:00"), reason="Herència")
    past = appointment(service, advisor, person, timezone.now() - timedelta(days=7), reason="Acomiadament",
                       status=Appointment.Status.ATTENDED)
    sooner = appointment(service, advisor, person, at(tuesday, "11:00"))
    CaseNote.objects.create(appointment=past, advisor=advisor, text="Secret")

    privacy.erase_person(access=access_for(coordinator), person_id=person.pk,
                         reason=PrivacyRecord.Reason.PERSON_REQUEST)

    statuses = dict(Appointment.objects.values_list("pk", "status"))
    assert statuses == {later.pk: "cancelled", past.pk: "attended", sooner.pk: "cancelled"}
    assert set(Appointment.objects.values_list("reason", flat=True)) == {""}
    assert set(Appointment.history.filter(person_id=person.pk).values_list("reason", flat=True)) == {""}
    assert CaseNote.objects.get(appointment=past).text == ""


def test_the_cancellations_of_an_erasure_write_no_message(coordinator, carer, service, advisor, tuesday):
    """A cancellation message would copy the email and name that the erasure wipes, into the outbox."""
    _, person = carer
    appointment(service, advisor, person, at(tuesday, "10:00"))
    privacy.erase_person(access=access_for(coordinator), person_id=person.pk,
                         reason=PrivacyRecord.Reason.PERSON_REQUEST)
    assert Message.objects.filter(person=person).count() == 0
