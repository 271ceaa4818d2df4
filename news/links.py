"""The signed link in every digest: it opens the subscriber's digest page, which unsubscribes without a login.

The token is the subscription's primary key signed with the site's SECRET_KEY (django.core.signing, its own
salt), so nobody can make one for another subscription, and changing a character makes it invalid. It does
not expire: an unsubscribe link in last year's email must still work. The primary key survives a merge of two
records (the row moves to the person kept) and a new opt-in (the same row comes back), so every link a person
ever got keeps working. Rotating SECRET_KEY (with SECRET_KEY_FALLBACKS) invalidates them only once the old key
leaves the fallbacks.
"""

from django.conf import settings
from django.core import signing
from django.urls import reverse

SALT = "news.digest-subscription"


def token_for(subscription) -> str:
    return signing.Signer(salt=SALT).sign(str(subscription.pk))


def subscription_id_from(token: str) -> int | None:
    """The subscription id a token names, or None when it was not made here (cut, changed, made up)."""
    try:
        value = signing.Signer(salt=SALT).unsign(token or "")
    except signing.BadSignature:
        return None
    return int(value) if value.isascii() and value.isdigit() and len(value) < 19 else None


def digest_link(subscription) -> str:
    return settings.SITE_URL + reverse("news:digest-link", kwargs={"token": token_for(subscription)})
