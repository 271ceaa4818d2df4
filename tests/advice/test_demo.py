"""The demo: the first hub (where `advisor` works) offers legal and employment advice with free slots filling
the coming weeks; every other hub offers at least one service."""

from datetime import timedelta
from io import StringIO

import pytest
from django.utils import timezone

from advice import selectors
from advice.models import AdviceService, Appointment, CaseNote
from carehub.models import Hub, Role, StaffRole
from tests.conftest import load_demo

pytestmark = pytest.mark.django_db


def test_the_demo_loads_advice_everywhere():
    load_demo(stdout=StringIO())
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


# What each demo account gets on each advice page: 200 unless listed. 302: booking sends an account with no
# person (and no desk) back to the slots; 403: the role does not open the page; 404: the row is not theirs.
NOT_200 = {
    "advisor": {"book": 302, "manage": 403, "edit-service": 404, "person": 403},
    "carer": {"appointment": 404, "agenda": 403, "availability": 403, "manage": 403, "edit-service": 404,
              "person": 403},
    "desk": {"availability": 403, "manage": 403, "edit-service": 404},
    "desk2": {"appointment": 404, "availability": 403, "manage": 403, "edit-service": 404, "person": 404},
    "facilitator": {"book": 302, "appointment": 404, "agenda": 403, "availability": 403, "manage": 403,
                    "edit-service": 404, "person": 403},
    "planner": {"book": 302, "appointment": 404, "agenda": 403, "availability": 403, "manage": 403,
                "edit-service": 404, "person": 403},
    "admin": {},
    "coordinator": {},
}


def test_every_advice_page_answers_every_demo_account():
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from tests.conftest import client_for

    load_demo(stdout=StringIO())
    first = Hub.objects.order_by("pk").first()
    service = AdviceService.objects.filter(hub=first).first()
    appointment = Appointment.objects.filter(hub=first).first()
    slot = selectors.free_slots(service=service, date_from=timezone.localdate() + timedelta(days=1),
                                date_to=timezone.localdate() + timedelta(days=14))[0]
    pages = {
        "services": reverse("advice:services") + f"?hub={first.slug}",
        "slots": reverse("advice:slots", args=[service.pk]),
        "book": reverse("advice:book", args=[service.pk]) + f"?advisor={slot.advisor_id}&starts="
        + slot.starts_at.isoformat().replace("+", "%2B") + "&q=a",
        "mine": reverse("advice:mine"), "appointment": reverse("advice:appointment", args=[appointment.pk]),
        "agenda": reverse("advice:agenda"), "availability": reverse("advice:availability"),
        "manage": reverse("advice:manage-services"), "edit-service": reverse("advice:edit-service", args=[service.pk]),
        "account": reverse("account"), "person": reverse("person-detail", args=[appointment.person_id]),
    }
    answers, expected = {}, {}
    for user in get_user_model().objects.filter(username__in=NOT_200):
        client = client_for(user)
        for name, url in pages.items():
            answers[user.username, name] = client.get(url).status_code
            expected[user.username, name] = NOT_200[user.username].get(name, 200)
    assert answers == expected
