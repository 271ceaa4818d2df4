"""Plain forms for the news pages (no JavaScript needed). Rules live in the services; these only parse."""

from django import forms
from django.utils.translation import gettext_lazy as _

from carehub.forms import DateInput
from carehub.models import Hub, Language

from .models import BODY_MAX, TITLE_MAX

OTHER_LANGUAGE_LABELS = {
    "ca": (_("Title in Catalan"), _("Text in Catalan")),
    "es": (_("Title in Spanish"), _("Text in Spanish")),
    "en": (_("Title in English"), _("Text in English")),
}


class NewsForm(forms.Form):
    """One announcement: the title and text in the language it is written in, then, optionally, the same in
    the other languages (a reader whose language has no version sees the written one)."""

    hub = forms.ModelChoiceField(label=_("Hub"), queryset=Hub.objects.none(), to_field_name="slug",
                                 empty_label=None)
    language = forms.ChoiceField(label=_("Written in"), choices=Language.choices)
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    body = forms.CharField(label=_("Text"), max_length=BODY_MAX, widget=forms.Textarea(attrs={"rows": 6}),
                           help_text=_("A few lines. People read it on a phone."))
    link = forms.URLField(label=_("Link (optional)"), max_length=300, required=False, assume_scheme="https",
                          help_text=_("A page with more information, e.g. https://ajuntament.barcelona.cat/…"))
    publish_on = forms.DateField(label=_("Published from"), widget=DateInput())
    ends_on = forms.DateField(label=_("Shown until (optional)"), required=False, widget=DateInput(),
                              help_text=_("Leave empty to show it until you withdraw it."))

    def __init__(self, *args, hubs=None, with_hub=True, **kwargs):
        super().__init__(*args, **kwargs)
        if with_hub:
            self.fields["hub"].queryset = hubs if hubs is not None else Hub.objects.none()
        else:
            del self.fields["hub"]
        for language, (title_label, body_label) in OTHER_LANGUAGE_LABELS.items():
            self.fields[f"title_{language}"] = forms.CharField(label=title_label, max_length=TITLE_MAX,
                                                               required=False)
            self.fields[f"body_{language}"] = forms.CharField(
                label=body_label, max_length=BODY_MAX, required=False, widget=forms.Textarea(attrs={"rows": 4}))

    @property
    def main_fields(self):
        return [self[name] for name in ("hub", "language", "title", "body", "link", "publish_on", "ends_on")
                if name in self.fields]

    @property
    def version_fields(self):
        return [(code, self[f"title_{code}"], self[f"body_{code}"]) for code in OTHER_LANGUAGE_LABELS]

    def service_values(self) -> dict:
        data = self.cleaned_data
        translations = {code: {"title": data.get(f"title_{code}", ""), "body": data.get(f"body_{code}", "")}
                        for code in OTHER_LANGUAGE_LABELS}
        return {"language": data["language"], "title": data["title"], "body": data["body"],
                "link": data.get("link") or "", "publish_on": data["publish_on"], "ends_on": data.get("ends_on"),
                "translations": translations}

    @staticmethod
    def initial_for(item) -> dict:
        initial = {name: getattr(item, name) for name in ("language", "title", "body", "link", "publish_on",
                                                          "ends_on")}
        for code, version in (item.translations or {}).items():
            initial[f"title_{code}"] = version.get("title", "")
            initial[f"body_{code}"] = version.get("body", "")
        return initial
