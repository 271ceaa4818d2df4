"""Identity documents as the desk types them: a Spanish DNI or NIE is checked (its control letter) and stored in
one shape, so "12345678-z" and "12345678Z" are the same person; anything else is taken as a passport number.

`python-stdnum` knows the control-letter rules (es.dni, es.nie); a typo in a DNI is caught at the desk instead of
creating a second record that no duplicate check can match."""

import re

from stdnum.es import dni, nie
from stdnum.exceptions import ValidationError

_DNI_SHAPE = re.compile(r"^\d{8}[A-Z]$")
_NIE_SHAPE = re.compile(r"^[XYZ]\d{7}[A-Z]$")
_PASSPORT = re.compile(r"^[A-Z0-9]{5,20}$")


class InvalidDocument(ValueError):
    pass


def normalise(raw: str) -> str:
    """The document in its stored shape ("" when empty), or InvalidDocument with a reason for the desk."""
    compact = re.sub(r"[\s.\-/]", "", (raw or "")).upper()
    if not compact:
        return ""
    for shape, rule, kind in ((_DNI_SHAPE, dni, "DNI"), (_NIE_SHAPE, nie, "NIE")):
        if shape.match(compact):
            try:
                return rule.validate(compact)
            except ValidationError:
                raise InvalidDocument(kind)
    # Digits and a letter, or X/Y/Z, digits and a letter: a DNI or NIE with a typo, not a passport.
    if compact[-1].isalpha() and compact[:-1].isdigit() and 7 <= len(compact) <= 9:
        raise InvalidDocument("DNI")
    if compact[0] in "XYZ" and compact[-1].isalpha() and compact[1:-1].isdigit():
        raise InvalidDocument("NIE")
    if not _PASSPORT.match(compact):
        raise InvalidDocument("passport")
    return compact


def masked(document: str) -> str:
    """What a list shows: the last four characters only (the person's own page shows it whole)."""
    if not document:
        return ""
    return "•" * max(len(document) - 4, 0) + document[-4:]
