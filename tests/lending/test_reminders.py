"""Daily reminders: due soon and overdue, once per milestone and due date, in the person's language, written to
the outbox (carehub.notifications) together with their marker, so that a run failing half-way resumes."""

import pytest
from django.core import mail
from django.core.management import call_command

from carehub.notifications.models import Message, MessageStatus
from lending import reminders
from lending.models import LoanReminder
from tests.conftest import make_person

from .conftest import days, lend, make_item, today

pytestmark = pytest.mark.django_db(transaction=True)


def _reminders(kind=None):
    messages = Message.objects.filter(kind__in=[kind] if kind else ["loan_due_soon", "loan_overdue"])
    return sorted(messages.values_list("kind", "related_id"))


def _overdue(desk, hub, item_type, person=None, *, by=1):
    loan = lend(desk, make_item(hub, item_type), person or make_person(hub))
    loan.due_on = today() - days(by)
    loan.save()
    return loan


def test_each_reminder_is_written_once_however_often_the_job_runs(desk, hub, item):
    soon = lend(desk, item, make_person(hub), due_on=today() + days(2))
    late = _overdue(desk, hub, item.item_type)
    expected = sorted([("loan_due_soon", str(soon.pk)), ("loan_overdue", str(late.pk))])
    assert reminders.send(today=today()) == 2
    assert reminders.send(today=today()) == 0
    call_command("send_reminders", stdout=open("/dev/null", "w"))
    assert _reminders() == expected
    assert LoanReminder.objects.count() == 2
    assert mail.outbox == []  # nothing is sent by the job itself: the worker delivers


def test_a_person_without_email_or_mobile_is_reminded_on_the_loans_hub_call_list(desk, hub, item):
    loan = lend(desk, item, make_person(hub, email="", phone="93 256 41 00"), due_on=today() + days(1))
    reminders.send(today=today())
    message = Message.objects.get(kind="loan_due_soon")
    assert (message.person_id, message.hub_id, message.status) == (loan.borrower_id, hub.pk, MessageStatus.TO_CALL)


def test_a_failure_half_way_is_retried_by_the_next_run_without_a_duplicate(desk, hub, item, monkeypatch):
    loans = [_overdue(desk, hub, item.item_type, by=n) for n in (1, 2, 3)]
    real_notify, calls = reminders.notify, []

    def second_call_fails(person, **kwargs):
        calls.append(kwargs["related"].pk)
        if len(calls) == 2:
            raise RuntimeError("simulated crash on the second reminder")
        return real_notify(person, **kwargs)

    monkeypatch.setattr(reminders, "notify", second_call_fails)
    with pytest.raises(reminders.RemindersFailed):
        reminders.send(today=today())
    # The failed one left neither its marker nor its message; the others were written.
    failed = calls[1]
    assert sorted(LoanReminder.objects.values_list("loan_id", flat=True)) == sorted(
        loan.pk for loan in loans if loan.pk != failed)

    monkeypatch.setattr(reminders, "notify", real_notify)
    assert reminders.send(today=today()) == 1
    assert _reminders() == sorted(("loan_overdue", str(loan.pk)) for loan in loans)
    assert reminders.send(today=today()) == 0


def test_a_process_killed_half_way_resumes_on_the_next_run(desk, hub, item, monkeypatch):
    loans = [_overdue(desk, hub, item.item_type, by=n) for n in (1, 2, 3)]
    real_notify, calls = reminders.notify, []

    def dies_on_second(person, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise SystemExit("killed")  # not an Exception: the run stops here, as a killed process would
        return real_notify(person, **kwargs)

    monkeypatch.setattr(reminders, "notify", dies_on_second)
    with pytest.raises(SystemExit):
        reminders.send(today=today())
    assert len(_reminders()) == LoanReminder.objects.count() == 1

    monkeypatch.setattr(reminders, "notify", real_notify)
    assert reminders.send(today=today()) == 2
    assert _reminders() == sorted(("loan_overdue", str(loan.pk)) for loan in loans)


def test_reminder_is_in_the_persons_language(desk, hub, item):
    spanish = _overdue(desk, hub, item.item_type, make_person(hub, preferred_language="es", first_name="Rosa"))
    english = lend(desk, item, make_person(hub, preferred_language="en", first_name="Joan"), due_on=today() + days(1))
    reminders.send(today=today())
    assert Message.objects.get(related_id=str(english.pk)).body.startswith("Hello Joan,")
    assert Message.objects.get(related_id=str(spanish.pk)).body.startswith("Hola, Rosa:")


def test_a_renewal_gives_the_new_due_date_its_own_reminder(desk, hub, item):
    loan = lend(desk, item, make_person(hub), due_on=today() + days(1))
    assert reminders.send(today=today()) == 1
    loan.due_on = today() + days(3)
    loan.save()
    assert reminders.send(today=today()) == 1
    assert Message.objects.filter(kind="loan_due_soon", related_id=str(loan.pk)).count() == 2
