"""Which advice-service texts are entered in Catalan, Spanish and English (django-modeltranslation)."""

from modeltranslation.settings import DEFAULT_LANGUAGE as ORIGINAL
from modeltranslation.translator import TranslationOptions, register

from .models import AdviceService


@register(AdviceService)
class AdviceServiceTranslation(TranslationOptions):
    fields = ("name", "description")
    required_languages = (ORIGINAL,)
