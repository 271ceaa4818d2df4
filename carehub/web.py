"""The web layer every app's pages share: who may open a desk page, the forbidden answer, the hubs a user may
act at, safe "next" links and running a service from a view. Each piece exists here once."""

from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from . import errors, permissions
from .models import Hub, Role
from .permissions import Access, access_for


def forbidden(request):
    """The 403 page: the user is logged in but their role does not open this page."""
    return render(request, "carehub/forbidden.html", status=403)


def desk_required(view):
    """Pages for staff who look after people: front desk, coordinators and administrators of any hub.
    Which hub's people they see is decided in the selectors; this only keeps everyone else out."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not permissions.can_list_people(access_for(request.user)):
            return forbidden(request)
        return view(request, *args, **kwargs)

    return wrapped


def hubs_where(access: Access, *roles: str):
    """Active hubs where the caller holds any of `roles` (every active hub for administrators)."""
    hubs = Hub.objects.filter(is_active=True)
    return hubs if access.is_admin else hubs.filter(pk__in=access.hubs_with(*roles))


def desk_hubs(access: Access):
    """Hubs whose people, stock and desk the caller works at."""
    return hubs_where(access, *permissions.PEOPLE_ROLES)


def coordinated_hubs(access: Access):
    return hubs_where(access, Role.COORDINATOR)


def login_redirect(request, next_url: str | None = None):
    """Send an anonymous visitor to log in and back to where they were."""
    return redirect(f"{reverse('login')}?{urlencode({'next': next_url or request.get_full_path()})}")


def safe_next_url(request, url: str | None, default: str | None = None) -> str | None:
    """`url` if it is a path on this site, else `default`. Django's own check refuses `//evil`, `/\\evil` and other
    schemes; a path is also required, since `redirect()` would take "foo" for a URL name and fail on it."""
    if (url and url.startswith("/")
            and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()},
                                                require_https=request.is_secure())):
        return url
    return default


def run_service(request, action, success_message) -> bool:
    """Call a service from a POST button; show its refusal or `success_message` as a message. True on success."""
    try:
        action()
    except errors.DomainError as exc:
        messages.error(request, str(exc.message))
        return False
    messages.success(request, success_message)
    return True
