from functools import lru_cache

from django.urls import reverse
from django.utils.functional import SimpleLazyObject, lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import permissions, selectors
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
    context = {"access": access}
    if permissions.can_list_people(access):
        entries.insert(1, (reverse("desk:find"), _("Desk")))
        entries.insert(2, (reverse("today:day"), _("Today")))
        entries.append((reverse("people-search"), _("People")))
        # Lazy: the one count query runs only when a page renders the menu (or the landing page's summary,
        # which shares it: carehub/_call_list_summary.html), never for a redirect.
        summary = SimpleLazyObject(lambda: selectors.call_list_summary(access))
        entries.append((reverse("call-list"), lazy(lambda: _calls_label(summary.total), str)()))
        context["call_summary"] = summary
    context["nav_entries"] = entries
    return context


def _calls_label(total: int) -> str:
    return gettext("Calls (%(count)s)") % {"count": total} if total else gettext("Calls")
