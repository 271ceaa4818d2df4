from django import forms
from django.utils.translation import gettext_lazy as _

from carehub.forms import DateInput
from carehub.models import District

from .metrics import FIGURES


class InsightsFilterForm(forms.Form):
    """The dashboard's period, district and trend choices (all optional: defaults are the last 12 months)."""

    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("Until"), required=False, widget=DateInput())
    district = forms.ChoiceField(label=_("District"), required=False,
                                 choices=[("", _("All districts"))] + list(District.choices))
    figure = forms.ChoiceField(label=_("Monthly trend of"), required=False,
                               choices=[(f.key, f.label) for f in FIGURES])
    trend_hub = forms.ChoiceField(label=_("for the hub"), required=False, choices=())
    sort = forms.CharField(required=False, widget=forms.HiddenInput, max_length=40)

    def __init__(self, *args, hubs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trend_hub"].choices = [(h.slug, h.name) for h in hubs]

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end of the period must be after its start."))
        return data
