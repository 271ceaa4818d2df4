"""Pages for hubs, people and accounts. Thin: the work is in services and selectors."""

from datetime import date

from django.conf import settings
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
from .forms import MergeForm, PersonEditForm, PersonForm, PersonSearchForm, add_domain_error, e164
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


def _person_fields(data: dict) -> dict:
    """A person form's cleaned data as the service takes it."""
    return dict(
        first_name=data["first_name"], last_name=data["last_name"], phone=e164(data["phone"]),
        email=data["email"], notify_by=data["notify_by"], preferred_language=data["preferred_language"],
        document_number=data["document_number"], birth_year=data["birth_year"],
    )


@desk_required
@require_http_methods(["GET", "POST"])
def person_register(request):
    """Register a person. Before creating, the desk is shown the people already registered who are probably
    the same (same document, phone, or name and year of birth) and registers anew only once it says so."""
    access = access_for(request.user)
    hubs = desk_hubs(access)
    initial = {"first_name": request.GET.get("q", "")[:80], "preferred_language": request.LANGUAGE_CODE}
    duplicates_shown = request.POST.get("duplicates_shown") == "1"
    form = PersonForm(request.POST or None, hubs=hubs, initial=initial, duplicates_shown=duplicates_shown)
    duplicates = []
    if request.method == "POST" and form.is_valid():
        fields = _person_fields(form.cleaned_data)
        if not form.cleaned_data.get("not_a_duplicate"):
            duplicates = selectors.likely_duplicates(
                access, first_name=fields["first_name"], last_name=fields["last_name"], phone=fields["phone"],
                document_number=fields["document_number"], birth_year=fields["birth_year"])
        if duplicates:
            form = PersonForm(request.POST, hubs=hubs, duplicates_shown=True)
            form.is_valid()
        else:
            try:
                person = services.register_person(
                    access=access, hub=form.cleaned_data["hub"], consent=form.cleaned_data["consent"], **fields)
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
    return render(request, "carehub/person_form.html", {
        "form": form, "duplicates": duplicates, "next": safe_next_url(request, request.GET.get("next")),
    })


def _person_or_successor(request, access, pk):
    """The person, or a redirect to the person a merged duplicate now lives on, or 404."""
    try:
        return selectors.person_for(access, pk), None
    except errors.NotFound:
        kept = selectors.merged_into_for(access, pk)
        if kept is None:
            raise Http404
        return None, redirect(request.path.replace(f"/people/{pk}/", f"/people/{kept.pk}/", 1))


@desk_required
@require_http_methods(["GET", "POST"])
def person_edit(request, pk):
    access = access_for(request.user)
    person, moved = _person_or_successor(request, access, pk)
    if moved:
        return moved
    if not permissions.can_edit_person(access, person):
        return forbidden(request)
    initial = {name: getattr(person, name) for name in services.EDITABLE_FIELDS}
    initial["hub"] = person.home_hub_id
    hubs = desk_hubs(access) | type(person.home_hub).objects.filter(pk=person.home_hub_id)
    form = PersonEditForm(request.POST or None, hubs=hubs.distinct(), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_person(access=access, person_id=person.pk, hub=form.cleaned_data["hub"],
                                   **_person_fields(form.cleaned_data))
        except errors.DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("%(name)s's details are saved.") % {"name": form.cleaned_data["first_name"]})
            return redirect("person-detail", pk=person.pk)
    return render(request, "carehub/person_edit.html", {"form": form, "person": person})


@desk_required
@require_POST
def person_not_a_duplicate(request, pk):
    """The desk has checked an online sign-up against the people of the same name: a different person."""
    access = access_for(request.user)
    try:
        person = selectors.person_for(access, pk)
    except errors.NotFound:
        raise Http404
    run_service(request, lambda: services.dismiss_duplicate_check(access=access, person_id=person.pk),
                _("Noted: %(name)s is not anyone already registered.") % {"name": person.full_name})
    return redirect(person)


@login_required
@require_http_methods(["GET", "POST"])
def person_merge(request, pk):
    """A coordinator merges two records of one person: pick the other record (the likely duplicates are
    offered, or search), compare them side by side, choose which to keep, confirm."""
    from . import privacy

    access = access_for(request.user)
    person, moved = _person_or_successor(request, access, pk)
    if moved:
        return moved
    if not permissions.can_merge_people(access, person, person):
        return forbidden(request)
    other = None
    other_id = request.POST.get("other") or request.GET.get("other")
    if other_id and str(other_id).isdigit() and int(other_id) != person.pk:
        other = selectors.people_visible_to(access).filter(pk=int(other_id)).first()
    if other is None:
        search = PersonSearchForm(request.GET or None, label=_("Find the other record"))
        found = selectors.search_people(access, query=search.query).exclude(pk=person.pk)[:25] if search.query else []
        candidates = selectors.likely_duplicates(
            access, first_name=person.first_name, last_name=person.last_name, phone=person.phone,
            document_number=person.document_number, birth_year=person.birth_year, exclude_pk=person.pk)
        return render(request, "carehub/person_merge.html",
                      {"person": person, "candidates": candidates, "search": search, "found": found})
    pair = sorted([person, other], key=lambda p: p.pk)
    form = MergeForm(request.POST if request.method == "POST" else None, people=pair,
                     initial={"kept": pair[0].pk})
    if request.method == "POST" and form.is_valid():
        kept_id = form.cleaned_data["kept"]
        duplicate_id = other.pk if kept_id == person.pk else person.pk
        try:
            kept = services.merge_people(access=access, duplicate_id=duplicate_id, kept_id=kept_id)
        except errors.DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The two records are merged into %(name)s (#%(number)s).")
                             % {"name": kept.full_name, "number": kept.pk})
            return redirect(kept)
    return render(request, "carehub/person_merge.html", {
        "person": person, "other": other, "pair": pair, "form": form,
        # Counts of what each record holds (the same as the erasure page's), so the coordinator keeps the right one.
        "summaries": [(p, privacy.erasure_preview(p)) for p in pair],
    })


@login_required
def person_detail(request, pk):
    access = access_for(request.user)
    if not permissions.can_list_people(access):
        return forbidden(request)
    person, moved = _person_or_successor(request, access, pk)
    if moved:
        return moved
    look_alikes = selectors.likely_duplicates(
        access, first_name=person.first_name, last_name=person.last_name, phone=person.phone,
        document_number=person.document_number, birth_year=person.birth_year, exclude_pk=person.pk,
    ) if person.needs_duplicate_check else []
    return render(request, "carehub/person_detail.html",
                  {"person": person, "sections": app_sections("person_section", access, person),
                   "phone_display": phones.for_display(person.phone),
                   "sent": selectors.person_messages(access, person),
                   "look_alikes": look_alikes,
                   "can_edit": permissions.can_edit_person(access, person),
                   "can_merge": permissions.can_merge_people(access, person, person),
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


# The accessibility statement's dates (RD 1112/2018 asks for both); update them with each review.
ACCESSIBILITY_STATEMENT_PREPARED_ON = date(2026, 11, 23)
ACCESSIBILITY_STATEMENT_REVIEWED_ON = date(2026, 12, 1)


def accessibility(request):
    return render(request, "carehub/accessibility.html", {
        "site_url": settings.SITE_URL,
        "contact_email": settings.ACCESSIBILITY_CONTACT_EMAIL,
        "prepared_on": ACCESSIBILITY_STATEMENT_PREPARED_ON,
        "reviewed_on": ACCESSIBILITY_STATEMENT_REVIEWED_ON,
    })


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
