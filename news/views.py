"""News pages. Thin: plain forms, POST then redirect, the same services and selectors as the API. Everything
works without JavaScript on a 360 px phone."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from carehub import permissions
from carehub import selectors as core_selectors
from carehub.forms import add_domain_error
from carehub.permissions import access_for
from carehub.web import coordinated_hubs, forbidden, safe_next_url

from . import errors, selectors, services
from .forms import NewsForm


def _hub_or_404(slug):
    try:
        return core_selectors.hub_by_slug(slug)
    except errors.DomainError:
        raise Http404


def reader_language(request) -> str:
    return (getattr(request, "LANGUAGE_CODE", None) or translation.get_language() or "ca")[:2]


# --- public ---------------------------------------------------------------------------------------------------
def hub_news(request, slug):
    """A hub's current news, each in the reader's language (else the one it was written in)."""
    hub = _hub_or_404(slug)
    access = access_for(request.user)
    person = access.person
    subscription = selectors.subscription_of(person, hub) if person is not None else None
    return render(request, "news/hub_news.html", {
        "hub": hub,
        "items": selectors.in_language(selectors.current_news(hub), reader_language(request)),
        "person": person,
        "subscribed": subscription is not None and subscription.is_active,
        "can_publish": permissions.can_publish_news(access, hub.pk),
    })


# --- coordinators ---------------------------------------------------------------------------------------------
def _coordinates_somewhere(access) -> bool:
    return access.is_admin or bool(permissions.news_hub_ids(access))


@login_required
def manage(request):
    """Every item of the hubs the caller coordinates, newest first, with its state."""
    access = access_for(request.user)
    if not _coordinates_somewhere(access):
        return forbidden(request)
    today = timezone.localdate()
    items = list(selectors.news_manageable_by(access)[:200])
    for item in items:
        item.state = selectors.status_of(item, today)
    return render(request, "news/manage.html", {"items": items, "hubs": coordinated_hubs(access)})


@login_required
@require_http_methods(["GET", "POST"])
def create(request):
    access = access_for(request.user)
    if not _coordinates_somewhere(access):
        return forbidden(request)
    hubs = coordinated_hubs(access)
    initial = {"language": reader_language(request), "publish_on": timezone.localdate()}
    wanted = hubs.filter(slug=request.GET.get("hub", "")[:80]).first()
    if wanted is not None:
        initial["hub"] = wanted.slug
    form = NewsForm(request.POST or None, hubs=hubs, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.publish_news(access=access, hub=form.cleaned_data["hub"], **form.service_values())
        except errors.DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The news is published."))
            return redirect(reverse("news:manage") + f"#news-{item.pk}")
    return render(request, "news/edit.html", {"form": form, "item": None}, status=422 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, pk):
    access = access_for(request.user)
    try:
        item = selectors.item_for_coordinator(access, pk)
    except errors.DomainError:
        raise Http404
    form = NewsForm(request.POST or None, with_hub=False, initial=NewsForm.initial_for(item))
    if request.method == "POST" and not item.is_withdrawn and form.is_valid():
        try:
            services.update_news(access=access, item_id=item.pk, **form.service_values())
        except errors.DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The news is saved."))
            return redirect(reverse("news:manage") + f"#news-{item.pk}")
    item.state = selectors.status_of(item, timezone.localdate())
    return render(request, "news/edit.html", {"form": form, "item": item}, status=422 if form.errors else 200)


@login_required
@require_POST
def withdraw(request, pk):
    access = access_for(request.user)
    try:
        services.withdraw_news(access=access, item_id=pk)
    except errors.NewsItemNotFound:
        raise Http404
    except errors.DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The news is withdrawn: it is no longer shown anywhere."))
    return redirect("news:manage")


# --- the monthly digest ---------------------------------------------------------------------------------------
def _int_or_none(value):
    return int(value) if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 10 else None


@login_required
@require_POST
def subscription(request):
    """Opt in or out of a hub's monthly digest: a caregiver for themselves (My page, a hub's news page), the
    desk for a person of their hub (`person`). Back to `next`."""
    access = access_for(request.user)
    person_id = _int_or_none(request.POST.get("person"))
    subscribed = request.POST.get("subscribed") == "1"
    hub = None
    if request.POST.get("hub"):
        hub = core_selectors.hubs_public().filter(slug=str(request.POST["hub"])[:80]).first()
        if hub is None:
            raise Http404
    default = reverse("person-detail", args=[person_id]) if person_id else reverse("account")
    back = safe_next_url(request, request.POST.get("next"), default=default)
    try:
        services.set_digest_subscription(access=access, subscribed=subscribed, person_id=person_id, hub=hub)
    except (errors.NotFound, errors.PermissionDenied):
        raise Http404
    except errors.DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        if person_id:
            messages.success(request, _("The person will get the monthly digest.") if subscribed
                             else _("The person's monthly digest is stopped."))
        else:
            messages.success(request, _("You will get the monthly digest.") if subscribed
                             else _("The monthly digest is stopped."))
    return redirect(back)


@require_http_methods(["GET", "POST"])
def digest_link(request, token):
    """The page every digest links to (signed, no login): links to the hub's news and programme, and the button
    that stops the digest. A GET never unsubscribes (mail scanners open links); the button does."""
    try:
        subscription = (services.unsubscribe_by_link(token=token) if request.method == "POST"
                        else services.subscription_for_link(token))
    except errors.DigestLinkInvalid as exc:
        return render(request, "news/digest_link_invalid.html", {"message": exc.message}, status=400)
    if request.method == "POST":
        messages.success(request, _("Done: you will not get the monthly digest any more."))
        return redirect("news:digest-link", token=token)
    return render(request, "news/digest_link.html", {"subscription": subscription, "hub": subscription.hub,
                                                     "token": token})
