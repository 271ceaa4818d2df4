"""The monthly digest on the caregiver's My page and on the desk's person page: whether the person gets their
home hub's digest, and the button that changes it (both post to `news:subscription`)."""

from carehub import permissions

from . import selectors


def _context(person) -> dict:
    hub = person.home_hub
    subscription = selectors.subscription_of(person, hub)
    return {"person": person, "hub": hub, "subscription": subscription,
            "subscribed": subscription is not None and subscription.is_active,
            "reachable": selectors.can_get_digest(person)}


def account_context(access, person) -> dict:
    if access.person is None or access.person.pk != person.pk:
        return {}
    return _context(person)


def person_context(access, person) -> dict:
    if not permissions.can_manage_digest_of(access, person):
        return {}
    return _context(person)
