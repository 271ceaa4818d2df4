"""Catalogue content in three languages: which text to show, in which language it is, and how a form enters it.

The hubs type their catalogue (item types, advice services, activities, hubs) in Catalan, the original; the
Spanish and English columns (django-modeltranslation, `<field>_es`, `<field>_en`) may stay empty. A page shows its
own language's text, else the original (then the others), and says which language it shows, so that the
fallback can carry its `lang` and screen readers switch voice (docs/translation.md).
"""

import copy

from django import forms
from django.conf import settings
from django.utils.translation import get_language, gettext_lazy as _
from modeltranslation.translator import NotRegistered, translator

ORIGINAL = settings.MODELTRANSLATION_DEFAULT_LANGUAGE
LANGUAGES = tuple(code for code, _name in settings.LANGUAGES)
# Named in their own language, as a language switcher does: a coordinator finds "Español" whatever the page.
LANGUAGE_NAMES = {"ca": "Català", "es": "Español", "en": "English"}


def page_language() -> str:
    return (get_language() or ORIGINAL).split("-")[0]


def resolution_order(language: str | None = None) -> list[str]:
    """The page's language, then the fallbacks of settings.MODELTRANSLATION_FALLBACK_LANGUAGES."""
    language = language or page_language()
    fallbacks = settings.MODELTRANSLATION_FALLBACK_LANGUAGES
    order = [language, *fallbacks.get(language, fallbacks["default"])]
    return list(dict.fromkeys(code for code in order if code in LANGUAGES))


def translated(obj, field: str, language: str | None = None) -> tuple[str, str]:
    """(text, language of that text) of `obj`'s `field` for a page in `language` (default: the active one).

    `obj` is a model instance or a `.values()` row (keys `item_type__name_ca` and so on). A row that has no
    translation columns filled (e.g. loaded in bulk before the catalogue was translated) shows its original
    column as Catalan.
    """
    def read(name):
        return obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)

    for code in resolution_order(language):
        value = read(f"{field}_{code}")
        if value:
            return value, code
    raw = obj.get(field) if isinstance(obj, dict) else getattr(obj, "__dict__", {}).get(field)
    return raw or "", ORIGINAL


def add_translated_fields(form: forms.Form, field: str) -> None:
    """Give `form`'s `field` (the Catalan original, keeping its name and `required`) a Spanish and an English
    input right after it, both optional.

    Each label names its language and each input carries `lang`, so that spelling checkers and screen readers
    use the right one.
    """
    fields = {}
    for name, original in form.fields.items():
        fields[name] = original
        if name != field:
            continue
        label = original.label
        original.label = _("%(field)s (%(language)s)") % {"field": label, "language": LANGUAGE_NAMES[ORIGINAL]}
        original.widget.attrs["lang"] = ORIGINAL
        for code in LANGUAGES:
            if code == ORIGINAL:
                continue
            one = copy.deepcopy(original)
            one.required = False
            one.label = _("%(field)s (%(language)s)") % {"field": label, "language": LANGUAGE_NAMES[code]}
            one.widget.attrs["lang"] = code
            one.help_text = _("Optional: when empty, the Catalan text is shown.")
            fields[f"{field}_{code}"] = one
    form.fields = fields


def form_initial(obj, names) -> dict:
    """A form's initial values from `obj`: a translated field's own name gets the original (Catalan) column,
    not the page language's text that `obj.title` reads, so that saving never files one language as another."""
    try:
        translated_fields = set(translator.get_options_for_model(type(obj)).fields)
    except NotRegistered:
        translated_fields = set()
    return {name: getattr(obj, f"{name}_{ORIGINAL}" if name in translated_fields else name) for name in names}


def by_column(changes: dict, fields) -> dict:
    """`changes` with each of `fields` given by its own name (`title`) moved to the original's column
    (`title_ca`): `obj.title = …` or `Model(title=…)` would write the active language's column instead."""
    changes = dict(changes)
    for field in fields:
        if field in changes:
            changes.setdefault(f"{field}_{ORIGINAL}", changes.pop(field))
    return changes


def language_columns(fields) -> list[str]:
    """`title_ca`, `title_es`, `title_en`, … for each of `fields`."""
    return [f"{field}_{code}" for field in fields for code in LANGUAGES]


def translation_columns(fields) -> list[str]:
    """The translations' columns, `title_es`, `title_en`, … (the original's is written as `title`)."""
    return [f"{field}_{code}" for field in fields for code in LANGUAGES if code != ORIGINAL]


def texts_in_languages(original: dict, translations: dict | None) -> dict:
    """Every language column of the `original` fields (their Catalan text) and of their `translations`
    (`{"title_es": …}`; missing or empty: None, shown as the original).

    A model built with `title=` alone writes it into the active language's column: a Spanish page would file
    Catalan text as Spanish. Naming each column keeps the original where it belongs."""
    translations = translations or {}
    columns = {}
    for field, value in original.items():
        columns[f"{field}_{ORIGINAL}"] = (value or "").strip() or None
        for code in LANGUAGES:
            if code != ORIGINAL:
                columns[f"{field}_{code}"] = (translations.get(f"{field}_{code}") or "").strip() or None
    return columns


class ContentSelect(forms.Select):
    """A select of catalogue objects (`ModelChoiceField`): each option is named in the page's language, and one
    shown in another language for want of a translation carries that `lang`."""

    def __init__(self, *args, field: str = "name", **kwargs):
        super().__init__(*args, **kwargs)
        self.field = field

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["label"], language = translated(instance, self.field)
            if language != page_language():
                option["attrs"]["lang"] = language
        return option
