"""Pages for hubs, people and accounts. Thin: the work is in services and selectors."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django import forms
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from . import errors, permissions, selectors, services
from .notifications import phones
from .forms import PersonForm, PersonSearchForm, add_domain_error, e164
from .models import PrivacyRecord
from .permissions import access_for
from .registry import hooks
from .web import desk_hubs, desk_required, forbidden, run_service, safe_next_url


CHANNEL_PROMISE = {
    "email": gettext_lazy("The hub will send their messages by email."),
    "sms": gettext_lazy("The hub will send their messages by SMS."),
    "call": gettext_lazy("The desk will phone them with their messages: they will be on the call list."),
}


def home(request):
    return render(request, "carehub/home.html", {"hubs": selectors.hubs_public()[:200]})


def hub_list(request):
    return render(request, "carehub/hub_list.html", {"hubs": selectors.hubs_public()})


def hub_detail(request, slug):
    try:
        hub = selectors.hub_by_slug(slug)
    except errors.NotFound:
        raise Http404
    return render(request, "carehub/hub_detail.html", {"hub": hub})


@desk_required
def people_search(request):
    access = access_for(request.user)
    form = PersonSearchForm(request.GET or None)
    query = form.query
    people = selectors.search_people(access, query=query)
    page = Paginator(people, 25).get_page(request.GET.get("page"))
    return render(request, "carehub/people_search.html", {"form": form, "page": page, "query": query})


@desk_required
@require_http_methods(["GET", "POST"])
def person_register(request):
    access = access_for(request.user)
    hubs = desk_hubs(access)
    initial = {"first_name": request.GET.get("q", "")[:80], "preferred_language": request.LANGUAGE_CODE}
    form = PersonForm(request.POST or None, hubs=hubs, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.register_person(
                access=access,
                hub=form.cleaned_data["hub"],
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                phone=e164(form.cleaned_data["phone"]),
                email=form.cleaned_data["email"],
                notify_by=form.cleaned_data["notify_by"],
                preferred_language=form.cleaned_data["preferred_language"],
                document_number=form.cleaned_data["document_number"],
                consent=form.cleaned_data["consent"],
            )
        except errors.DomainError as exc:
            add_domain_error(form, exc)
        else:
            # Say how the hub will reach them, so the desk does not promise an email to someone without one.
            messages.success(request, f"{_('%(name)s is registered.') % {'name': person.full_name}} "
                                      f"{CHANNEL_PROMISE[person.notify_by]}")
            next_url = safe_next_url(request, request.GET.get("next"))
            if next_url:
                return redirect(f"{next_url}{'&' if '?' in next_url else '?'}person={person.pk}")
            return redirect(person)
    return render(request, "carehub/person_form.html", {"form": form})


@login_required
def person_detail(request, pk):
    access = access_for(request.user)
    if not permissions.can_list_people(access):
        return forbidden(request)
    try:
        person = selectors.person_for(access, pk)
    except errors.NotFound:
        raise Http404
    return render(request, "carehub/person_detail.html",
                  {"person": person, "sections": app_sections("person_section", access, person),
                   "phone_display": phones.for_display(person.phone),
                   "sent": selectors.person_messages(access, person),
                   "can_manage_privacy": permissions.can_manage_privacy_of(access, person)})


# --- the desk's call list: messages the hub must give by phone ----------------------------------------------
@desk_required
def call_list(request):
    """Every hub the user works at, with what its desk must still phone about, oldest first."""
    access = access_for(request.user)
    return render(request, "carehub/call_list.html", {"hubs": selectors.call_lists(access)})


@desk_required
@require_POST
def call_done(request, pk):
    """The "Done" button of one row: post, then back to the list (a reload does not post again)."""
    from carehub.notifications.services import mark_called

    access = access_for(request.user)
    try:
        message = selectors.call_for(access, pk)
    except errors.NotFound:
        raise Http404
    run_service(request, lambda: mark_called(access, message),
                _("Done: the call to %(name)s is recorded.") % {"name": message.person.full_name})
    return redirect("call-list")


def accessibility(request):
    return render(request, "carehub/accessibility.html")


def privacy(request):
    return render(request, "carehub/privacy.html")


def app_sections(hook: str, access, person) -> dict:
    """What each app shows about a person (registry hooks `person_section` for the desk's person page,
    `account_section` for the caregiver's own page), as `sections.<app>` for the app's
    `_person_section.html` / `_account_section.html`. The apps apply their own permission rules there, so a
    section is empty for whoever may not see it."""
    return {app: section(access, person) for app, section in hooks(hook)}


# --- privacy: a coordinator exports or erases a person's data -------------------------------------------
class PrivacyRequestForm(forms.Form):
    reason = forms.ChoiceField(label=gettext_lazy("Ground for the request"), choices=PrivacyRecord.Reason.choices)


class ErasureConfirmForm(PrivacyRequestForm):
    confirm = forms.BooleanField(
        label=gettext_lazy("I understand that the erasure cannot be undone."), required=True,
        error_messages={"required": gettext_lazy("Confirm that you want to erase this person's data.")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_privacy(request, pk):
    """Export (a JSON download) or erase a person. Erasure takes two steps: choose the ground, then confirm on
    a page that says what will go and what stays."""
    from . import privacy

    access = access_for(request.user)
    try:
        person = selectors.person_for(access, pk)
    except errors.DomainError:
        raise Http404
    if not permissions.can_manage_privacy_of(access, person):
        return forbidden(request)
    action = request.POST.get("action", "")
    export_form = PrivacyRequestForm(request.POST if action == "export" else None, prefix="export")
    erase_form = PrivacyRequestForm(request.POST if action == "review" else None, prefix="erase")
    confirm_form = None
    if action == "export" and export_form.is_valid():
        data = privacy.export_person(access=access, person_id=person.pk, reason=export_form.cleaned_data["reason"])
        response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
        response["Content-Disposition"] = f'attachment; filename="carehub-person-{person.pk}.json"'
        return response
    if action == "review" and erase_form.is_valid():
        confirm_form = ErasureConfirmForm(initial={"reason": erase_form.cleaned_data["reason"]}, prefix="confirm")
    elif action == "erase":
        confirm_form = ErasureConfirmForm(request.POST, prefix="confirm")
        if confirm_form.is_valid():
            try:
                privacy.erase_person(access=access, person_id=person.pk, reason=confirm_form.cleaned_data["reason"])
            except errors.DomainError as exc:
                add_domain_error(confirm_form, exc)
            else:
                messages.success(request, _("The person's data has been erased."))
                return redirect("people-search")
    return render(request, "carehub/person_privacy.html", {
        "person": person, "export_form": export_form, "erase_form": erase_form, "confirm_form": confirm_form,
        "preview": privacy.erasure_preview(person) if confirm_form is not None else None,
    })
