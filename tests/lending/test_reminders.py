"""Daily reminders: due soon and overdue, once per milestone, in the person's language."""

import pytest
from django.core import mail
from django.core.management import call_command

from lending import reminders
from tests.conftest import make_person

from .conftest import days, lend, make_item, today

pytestmark = pytest.mark.django_db(transaction=True)


def test_reminders_are_sent_once_per_milestone(desk, hub, item):
    soon = lend(desk, item, make_person(hub), due_on=today() + days(2))
    late = lend(desk, make_item(hub, item.item_type), make_person(hub))
    late.due_on = today() - days(1)
    late.save()
    lend(desk, make_item(hub, item.item_type), make_person(hub, email=""), due_on=today() + days(1))
    assert reminders.send(today=today()) == 2
    assert len(mail.outbox) == 2
    assert reminders.send(today=today()) == 0
    call_command("send_reminders", stdout=open("/dev/null", "w"))
    assert len(mail.outbox) == 2
    assert {message.to[0] for message in mail.outbox} == {soon.borrower.email, late.borrower.email}


def test_reminder_is_in_the_persons_language(desk, hub, item):
    spanish = make_person(hub, preferred_language="es")
    loan = lend(desk, item, spanish)
    loan.due_on = today() - days(3)
    loan.save()
    english = make_person(hub, preferred_language="en")
    lend(desk, make_item(hub, item.item_type), english, due_on=today() + days(1))
    reminders.send(today=today())
    by_person = {message.to[0]: message for message in mail.outbox}
    assert by_person[english.email].subject.startswith("Reminder")
    assert "Hola" in by_person[spanish.email].body


def test_a_renewal_gives_the_new_due_date_its_own_reminder(desk, hub, item):
    loan = lend(desk, item, make_person(hub), due_on=today() + days(1))
    assert reminders.send(today=today()) == 1
    loan.due_on = today() + days(3)
    loan.save()
    assert reminders.send(today=today()) == 1
