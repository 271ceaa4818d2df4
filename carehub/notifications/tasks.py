"""The background task (Django's Tasks API, `django-tasks` backport): one delivery attempt of one message."""

from django_tasks import task

from . import delivery


@task()
def deliver_message(message_id: int) -> str:
    """Run by `manage.py notifications_worker` (db_worker or rqworker). Safe to run twice: see delivery.deliver."""
    return delivery.deliver(message_id)
