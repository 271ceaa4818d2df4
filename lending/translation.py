"""Which item-type texts are entered in Catalan, Spanish and English (django-modeltranslation; docs/translation.md)."""

from modeltranslation.settings import DEFAULT_LANGUAGE as ORIGINAL
from modeltranslation.translator import TranslationOptions, register

from .models import ItemType


@register(ItemType)
class ItemTypeTranslation(TranslationOptions):
    fields = ("name", "description", "cleaning_protocol")
    required_languages = (ORIGINAL,)
    # Names are unique in each language; an untranslated name is NULL, so that many may be missing at once.
    empty_values = {"name": None}
