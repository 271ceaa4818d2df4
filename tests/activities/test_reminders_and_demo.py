import pytest
from django.core.management import call_command
from django.utils import timezone

from activities import reminders, services
from activities.models import Activity, ActivityKind, Booking, GroupMembership, Session
from carehub.notifications.models import Message
from carehub.permissions import access_for
from tests.conftest import load_demo, make_caregiver

from .helpers import make_session

pytestmark = pytest.mark.django_db


def test_reminders_go_once_to_tomorrows_confirmed_bookings(hub):
    tomorrow = make_session(hub, days=1, capacity=1)
    later = make_session(hub, days=3)
    confirmed_user, confirmed = make_caregiver(hub, preferred_language="es")
    waiting_user, _ = make_caregiver(hub)
    services.book_session(access=access_for(confirmed_user), session_id=tomorrow.pk)
    services.book_session(access=access_for(waiting_user), session_id=tomorrow.pk)
    services.book_session(access=access_for(confirmed_user), session_id=later.pk)
    assert reminders.send(today=timezone.localdate()) == 1
    reminded = Message.objects.filter(kind="session_reminder")
    assert [(m.person_id, m.subject) for m in reminded] == [(confirmed.pk, "Mañana: Xerrada sobre demència")]
    assert reminders.send(today=timezone.localdate()) == 0
    assert reminded.count() == 1


def test_send_reminders_command_runs(hub, capsys):
    make_session(hub, days=1)
    call_command("send_reminders")
    assert "activities:" in capsys.readouterr().out


def test_demo_loads_a_programme_with_full_sessions_groups_and_seats_for_the_carer():
    load_demo()
    from carehub.models import Hub, Person
    hubs = Hub.objects.count()
    assert Activity.objects.filter(title_ca__icontains="demència").count() == hubs  # the Catalan original
    assert Activity.objects.filter(kind=ActivityKind.SUPPORT_GROUP).count() == hubs
    assert Activity.objects.filter(kind=ActivityKind.OUTDOOR).count() == hubs
    assert GroupMembership.objects.filter(status="member").exists()
    last = Session.objects.order_by("-starts_at").first()
    assert (last.starts_at - timezone.now()).days >= 34
    assert Session.objects.filter(confirmed_count__gte=1).exclude(confirmed_count__lt=models_capacity()).exists()
    assert Booking.objects.filter(status="waitlisted").exists()
    carer = Person.objects.get(user__username="carer")
    assert Booking.objects.filter(person=carer, status="waitlisted").exists()
    bookable = (Session.objects.filter(activity__hub=carer.home_hub, status="scheduled")
                .exclude(activity__kind=ActivityKind.SUPPORT_GROUP)
                .exclude(bookings__person=carer))
    assert any(s.seats_left for s in bookable)


def models_capacity():
    from django.db.models import F
    return F("capacity")
