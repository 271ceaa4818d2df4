"""What the lending bank shows on the desk's person page and on a caregiver's own account page.

Both are scoped by `carehub.permissions` through the selectors: the desk sees only the loans and holds of
its own hubs; a caregiver only their own. Lists are capped so that a person with years of loans does not
make the page slow.
"""

from carehub import permissions

from . import selectors
from .models import HoldStatus

SHOWN = 20


def _with_positions(holds):
    holds = list(holds)
    for hold in holds:
        hold.position = selectors.position_in_queue(hold)
    return holds


def person_context(access, person) -> dict:
    if not permissions.can_list_people(access):
        return {}
    loans = selectors.person_loans(access, person)[:SHOWN]
    holds = selectors.holds_visible_to(access).filter(
        person=person, status__in=[HoldStatus.WAITING, HoldStatus.OFFERED]
    ).filter(**({} if permissions.people_hub_ids(access) is None
                else {"hub_id__in": permissions.people_hub_ids(access)}))
    return {"loans": list(loans), "holds": _with_positions(holds)}


def account_context(access, person) -> dict:
    if person is None or access.person is None or access.person.pk != person.pk:
        return {}
    loans = selectors.own_loans(person).filter(returned_at__isnull=True)[:SHOWN]
    return {"loans": list(loans), "holds": _with_positions(selectors.own_holds(person))}
