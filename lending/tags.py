"""Asset tags: what a tag may be, how it is normalised, and how any stored tag travels in a URL.

A tag is printed on a QR label, typed by a barcode scanner and put in page URLs, so it has only letters,
digits and hyphens (case-insensitive, stored upper-case). Every entry point (forms, API schemas, services,
the model field) validates with `clean_tag`. Rows written before the rule, or by hand, may still hold any
text: `TagConverter` carries such a tag in a URL intact (percent-encoded), so a list or the desk never
fails to link to it, and lookups find a tag in any case.
"""

import re
from urllib.parse import quote, unquote

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from .errors import InvalidAssetTag

TAG_MAX_LENGTH = 32
TAG_PATTERN = r"^[A-Z0-9][A-Z0-9-]*$"
_TAG_RE = re.compile(TAG_PATTERN)

# On the model field: `full_clean()` (the admin) refuses a malformed tag. Not a database constraint: rows
# from before the rule must stay readable, and the pages are built to survive them.
validate_stored_tag = RegexValidator(
    TAG_PATTERN, message=_("An asset tag has only letters, digits and hyphens (e.g. SA-WC-001)."),
    code="asset_tag_invalid",
)


def normalise_tag(tag) -> str:
    """The stored spelling of a tag typed in any case, with the scanner's stray spaces removed."""
    return str(tag or "").strip().upper()


def is_valid_tag(tag: str) -> bool:
    return len(tag) <= TAG_MAX_LENGTH and bool(_TAG_RE.match(tag))


def clean_tag(tag) -> str:
    """The normalised tag, or `InvalidAssetTag` (field `asset_tag`) when it is not letters, digits and `-`."""
    normalised = normalise_tag(tag)
    if not is_valid_tag(normalised):
        raise InvalidAssetTag(field="asset_tag")
    return normalised


def lookup_values(tag) -> list[str]:
    """The spellings to look a tag up by (an indexed `IN`, not a table scan): the normalised one, which
    finds every valid tag whatever case was typed, and the raw one, which finds an old malformed tag."""
    raw = str(tag or "").strip()
    return list(dict.fromkeys([normalise_tag(raw), raw]))


class TagConverter:
    """`<tag:tag>` in URLs: any stored tag, percent-encoded, so that `reverse()` never fails on one.

    A valid tag is unchanged in the URL (`/lending/items/SA-WC-001/`).
    """

    regex = "[^/]+"

    def to_python(self, value: str) -> str:
        return unquote(value)

    def to_url(self, value) -> str:
        return quote(str(value), safe="")
