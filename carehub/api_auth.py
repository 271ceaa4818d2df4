"""API authentication: bearer tokens for programs, the session (with CSRF) for the browser."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone, translation
from ninja.security import HttpBearer, SessionAuth

from .models import ApiToken
from .permissions import Access, access_for


class BearerToken(HttpBearer):
    def authenticate(self, request, token: str):
        user = user_for_token(token)
        if user is not None:
            # The one place the actor is set for token calls: django-simple-history (through its middleware)
            # and everything else that reads `request.user` then see the token's user, as for a session.
            request.user = user
            _answer_in_profile_language(request, user)
        return user


def _answer_in_profile_language(request, user) -> None:
    """A program that sends no Accept-Language gets the token's person's language (catalogue texts, messages),
    as their pages do (carehub.middleware.PersonLanguageMiddleware)."""
    if "HTTP_ACCEPT_LANGUAGE" in request.META:
        return
    person = getattr(user, "person", None) if hasattr(user, "person") else None
    if person is not None and person.preferred_language:
        translation.activate(person.preferred_language)
        request.LANGUAGE_CODE = person.preferred_language


def token_lifetime() -> timedelta:
    return timedelta(days=settings.API_TOKEN_LIFETIME_DAYS)


def user_for_token(token: str):
    """The active user a token belongs to, or None. A token lives API_TOKEN_LIFETIME_DAYS after its last use
    (sliding: a program that calls every day keeps it; a token forgotten in a script dies)."""
    if not token:
        return None
    # With the user's person in the same query: nearly every token call asks who the caller is (`access.person`).
    api_token = ApiToken.objects.select_related("user", "user__person").filter(key_hash=ApiToken.hash(token)).first()
    if api_token is None or not api_token.user.is_active:
        return None
    now = timezone.now()
    if (api_token.last_used_at or api_token.created_at) < now - token_lifetime():
        return None
    # Touch at most once an hour, so that reading the API does not write on every call.
    if api_token.last_used_at is None or (now - api_token.last_used_at).total_seconds() > 3600:
        ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
    user = api_token.user
    access = access_for(user)  # cached on the user object: the handler's `caller()` gets this one
    if "person" not in access.__dict__:
        # What `Access.person` would query (the person linked to the account, unless erased), already loaded.
        person = getattr(user, "person", None)
        access.__dict__["person"] = person if person is not None and person.erased_at is None else None
    return user


AUTH = [BearerToken(), SessionAuth()]


def caller(request) -> Access:
    """The caller's access on an authenticated or a public endpoint (where `request.auth` is unset)."""
    user = getattr(request, "auth", None)
    if user is None or user is True:
        header = request.headers.get("Authorization", "")
        if header.lower().startswith("bearer "):
            user = user_for_token(header[7:].strip())
        if user is None:
            user = getattr(request, "user", None) or AnonymousUser()
    return access_for(user)
