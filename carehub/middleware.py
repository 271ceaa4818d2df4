from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class PersonLanguageMiddleware:
    """A caregiver who has not picked a language on this device gets their profile's language.

    An explicit choice (the language cookie, set by the switcher) always wins.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES
        ):
            person = getattr(user, "person", None) if hasattr(user, "person") else None
            if person is not None and person.preferred_language:
                translation.activate(person.preferred_language)
                request.LANGUAGE_CODE = person.preferred_language
        return self.get_response(request)


class ContentSecurityPolicyMiddleware:
    """Only our own scripts, styles and images: no inline code can run in a page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith("/api/v1/docs"):
            response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        return response


class ApiErrorShapeMiddleware:
    """Every API error answers `{"detail", "code"}`, also those produced before an API handler runs: an unknown
    path (Django's 404 page), a method the path does not take (405), a body Django refuses to parse (400), a
    CSRF failure. Clients — and the fuzz test in tests/hardening — then parse one shape."""

    CODES = {
        400: ("bad_request", _("The request could not be understood.")),
        403: ("permission_denied", _("You do not have permission to do this.")),
        404: ("not_found", _("Not found.")),
        405: ("method_not_allowed", _("This method is not allowed here.")),
        413: ("too_large", _("The request is too large.")),
        415: ("unsupported_media_type", _("Send the request body as JSON.")),
    }

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        too_large = self._refuse_too_large(request)
        if too_large is not None:
            return too_large
        response = self.get_response(request)
        if (
            request.path.startswith("/api/")
            and 400 <= response.status_code < 500
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            from django.http import JsonResponse

            code, detail = self.CODES.get(response.status_code, ("error", response.reason_phrase))
            shaped = JsonResponse({"detail": str(detail), "code": code}, status=response.status_code)
            if response.has_header("Allow"):
                shaped["Allow"] = response["Allow"]
            return shaped
        return response


    @staticmethod
    def _refuse_too_large(request):
        """A body over DATA_UPLOAD_MAX_MEMORY_SIZE is refused before anything reads it (413), instead of the
        RequestDataTooBig that reading it raises — with DEBUG on, Django's technical error page. The API
        answers its error shape; a page, a short explanation in the user's language."""
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if limit is None or length <= limit:
            return None
        return too_large_response(request)

    def process_exception(self, request, exception):
        """The same answer when the size was not announced (no Content-Length) and reading the body failed."""
        from django.core.exceptions import RequestDataTooBig

        return too_large_response(request) if isinstance(exception, RequestDataTooBig) else None


def too_large_response(request):
    if request.path.startswith("/api/"):
        from django.http import JsonResponse

        return JsonResponse({"detail": str(_("The request is too large.")), "code": "too_large"}, status=413)
    from django.shortcuts import render

    return render(request, "carehub/too_large.html", status=413)


class DatabaseErrorMiddleware:
    """Two database errors that are not bugs, answered as what they mean instead of a 500:

    - a lock timeout or a deadlock (carehub.locking): 409 "someone else is changing this, try again", in the
      user's language; nothing was changed, the transaction was rolled back;
    - a number too large for the database (an id of 99999999999999999999 in a URL or a form): nothing can
      have that number, so 404 on a page (the API answers 422 `out_of_range` in its own handler)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.db import DataError
        from django.http import Http404, JsonResponse
        from django.shortcuts import render

        from . import errors, locking

        if isinstance(exception, errors.Busy) or locking.is_busy_error(exception):
            busy = errors.Busy()
            if request.path.startswith("/api/"):
                return JsonResponse(busy.as_dict(), status=busy.status)
            return render(request, "carehub/busy.html", {"message": busy.message}, status=busy.status)
        if isinstance(exception, OverflowError) or (
                isinstance(exception, DataError) and "out of range" in str(exception)):
            raise Http404("number out of range") from exception
        return None
