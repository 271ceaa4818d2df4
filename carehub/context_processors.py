from functools import lru_cache

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import permissions
from .permissions import access_for
from .registry import hooks


@lru_cache(maxsize=1)
def _entries() -> tuple:
    """(url name, label, who sees it): the core's first, then each app's (registry hook `navigation`)."""
    entries = []
    for _app, navigation in hooks("navigation"):
        entries.extend(navigation())
    entries.append(("insights:dashboard", _("Insights"), permissions.can_see_insights))
    return tuple(entries)


def navigation(request):
    """The main menu, by what the visitor may use."""
    access = access_for(getattr(request, "user", None))
    entries = [(reverse("hub-list"), _("Hubs"))]
    for url_name, label, allowed in _entries():
        if allowed(access):
            entries.append((reverse(url_name), label))
    if permissions.can_list_people(access):
        entries.append((reverse("people-search"), _("People")))
    return {"nav_entries": entries, "access": access}
