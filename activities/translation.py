"""Which activity texts are entered in Catalan, Spanish and English (django-modeltranslation; docs/translation.md)."""

from modeltranslation.settings import DEFAULT_LANGUAGE as ORIGINAL
from modeltranslation.translator import TranslationOptions, register

from .models import Activity


@register(Activity)
class ActivityTranslation(TranslationOptions):
    fields = ("title", "description", "place", "accessibility_notes")
    required_languages = (ORIGINAL,)
