"""`{% load content %}`: catalogue content in the page's language, a fallback marked with its own `lang`.

    {% content session.activity "title" %}           -> Taller de cures   (a Spanish page, no Spanish title:
                                                         <span lang="ca">Taller de cures</span>)
    {% content activity "description" linebreaks=True %}
    {% content row "item_type__name" %}              -> a `.values()` row with item_type__name_ca/_es/_en
    {% content activity "title" as title %}          -> the plain text, e.g. for an attribute or a <title>
"""

from django import template
from django.template.defaultfilters import linebreaks_filter
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

from carehub.content import page_language, translated

register = template.Library()


@register.simple_tag
def content(obj, field, linebreaks=False, as_text=False):
    if obj is None:
        return ""
    text, language = translated(obj, field)
    if as_text or not text:
        return text
    html = linebreaks_filter(text, autoescape=True) if linebreaks else conditional_escape(text)
    if not text or language == page_language():
        return mark_safe(html)
    return format_html('<{0} lang="{1}">{2}</{0}>', "div" if linebreaks else "span", language, mark_safe(html))


@register.simple_tag
def content_lang(obj, field):
    """The language of the text {% content %} shows, for an element that wraps it (e.g. a heading's lang)."""
    return translated(obj, field)[1] if obj is not None else page_language()


@register.simple_tag
def where(activity):
    """Where an activity takes place: its place, or the hub's community space and address, each text in the page's
    language or marked with its own (Activity.where, translated)."""
    if activity.place:
        return content(activity, "place")
    return format_html("{}, {}", content(activity.hub, "community_space"), activity.hub.address)
