from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import permissions
from .permissions import access_for


def navigation(request):
    """The main menu, by what the visitor may use. Apps add their entries through NAV_ENTRIES."""
    access = access_for(getattr(request, "user", None))
    entries = [(reverse("hub-list"), _("Hubs"))]
    for url_name, label, allowed in NAV_ENTRIES:
        if allowed(access):
            entries.append((reverse(url_name), label))
    if permissions.can_list_people(access):
        entries.append((reverse("people-search"), _("People")))
    return {"nav_entries": entries, "access": access}


# (url name, label, who sees it). Each app appends its own entries in its AppConfig.ready().
NAV_ENTRIES: list = []

# Insights for planners and coordinators (aggregates only).
NAV_ENTRIES.append(("insights:dashboard", _("Insights"), permissions.can_see_insights))
