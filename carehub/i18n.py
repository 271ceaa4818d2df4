"""Language details a catalogue cannot hold: Catalan elision and contractions around interpolated values,
grouped numbers, and the month names Catalan dates say with their preposition.

A translation is written once, but the name or date put into it changes: "La teva cita de %(service)s" must
read "d'Assessorament" for one service and "de Llit" for another, and "del %(start)s" must read "de l'1 de
desembre" on the 1st and "del 2 de desembre" on the 2nd. `elide()` fixes the text after interpolation; it
changes Catalan only (docs/language.md).
"""

import re

from django.utils import formats
from django.utils.functional import lazy
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import get_language, gettext_noop, ngettext_lazy, pgettext_lazy

# Django's `E` date format character reads these "alt. month" names (the month as said after a day). carehub's
# Catalan catalogue translates them with the preposition, "de desembre", "d'octubre", so that the Catalan
# formats ("j E \d\e Y") read "8 d'octubre de 2026"; Spanish and English translate them as the bare names.
# Listed here so that `make messages` keeps them in carehub's catalogue.
MONTHS_AFTER_A_DAY = (
    pgettext_lazy("alt. month", "January"),
    pgettext_lazy("alt. month", "February"),
    pgettext_lazy("alt. month", "March"),
    pgettext_lazy("alt. month", "April"),
    pgettext_lazy("alt. month", "May"),
    pgettext_lazy("alt. month", "June"),
    pgettext_lazy("alt. month", "July"),
    pgettext_lazy("alt. month", "August"),
    pgettext_lazy("alt. month", "September"),
    pgettext_lazy("alt. month", "October"),
    pgettext_lazy("alt. month", "November"),
    pgettext_lazy("alt. month", "December"),
)

_VOWEL = "aeiouàáèéíïòóúüAEIOUÀÁÈÉÍÏÒÓÚÜ"
# "de" before a word that starts with a vowel sound becomes "d'" (d'Assessorament, d'Horta), except before
# the semivowels i/u followed by a vowel (de iogurt, de Huelva), where Catalan keeps "de". Tags in between
# (a name in <strong>) are kept. Only a whole word "de": "Onze de Setembre" stays.
_DE = re.compile(
    rf"\b([Dd])e ((?:<[^>]+>)*)(?=[{_VOWEL}]|[hH][{_VOWEL}])(?![hH]?[iuIUïüÏÜ][{_VOWEL}])"
)
# Before the day numbers 1 and 11 (said "u", "onze") the article elides and its contraction opens:
# "del 1 de desembre" -> "de l'1 de desembre", "al 11 d'octubre" -> "a l'11 d'octubre", "el 1" -> "l'1".
# Only before a date ("1 de", "11 d'"), so that "el 1 %" or a count is never touched.
_DAY = r"(1|11)(?=(?:<[^>]+>)*\s+d(?:e\s|'|’|&#x27;|&#39;))"
_DEL_AL = re.compile(rf"\b([Dd]e|[Aa])l ((?:<[^>]+>)*){_DAY}")
_EL = re.compile(rf"\b([Ee])l ((?:<[^>]+>)*){_DAY}")


def is_catalan(language: str | None = None) -> bool:
    return (language or get_language() or "").split("-")[0] == "ca"


def elide(text: str, language: str | None = None) -> str:
    """`text` with Catalan's elisions and contractions applied where an interpolated name or date needs them;
    any other language's text unchanged. Safe (escaped) text stays safe: only letters and an apostrophe are
    removed or added, never inside a tag."""
    if not text or not is_catalan(language):
        return text
    result = _DE.sub(lambda m: f"{m.group(1)}'{m.group(2)}", str(text))
    result = _DEL_AL.sub(lambda m: f"{m.group(1)} l'{m.group(2)}{m.group(3)}", result)
    result = _EL.sub(lambda m: f"{'L' if m.group(1) == 'E' else 'l'}'{m.group(2)}{m.group(3)}", result)
    return mark_safe(result) if isinstance(text, SafeData) else result


def grouped(number) -> str:
    """A count or figure with the active language's thousands separator (22.800 in Catalan and Spanish,
    22,800 in English). Only for reading: ids, years, form values and CSV cells stay ungrouped, which is why
    carehub does not turn USE_THOUSAND_SEPARATOR on."""
    if number is None or number == "":
        return ""
    return formats.number_format(number, force_grouping=True)


# Django's own messages that carehub's pages show (form errors, the login and password forms, the password
# validators of AUTH_PASSWORD_VALIDATORS), listed so that carehub's catalogue translates them in the site's
# informal register ("Escriu...", "Escribe..."): Django's catalogues say "Introduïu..."/"Introduzca...", and
# Django 5.2's new minimum-length message has no Catalan translation at all. carehub comes first in
# INSTALLED_APPS, so its translation wins. The msgids must stay exactly Django's (tests/language checks them).
DJANGO_MESSAGES = (
    gettext_noop("This field is required."),
    gettext_noop("Enter a valid email address."),
    gettext_noop("Enter a valid date."),
    gettext_noop("Enter a valid time."),
    gettext_noop("Enter a valid date/time."),
    gettext_noop("Enter a whole number."),
    gettext_noop("Enter a number."),
    gettext_noop("Enter a valid value."),
    gettext_noop("Enter a valid URL."),
    gettext_noop("Select a valid choice. %(value)s is not one of the available choices."),
    gettext_noop("Select a valid choice. That choice is not one of the available choices."),
    ngettext_lazy("Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
                  "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d)."),
    ngettext_lazy("Ensure this value has at least %(limit_value)d character (it has %(show_value)d).",
                  "Ensure this value has at least %(limit_value)d characters (it has %(show_value)d)."),
    gettext_noop("Ensure this value is less than or equal to %(limit_value)s."),
    gettext_noop("Ensure this value is greater than or equal to %(limit_value)s."),
    # django.contrib.auth: the login form and the password change form
    gettext_noop(
        "Please enter a correct %(username)s and password. Note that both fields may be case-sensitive."),
    gettext_noop("This account is inactive."),
    gettext_noop("Your old password was entered incorrectly. Please enter it again."),
    gettext_noop("The two password fields didn’t match."),
    gettext_noop("Old password"),
    gettext_noop("New password confirmation"),
    gettext_noop("Enter the same password as before, for verification."),
    # the password validators: the error, then the help text shown under the field
    ngettext_lazy("This password is too short. It must contain at least %d character.",
                  "This password is too short. It must contain at least %d characters."),
    ngettext_lazy("Your password must contain at least %(min_length)d character.",
                  "Your password must contain at least %(min_length)d characters."),
    gettext_noop("The password is too similar to the %(verbose_name)s."),
    gettext_noop("Your password can’t be too similar to your other personal information."),
    gettext_noop("This password is too common."),
    gettext_noop("Your password can’t be a commonly used password."),
    gettext_noop("This password is entirely numeric."),
    gettext_noop("Your password can’t be entirely numeric."),
)


def content(obj, field: str):
    """`obj.field` (a translated catalogue field: an activity's title, an item type's name) in the language that
    is active when it is *shown*, not when this is called: a message is rendered in its recipient's language
    (carehub.notifications.render), while the request that causes it may be in another one."""
    return lazy(lambda: getattr(obj, field), str)()
