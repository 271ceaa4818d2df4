from django import forms
from django.utils.translation import gettext_lazy as _

SCAN_MAX_LENGTH = 600


class FindForm(forms.Form):
    """/desk/ before anyone is shown: a name, phone or document fragment, a card or an item's tag."""

    q = forms.CharField(
        label=_("Find a person: name, phone, document or card"),
        help_text=_("Or scan an item on loan to take it back."),
        required=False, max_length=100,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off", "type": "search",
                                      "spellcheck": "false", "aria-describedby": "desk-status id_q_helptext"}),
    )

    @property
    def query(self) -> str:
        return self.cleaned_data["q"].strip() if self.is_bound and self.is_valid() else ""


class ScanForm(forms.Form):
    """The person screen's scan field: one or more asset tags (lend, or take back an item on loan), or
    another person's card."""

    scan = forms.CharField(
        label=_("Scan or type asset tags"),
        help_text=_("Several at once: separate them with spaces or commas, then press Enter. "
                    "One item on loan opens its return; a person's card opens their screen."),
        max_length=SCAN_MAX_LENGTH,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off", "autocapitalize": "characters",
                                      "spellcheck": "false", "class": "desk-scan-input",
                                      "aria-describedby": "desk-status id_scan_helptext"}),
    )
