"""The demo: the first hub (where `advisor` works) offers legal and employment advice with free slots filling
the coming weeks; every other hub offers at least one service."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from advice import selectors
from advice.models import AdviceService, Appointment, CaseNote
from carehub.models import Hub, Role, StaffRole

pytestmark = pytest.mark.django_db


def test_the_demo_loads_advice_everywhere():
    call_command("load_demo", stdout=StringIO())
    hubs = list(Hub.objects.order_by("pk"))
    first = hubs[0]
    assert StaffRole.objects.filter(user__username="advisor", role=Role.ADVISOR, hub=first).exists()
    kinds = set(AdviceService.objects.filter(hub=first).values_list("kind", flat=True))
    assert {"legal", "employment"} <= kinds
    today = timezone.localdate()
    for service in AdviceService.objects.filter(hub=first):
        for week in range(4):
            start = today + timedelta(days=7 * week + 1)
            assert selectors.free_slots(service=service, date_from=start, date_to=start + timedelta(days=6)), \
                (service, week)
    for hub in hubs[1:]:
        assert AdviceService.objects.filter(hub=hub, is_active=True).exists(), hub
        service = AdviceService.objects.filter(hub=hub).first()
        assert selectors.free_slots(service=service, date_from=today + timedelta(days=1),
                                    date_to=today + timedelta(days=14)), hub
    assert Appointment.objects.filter(person__user__username="carer", status="booked").exists()
    assert CaseNote.objects.exists()
