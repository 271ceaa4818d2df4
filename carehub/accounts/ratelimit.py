"""Sliding-window rate limits for the account pages that a stranger can call: reset requests and code tries.

    if not ratelimit.allow("reset_email", email, limit=3, window=timedelta(hours=1)):
        raise errors.TooManyAttempts(...)

Each call that is allowed counts one hit. The limit is soft under concurrency (two requests at the same
instant may both pass the last free slot): it is there to stop floods and guessing, not to count exactly.
"""

import hashlib
import hmac
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from .models import RateLimitHit


def key_for(scope: str, value: str) -> str:
    """An HMAC of the value, so the table never holds an email address, a user name or a client address."""
    normalised = (value or "").strip().casefold()
    return hmac.new(settings.SECRET_KEY.encode(), f"{scope}:{normalised}".encode(), hashlib.sha256).hexdigest()


def allow(scope: str, value: str, *, limit: int, window: timedelta) -> bool:
    """True (and one hit counted) while `value` has had fewer than `limit` hits under `scope` in `window`."""
    now = timezone.now()
    key = key_for(scope, value)
    # Hits older than the window count for nothing any more: drop this key's, so the table stays small.
    RateLimitHit.objects.filter(scope=scope, key=key, at__lt=now - window).delete()
    if RateLimitHit.objects.filter(scope=scope, key=key).count() >= limit:
        return False
    RateLimitHit.objects.create(scope=scope, key=key, at=now)
    return True


def purge(older_than: timedelta = timedelta(days=2)) -> int:
    """Drop every hit older than any window uses (for a periodic job)."""
    deleted, _ = RateLimitHit.objects.filter(at__lt=timezone.now() - older_than).delete()
    return deleted
