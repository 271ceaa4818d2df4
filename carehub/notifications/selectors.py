"""Reads for the desk (phase 2 pages): the hub's call list and what was sent to a person."""

from django.db.models import QuerySet

from carehub import errors, permissions

from .models import Message, MessageStatus


def call_list(access, hub) -> QuerySet[Message]:
    """Messages the desk of `hub` must phone about, oldest first, with the person (one query)."""
    if not permissions.can_act_for_people_at(access, hub.pk):
        raise errors.PermissionDenied(code="hub_forbidden")
    return Message.objects.call_list(hub)


def messages_for_person(access, person) -> QuerySet[Message]:
    """What was sent to `person`, when, by which channel, and what failed: for their page at the desk."""
    if not permissions.can_act_for_people_at(access, person.home_hub_id):
        raise errors.PermissionDenied(code="people_forbidden")
    return Message.objects.for_person(person).select_related("done_by")


def call_list_count(access, hub) -> int:
    if not permissions.can_act_for_people_at(access, hub.pk):
        return 0
    return Message.objects.filter(hub=hub, status=MessageStatus.TO_CALL).count()
