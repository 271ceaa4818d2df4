from axes.backends import AxesStandaloneBackend


class LoginProtectionBackend(AxesStandaloneBackend):
    """django-axes lockout for every login that comes over HTTP (the login page and the token endpoint).

    Calls without a request (the shell, management commands, the test client's login()) are not an attack
    surface and are left to the ModelBackend instead of failing.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def lockout_response(request, original_response, credentials):
    """What a locked-out login gets: the API's JSON error shape, or the lockout page."""
    from django.http import JsonResponse
    from django.shortcuts import render

    from .errors import TooManyAttempts

    if request.path.startswith("/api/"):
        return JsonResponse(TooManyAttempts().as_dict(), status=TooManyAttempts.status)
    return render(request, "registration/locked_out.html", status=TooManyAttempts.status)
