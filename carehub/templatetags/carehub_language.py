"""`{% load carehub_language %}`: Catalan elision around interpolated names and dates, and grouped numbers.

    {% elide %}{% blocktranslate with start=date_from|date:"MONTH_DAY_FORMAT" %}Free times from {{ start }}
    {% endblocktranslate %}{% endelide %}     -> "Hores lliures de l'1 de desembre" (Catalan only)
    {{ hub.population|grouped }}              -> 22.800 / 22,800
"""

from django import template

from carehub import i18n

register = template.Library()


class ElideNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist

    def render(self, context):
        return i18n.elide(self.nodelist.render(context))


@register.tag
def elide(parser, token):
    """Render the enclosed text, then apply Catalan's elisions where an interpolated value needs them."""
    nodelist = parser.parse(("endelide",))
    parser.delete_first_token()
    return ElideNode(nodelist)


@register.filter(is_safe=True)
def grouped(number):
    return i18n.grouped(number)
