from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied
from axes.helpers import get_client_ip_address
from django.conf import settings
from django.db.models import Sum
from django.utils import timezone


class LoginProtectionBackend(AxesStandaloneBackend):
    """django-axes lockout for every login that comes over HTTP (the login page and the token endpoint).

    Two limits: AXES_FAILURE_LIMIT failures for one account from one address (a stranger elsewhere cannot lock a
    named account out: their failures count against their own address), and AXES_ADDRESS_FAILURE_LIMIT failures
    from one address over any accounts (password spraying). Calls without a request (the shell, management
    commands, the test client's login()) are not an attack surface and are left to the ModelBackend.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        if address_is_paused(request):
            request.axes_locked_out = True
            request.axes_credentials = {"username": username}
            raise AxesBackendPermissionDenied("Too many failed logins from this address")
        return super().authenticate(request, username=username, password=password, **kwargs)


def address_is_paused(request) -> bool:
    from axes.models import AccessAttempt

    address = get_client_ip_address(request)
    if not address:
        return False
    recent = AccessAttempt.objects.filter(ip_address=address,
                                          attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME)
    failures = recent.aggregate(total=Sum("failures_since_start"))["total"] or 0
    return failures >= settings.AXES_ADDRESS_FAILURE_LIMIT


def lockout_response(request, original_response, credentials):
    """What a locked-out login gets: the API's JSON error shape, or the lockout page."""
    from django.http import JsonResponse
    from django.shortcuts import render

    from .errors import TooManyAttempts

    if request.path.startswith("/api/"):
        return JsonResponse(TooManyAttempts().as_dict(), status=TooManyAttempts.status)
    return render(request, "registration/locked_out.html", status=TooManyAttempts.status)
