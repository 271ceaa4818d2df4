"""Guidance pages. Thin: plain forms, POST then redirect, the same services and selectors as the API. Everything
works without JavaScript on a 360 px phone.

Public: the directory of each hub (filterable by kind, a printable sheet), an entry's page, the Carer's Card
guide and the question form. The desk: attentions (record, list, answer, refer, follow up). Coordinators: the
directory, the topics and the guide of their hubs.
"""

from datetime import timedelta

from axes.helpers import get_client_ip_address
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from carehub import permissions
from carehub import selectors as core_selectors
from carehub.forms import add_domain_error
from carehub.models import Hub, Role
from carehub.permissions import access_for
from carehub.web import coordinated_hubs, desk_hubs, desk_required, forbidden, run_service, safe_next_url

from . import errors, selectors, services
from .defaults import CARERS_CARD_TOPIC
from .forms import (
    AnswerForm,
    AttentionEditForm,
    AttentionForm,
    GuideForm,
    HubChoiceForm,
    RequestForm,
    ResourceForm,
    TopicEditForm,
    TopicForm,
)
from .models import Attention, AttentionTopic, CarersCardGuide, Referral, ResourceKind

LIST_SHOWN = 50


def _parse_day(value):
    try:
        return parse_date(value) if value else None
    except ValueError:  # well formed but impossible, e.g. 2026-02-31
        return None


def _int(value):
    return int(value) if isinstance(value, str) and value.isdigit() and len(value) < 10 else None


def _hub_or_404(slug: str) -> Hub:
    try:
        return core_selectors.hub_by_slug(slug)
    except errors.DomainError:
        raise Http404


# --- the public directory -------------------------------------------------------------------------------
def directory_index(request):
    return render(request, "guidance/directory_index.html", {"hubs": core_selectors.hubs_public()})


def _directory_context(request, hub: Hub) -> dict:
    kind = request.GET.get("kind", "")
    kind = kind if kind in ResourceKind.values else ""
    query = (request.GET.get("q") or "")[:selectors.MAX_QUERY]
    resources = list(selectors.resources_public(hub=hub, kind=kind or None, query=query))
    today = timezone.localdate()
    return {"hub": hub, "kind": kind, "q": query, "kinds": ResourceKind.choices, "resources": resources,
            "kind_label": dict(ResourceKind.choices).get(kind, ""), "today": today}


def directory(request, slug):
    hub = _hub_or_404(slug)
    return render(request, "guidance/directory.html", _directory_context(request, hub))


def directory_print(request, slug):
    """The sheet the desk prints and hands over (print CSS in static/guidance/guidance.css)."""
    hub = _hub_or_404(slug)
    return render(request, "guidance/directory_print.html", _directory_context(request, hub))


def resource_detail(request, pk):
    try:
        resource = selectors.resource_public(pk)
    except errors.DomainError:
        raise Http404
    access = access_for(request.user)
    return render(request, "guidance/resource_detail.html", {
        "resource": resource, "can_edit": permissions.can_edit_directory_of(access, resource.hub_id),
    })


# --- the Carer's Card guide ---------------------------------------------------------------------------
def carers_card(request):
    form = HubChoiceForm(request.GET or None)
    hub = form.cleaned_data["hub"] if form.is_bound and form.is_valid() else None
    access = access_for(request.user)
    if hub is None and access.person is not None:
        hub = access.person.home_hub
    guide = selectors.carers_card_guide(hub)
    can_edit = (permissions.can_edit_directory_of(access, hub.pk) if hub is not None
                else permissions.can_edit_city_carers_card_guide(access))
    return render(request, "guidance/carers_card.html", {"form": form, "hub": hub, "guide": guide,
                                                          "can_edit": can_edit})


# --- online questions -----------------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
def ask(request):
    access = access_for(request.user)
    anonymous = access.person is None
    initial = {"hub": request.GET.get("hub") or (access.person.home_hub.slug if access.person else None)}
    form = RequestForm(request.POST or None, initial=initial, anonymous=anonymous)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.submit_request(
                access=access, hub=data["hub"], question=data["question"], contact=data.get("contact", ""),
                name=data.get("name", ""), consent=data.get("consent", False),
                client_address=get_client_ip_address(request) or "")
        except errors.DomainError as exc:
            add_domain_error(form, exc)
            return render(request, "guidance/ask.html", {"form": form, "anonymous": anonymous},
                          status=exc.status)
        return redirect("guidance:ask-sent")
    return render(request, "guidance/ask.html", {"form": form, "anonymous": anonymous},
                  status=422 if form.errors else 200)


def ask_sent(request):
    return render(request, "guidance/ask_sent.html", {"has_account": access_for(request.user).person is not None})


ANSWER_PAGE_DAYS = 90


@never_cache
def answer_page(request, key):
    """The answer to a question asked without an account: whoever has the link the person was sent reads it,
    for ANSWER_PAGE_DAYS after it was given (an erasure ends it at once)."""
    attention = None
    if 12 <= len(key) <= 24:
        attention = Attention.objects.select_related("hub").filter(
            answer_key=key, status=Attention.Status.ANSWERED,
            answered_at__gte=timezone.now() - timedelta(days=ANSWER_PAGE_DAYS)).first()
    if attention is None:
        raise Http404
    response = render(request, "guidance/answer.html", {"attention": attention})
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response


@login_required
def mine(request):
    access = access_for(request.user)
    return render(request, "guidance/mine.html", {"requests": selectors.my_requests(access)[:100]})


# --- the desk: attentions -------------------------------------------------------------------------------
@desk_required
def desk(request):
    access = access_for(request.user)
    hubs = desk_hubs(access)
    form = HubChoiceForm(request.GET or None, hubs=hubs)
    hub = form.cleaned_data["hub"] if form.is_bound and form.is_valid() else None
    hub_ids = [hub.pk] if hub else list(hubs.values_list("pk", flat=True))
    today = timezone.localdate()
    date_from, date_to = _parse_day(request.GET.get("date_from")), _parse_day(request.GET.get("date_to"))
    recent = selectors.with_details(selectors.attentions_at(access, hub=hub, date_from=date_from, date_to=date_to))
    return render(request, "guidance/desk.html", {
        "form": form, "hub": hub, "today": today, "date_from": date_from, "date_to": date_to,
        "waiting": list(selectors.waiting_requests(access, hub_ids=hub_ids)[:LIST_SHOWN]),
        "due": list(selectors.follow_ups_due(access, hub_ids=hub_ids, today=today)[:LIST_SHOWN]),
        "recent": list(recent.filter(hub_id__in=hub_ids)[:LIST_SHOWN]),
    })


def _attention_form_inputs(access, hub_slug: str | None):
    hubs = desk_hubs(access)
    hub = hubs.filter(slug=hub_slug).first() if hub_slug else None
    hub = hub or hubs.first()
    topics = list(selectors.topics_for(hub)) if hub else []
    resources = list(selectors.resources_public(hub=hub)) if hub else []
    return hubs, hub, topics, resources


@desk_required
@require_http_methods(["GET", "POST"])
def attention_new(request):
    access = access_for(request.user)
    person = None
    person_id = _int(request.GET.get("person") or request.POST.get("person"))
    if person_id is not None:
        try:
            person = core_selectors.person_for(access, person_id)
        except errors.DomainError:
            raise Http404
    default_hub = request.POST.get("hub") or request.GET.get("hub") or (person.home_hub.slug if person else None)
    hubs, hub, topics, resources = _attention_form_inputs(access, default_hub)
    if hub is None:
        return forbidden(request)
    form = AttentionForm(request.POST or None, hubs=hubs, topics=topics, resources=resources,
                         initial={"hub": hub.slug})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        referrals = [{"service": s} for s in data["services"]] + [{"resource": r} for r in data["resources"]]
        try:
            attention = services.record_attention(
                access=access, hub=data["hub"], channel=data["channel"], topics=data["topics"],
                person_id=person.pk if person else None, age_band=data["age_band"],
                is_caregiver=data["is_caregiver"], outcome=data["outcome"], notes=data["notes"],
                referrals=referrals, follow_up_on=data["follow_up_on"])
        except errors.DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The attention is recorded."))
            if person is not None:
                return redirect(person.get_absolute_url())
            return redirect(reverse("guidance:attention-new") + f"?hub={attention.hub.slug}")
    return render(request, "guidance/attention_new.html", {
        "form": form, "person": person, "hub": hub, "hubs": hubs,
        "carers_card_topics": [t.pk for t in topics if t.key == CARERS_CARD_TOPIC],
    }, status=422 if form.errors else 200)


def _attention_or_404(access, pk) -> Attention:
    try:
        return selectors.attention_for(access, pk)
    except errors.DomainError:
        raise Http404


@desk_required
def attention_detail(request, pk):
    access = access_for(request.user)
    attention = _attention_or_404(access, pk)
    topics = list(selectors.topics_for(attention.hub))
    chosen = [t.pk for t in attention.topics.all()]
    edit_form = AttentionEditForm(topics=topics, initial={
        "topics": chosen, "outcome": attention.outcome, "notes": attention.notes,
        "follow_up_on": attention.follow_up_on})
    answer_form = AnswerForm(topics=topics, initial={"topics": chosen}) \
        if attention.status == Attention.Status.WAITING else None
    return _render_attention(request, attention, edit_form=edit_form, answer_form=answer_form)


def _render_attention(request, attention, *, edit_form, answer_form, status=200):
    referred = {r.resource_id for r in attention.referrals.all() if r.resource_id}
    referred_services = {r.kind for r in attention.referrals.all() if not r.resource_id}
    resources = [r for r in selectors.resources_public(hub=attention.hub) if r.pk not in referred]
    return render(request, "guidance/attention_detail.html", {
        "attention": attention, "edit_form": edit_form, "answer_form": answer_form, "resources": resources,
        "services": [(kind, label) for kind, label in Referral.Kind.choices
                     if kind in services.SERVICES and kind not in referred_services],
        "today": timezone.localdate(),
        "is_carers_card": any(t.key == CARERS_CARD_TOPIC for t in attention.topics.all()),
    }, status=status)


@desk_required
@require_POST
def attention_edit(request, pk):
    access = access_for(request.user)
    attention = _attention_or_404(access, pk)
    form = AttentionEditForm(request.POST, topics=list(selectors.topics_for(attention.hub)))
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.update_attention(access=access, attention_id=attention.pk, outcome=data["outcome"],
                                      notes=data["notes"], follow_up_on=data["follow_up_on"], topics=data["topics"])
        except errors.DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The attention is saved."))
            return redirect(attention.get_absolute_url())
    return _render_attention(request, attention, edit_form=form, answer_form=None, status=422)


@desk_required
@require_POST
def attention_answer(request, pk):
    access = access_for(request.user)
    attention = _attention_or_404(access, pk)
    form = AnswerForm(request.POST, topics=list(selectors.topics_for(attention.hub)))
    if form.is_valid():
        topics = form.cleaned_data["topics"] or services.UNSET
        try:
            services.answer_request(access=access, attention_id=attention.pk, answer=form.cleaned_data["answer"],
                                    topics=topics)
        except errors.DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The answer is on its way to the person."))
            return redirect(attention.get_absolute_url())
    edit_form = AttentionEditForm(topics=list(selectors.topics_for(attention.hub)))
    return _render_attention(request, attention, edit_form=edit_form, answer_form=form, status=422)


@desk_required
@require_POST
def attention_refer(request, pk):
    access = access_for(request.user)
    attention = _attention_or_404(access, pk)
    resource_id = _int(request.POST.get("resource"))
    service = request.POST.get("service") or None
    if resource_id is None and service is None:
        messages.error(request, _("Choose where to refer the person."))
    else:
        run_service(request, lambda: services.add_referral(
            access=access, attention_id=attention.pk, resource_id=resource_id,
            service=None if resource_id is not None else service), _("The referral is recorded."))
    return redirect(attention.get_absolute_url() + "#referrals")


@desk_required
@require_POST
def attention_followed_up(request, pk):
    access = access_for(request.user)
    attention = _attention_or_404(access, pk)
    run_service(request, lambda: services.complete_follow_up(access=access, attention_id=attention.pk),
                _("The follow-up is done."))
    return redirect(safe_next_url(request, request.POST.get("next"), attention.get_absolute_url()))


# --- coordinators: the directory, topics, the guide ------------------------------------------------------
def _coordinator_or_forbidden(request):
    access = access_for(request.user)
    if not (access.is_admin or access.hubs_with(Role.COORDINATOR)):
        return access, forbidden(request)
    return access, None


@login_required
def manage(request):
    access, refused = _coordinator_or_forbidden(request)
    if refused:
        return refused
    today = timezone.localdate()
    hubs = coordinated_hubs(access)
    resources = list(selectors.resources_editable_by(access).filter(hub__in=hubs).order_by("hub__name", "kind",
                                                                                           "name"))
    for resource in resources:
        resource.stale = resource.is_stale(today)
    return render(request, "guidance/manage.html", {
        "hubs": hubs, "resources": resources, "stale_count": sum(r.stale for r in resources),
        "can_edit_city_guide": permissions.can_edit_city_carers_card_guide(access),
    })


def _resource_values(data: dict) -> tuple[dict, bool]:
    values = {name: data[name] for name in services.RESOURCE_FIELDS if name in data}
    return values, data.get("contact_consent", False)


@login_required
@require_http_methods(["GET", "POST"])
def resource_new(request):
    access, refused = _coordinator_or_forbidden(request)
    if refused:
        return refused
    hubs = coordinated_hubs(access)
    hub = hubs.filter(slug=request.POST.get("hub") or request.GET.get("hub") or "").first() or hubs.first()
    if hub is None:
        return forbidden(request)
    form = ResourceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        values, consent = _resource_values(form.cleaned_data)
        try:
            resource = services.create_resource(access=access, hub=hub, contact_consent=consent, **values)
        except errors.DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The entry is in the directory."))
            return redirect(resource.get_absolute_url() if resource.is_published else "guidance:manage")
    return render(request, "guidance/resource_form.html", {"form": form, "hub": hub, "hubs": hubs,
                                                            "resource": None},
                  status=422 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def resource_edit(request, pk):
    access = access_for(request.user)
    resource = selectors.resources_editable_by(access).filter(pk=pk).first()
    if resource is None:
        raise Http404
    initial = {name: getattr(resource, name) for name in services.RESOURCE_FIELDS}
    initial["contact_consent"] = resource.contact_consent_at is not None
    form = ResourceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        values, consent = _resource_values(form.cleaned_data)
        try:
            services.update_resource(access=access, resource_id=resource.pk, contact_consent=consent, **values)
        except errors.DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The entry is saved and counts as reviewed today."))
            return redirect("guidance:manage")
    return render(request, "guidance/resource_form.html", {"form": form, "hub": resource.hub, "hubs": None,
                                                            "resource": resource},
                  status=422 if form.errors else 200)


@login_required
@require_POST
def resource_reviewed(request, pk):
    access = access_for(request.user)
    if not selectors.resources_editable_by(access).filter(pk=pk).exists():
        raise Http404
    run_service(request, lambda: services.mark_reviewed(access=access, resource_id=pk),
                _("Marked as reviewed today."))
    return redirect(reverse("guidance:manage") + f"#r-{pk}")


@login_required
@require_http_methods(["GET", "POST"])
def topics(request):
    access, refused = _coordinator_or_forbidden(request)
    if refused:
        return refused
    hubs = coordinated_hubs(access)
    hub = hubs.filter(slug=request.POST.get("hub") or request.GET.get("hub") or "").first() or hubs.first()
    if hub is None:
        return forbidden(request)
    form = TopicForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.create_topic(access=access, hub=hub, **form.cleaned_data)
        except errors.DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The topic is added."))
            return redirect(reverse("guidance:topics") + f"?hub={hub.slug}")
    rows = list(selectors.topics_for(hub, active_only=False))
    edit_forms = [(topic, TopicEditForm(prefix=f"t{topic.pk}", initial={
        "name_ca": topic.name_ca, "name_es": topic.name_es, "name_en": topic.name_en,
        "position": topic.position, "is_active": topic.is_active})) for topic in rows]
    return render(request, "guidance/topics.html", {"form": form, "hub": hub, "hubs": hubs,
                                                     "edit_forms": edit_forms},
                  status=422 if form.errors else 200)


@login_required
@require_POST
def topic_edit(request, pk):
    access = access_for(request.user)
    topic = AttentionTopic.objects.filter(pk=pk).select_related("hub").first()
    if topic is None or not permissions.can_edit_directory_of(access, topic.hub_id):
        raise Http404
    form = TopicEditForm(request.POST, prefix=f"t{topic.pk}")
    if form.is_valid():
        run_service(request, lambda: services.update_topic(access=access, topic_id=topic.pk, **form.cleaned_data),
                    _("The topic is saved."))
    else:
        messages.error(request, _("Give the topic a name in Catalan and a position from 0."))
    return redirect(reverse("guidance:topics") + f"?hub={topic.hub.slug}")


@login_required
@require_http_methods(["GET", "POST"])
def guide_edit(request):
    access = access_for(request.user)
    slug = request.POST.get("hub") or request.GET.get("hub") or ""
    hub = coordinated_hubs(access).filter(slug=slug).first() if slug else None
    if slug and hub is None:
        raise Http404
    if hub is None and not permissions.can_edit_city_carers_card_guide(access):
        return forbidden(request)
    guide = (CarersCardGuide.objects.filter(hub=hub).first() if hub
             else CarersCardGuide.objects.filter(hub__isnull=True).first())
    initial = {name: getattr(guide, name) for name in services.GUIDE_FIELDS} if guide else {}
    form = GuideForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_carers_card_guide(access=access, hub=hub, **form.cleaned_data)
        except errors.DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The Carer's Card guide is saved."))
            return redirect(reverse("guidance:carers-card") + (f"?hub={hub.slug}" if hub else ""))
    return render(request, "guidance/guide_form.html", {"form": form, "hub": hub},
                  status=422 if form.errors else 200)

