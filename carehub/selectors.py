"""Read queries for hubs and people, already scoped to what the caller may see."""

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from . import errors, permissions
from .models import Hub, OpeningBlock, Person, fold
from .permissions import Access


def hubs_public() -> QuerySet[Hub]:
    return Hub.objects.filter(is_active=True).prefetch_related(
        Prefetch("opening_blocks", queryset=OpeningBlock.objects.order_by("weekday", "opens_at"))
    )


def hub_by_slug(slug: str) -> Hub:
    hub = hubs_public().filter(slug=slug).first()
    if hub is None:
        raise errors.NotFound(code="hub_not_found")
    return hub


def people_visible_to(access: Access) -> QuerySet[Person]:
    """Every person the caller may see. The one gate for listing personal data."""
    people = Person.objects.filter(erased_at__isnull=True).select_related("home_hub")
    if not access.is_authenticated:
        return people.none()
    hub_ids = permissions.people_hub_ids(access)
    if hub_ids is None:
        return people
    scope = Q(home_hub_id__in=hub_ids)
    if access.person is not None:
        scope |= Q(pk=access.person.pk)
    return people.filter(scope)


def search_people(access: Access, *, query: str = "", hub: Hub | None = None) -> QuerySet[Person]:
    """People matching every word of `query` in name, phone or document number (accents ignored)."""
    if not permissions.can_list_people(access):
        raise errors.PermissionDenied(code="people_forbidden")
    people = people_visible_to(access)
    if hub is not None:
        people = people.filter(home_hub=hub)
    for word in fold(query).split():
        digits = "".join(ch for ch in word if ch.isdigit())
        # A phone typed with spaces or dashes still matches the stored digits.
        term = digits if digits and len(digits) == len(word.replace("-", "").replace("+", "")) else word
        people = people.filter(search_text__contains=term)
    return people


def person_for(access: Access, person_id: int) -> Person:
    """One person, or NotFound when it does not exist or is outside the caller's scope (no leak)."""
    if not access.is_authenticated:
        raise errors.NotAuthenticated()
    person = people_visible_to(access).filter(pk=person_id).first()
    if person is None:
        raise errors.NotFound(_("No person with this number in your hub."), code="person_not_found")
    return person

