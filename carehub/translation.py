"""Which hub texts coordinators enter in Catalan, Spanish and English (django-modeltranslation; docs/translation.md)."""

from modeltranslation.settings import DEFAULT_LANGUAGE as ORIGINAL
from modeltranslation.translator import TranslationOptions, register

from .models import Hub


@register(Hub)
class HubTranslation(TranslationOptions):
    fields = ("description", "community_space")
    required_languages = (ORIGINAL,)
