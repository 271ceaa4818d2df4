"""Reads for the desk screen, scoped like every people read (`carehub.selectors.people_visible_to`)."""

import re

from django.utils.translation import gettext_lazy as _

from carehub import errors, permissions
from carehub import selectors as core
from carehub.registry import hooks

from .cards import person_id_from_card

PEOPLE_SHOWN = 20
CALLS_SHOWN = 10
# More than a desk would ever scan at once (an app refuses above its own limit); bounds the lookups.
TOKENS_READ = 50
# What separates several tags typed (or pasted) into the scan field: spaces, commas, semicolons, new lines.
_SEPARATORS = re.compile(r"[\s,;]+")


def desk_person(access, person_id: int):
    """The person the desk may serve: visible to the caller and of a hub where the caller acts for people
    (a desk worker's own record at another hub is theirs to see, not to serve). NotFound otherwise."""
    person = core.person_for(access, person_id)
    if not permissions.can_act_for_people_at(access, person.home_hub_id):
        raise errors.NotFound(_("No person with this number in your hub."), code="person_not_found")
    return person


def person_from_card(access, text: str):
    """The person whose card number was scanned or typed, if the desk may serve them; else None."""
    person_id = person_id_from_card(text)
    if person_id is None:
        return None
    try:
        return desk_person(access, person_id)
    except errors.DomainError:
        pass
    # The card of a record since merged into another still finds the person kept.
    kept = core.merged_into_for(access, person_id)
    if kept is not None and permissions.can_act_for_people_at(access, kept.home_hub_id):
        return kept
    return None


def find_people(access, query: str) -> list:
    """People matching a fragment of name, phone or document (every word), at most PEOPLE_SHOWN + 1 so
    that the page can say there are more."""
    return list(core.search_people(access, query=query)[: PEOPLE_SHOWN + 1])


def tokens(text: str) -> list[str]:
    """The separate things typed or scanned into one field, in order, each once (case ignored)."""
    seen, found = set(), []
    for token in _SEPARATORS.split(str(text or "")):
        key = token.upper()
        if token and key not in seen:
            seen.add(key)
            found.append(token)
    return found


def calls_waiting(access, person) -> list:
    """Messages for this person that the desk must still give by phone, at the caller's hubs (one query)."""
    from carehub.notifications.models import Message, MessageStatus

    messages = Message.objects.filter(person=person, status=MessageStatus.TO_CALL).select_related("person")
    hub_ids = permissions.people_hub_ids(access)
    if hub_ids is not None:
        messages = messages.filter(hub_id__in=hub_ids)
    shown = list(messages.order_by("created_at", "pk")[:CALLS_SHOWN])
    for message in shown:
        core.describe_call(message)
    return shown


def call_of(access, person, message_id: int):
    """One of the person's messages at the caller's hubs, or NotFound."""
    message = core.call_for(access, message_id)
    if message.person_id != person.pk:
        raise errors.NotFound(code="message_not_found")
    return message


def panel_classes() -> list[tuple[str, type]]:
    """(app label, DeskPanel subclass) of every app that contributes to the desk screen, in panel order."""
    return sorted(hooks("desk_panel"), key=lambda entry: entry[1].order)


def panel_class(app_label: str):
    return next((cls for label, cls in panel_classes() if label == app_label), None)


def panels(access, person, *, today) -> list:
    """Each app's panel for the person, loaded (a fixed number of queries each), those with something to
    show the caller."""
    built = [cls(access, person, today=today) for _label, cls in panel_classes()]
    return [panel for panel in built if panel.visible]
