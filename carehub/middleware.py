from django.conf import settings
from django.utils import translation


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
