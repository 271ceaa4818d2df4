"""What guidance shows on the desk's person page and on a caregiver's own page.

The person page: the person's attentions at the caller's hubs (the desk and coordinators there), with the
desk's notes, capped. The caregiver's page: only the questions they asked online and the answers, never
the desk's notes or outcomes.
"""

from carehub import permissions

from . import selectors

SHOWN = 10


def person_context(access, person) -> dict:
    if not permissions.can_list_people(access):
        return {}
    rows = list(selectors.attentions_of_person(access, person)[:SHOWN + 1])
    hubs = [hub for hub in (person.home_hub,) if permissions.can_record_attention_at(access, hub.pk)]
    return {"attentions": rows[:SHOWN], "more": len(rows) > SHOWN, "person": person, "can_record": bool(hubs)}


def account_context(access, person) -> dict:
    if access.person is None or access.person.pk != person.pk:
        return {}
    return {"requests": list(selectors.my_requests(access)[:SHOWN])}
