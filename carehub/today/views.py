"""The desk's day: today's sessions (with their attendance forms), appointments, holds to collect, items to
clean or repair, loans due and overdue, and the calls to make, for the hubs the caller works at the desk of.

Each app adds its section with the registry hook `desk_day` (carehub/registry.py) and renders it with its own
template; the page asks every app once, so its number of queries does not grow with the data (each section
reads a fixed number of capped lists)."""

from django import forms
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carehub import selectors
from carehub.permissions import access_for
from carehub.registry import hooks
from carehub.web import desk_hubs, desk_required

CALLS_SHOWN = 10  # per hub; the call list has them all


class HubForm(forms.Form):
    """Narrow the day to one of the caller's hubs (`?hub=<slug>`); empty means all of them."""

    hub = forms.ChoiceField(label=_("Hub"), required=False)

    def __init__(self, *args, hubs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hub"].choices = [("", _("All my hubs"))] + [(hub.slug, hub.name) for hub in hubs]


def day_sections(access, *, hub_ids: list[int], today, now) -> list[dict]:
    """Each app's section (a dict naming its `template`; empty when it has nothing for this caller), in the
    order each asks for (`order`), then INSTALLED_APPS order."""
    sections = []
    for app, contribute in hooks("desk_day"):
        section = contribute(access, hub_ids=hub_ids, today=today, now=now)
        if section:
            sections.append({"app": app, **section})
    return sorted(sections, key=lambda section: section.get("order", 50))


@desk_required
def desk_day(request):
    access = access_for(request.user)
    hubs = list(desk_hubs(access).order_by("name", "pk"))
    form = HubForm(request.GET or None, hubs=hubs)
    chosen = form.cleaned_data["hub"] if form.is_bound and form.is_valid() else ""
    shown = [hub for hub in hubs if hub.slug == chosen] or hubs
    hub_ids = [hub.pk for hub in shown]
    now = timezone.now()
    today = timezone.localdate(now)
    calls = [hub for hub in selectors.call_lists(access) if hub.pk in set(hub_ids)]
    for hub in calls:
        hub.calls_shown = hub.calls[:CALLS_SHOWN]
    return render(request, "today/day.html", {
        "today": today, "now": now, "hubs": shown, "hub_form": form if len(hubs) > 1 else None,
        "sections": day_sections(access, hub_ids=hub_ids, today=today, now=now),
        "calls": calls, "calls_total": sum(len(hub.calls) for hub in calls),
        "signups_to_check": selectors.signups_to_check(access, hub_ids),
        "back": request.get_full_path(),
    })
