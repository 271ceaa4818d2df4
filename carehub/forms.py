from django import forms
from django.utils.translation import gettext_lazy as _

from . import errors
from .models import Hub, Language, Person


def add_domain_error(form: forms.Form, exc: errors.DomainError) -> None:
    """Show a service's refusal next to the field it concerns, or at the top of the form."""
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, str(exc.message))


class DateInput(forms.DateInput):
    """A native date picker; the value in ISO format, as the picker expects whatever the page's language."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


class PersonSearchForm(forms.Form):
    """Find a person by a fragment of their name, phone or document number (the desk, every app)."""

    q = forms.CharField(
        label=_("Name, phone or document number"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off", "type": "search"}),
    )

    def __init__(self, *args, label=None, **kwargs):
        super().__init__(*args, **kwargs)
        if label is not None:
            self.fields["q"].label = label

    @property
    def query(self) -> str:
        return self.cleaned_data["q"] if self.is_bound and self.is_valid() else ""


class PersonForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=80,
                                 widget=forms.TextInput(attrs={"autocomplete": "off"}))
    last_name = forms.CharField(label=_("Last name"), max_length=120, required=False,
                                widget=forms.TextInput(attrs={"autocomplete": "off"}))
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False,
                            widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}))
    email = forms.EmailField(label=_("Email"), required=False, widget=forms.EmailInput(attrs={"autocomplete": "off"}))
    preferred_language = forms.ChoiceField(label=_("Preferred language"), choices=Language.choices)
    document_number = forms.CharField(label=_("Document number (optional)"), max_length=32, required=False)
    hub = forms.ModelChoiceField(label=_("Home hub"), queryset=Hub.objects.none(), empty_label=None)
    consent = forms.BooleanField(
        label=_("The person consents to carehub processing their data to provide the hub's services."),
        required=True,
        error_messages={"required": _("The person must consent to their data being processed.")},
    )

    def __init__(self, *args, hubs=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hub"].queryset = hubs if hubs is not None else Hub.objects.none()


class SignupForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=80,
                                 widget=forms.TextInput(attrs={"autocomplete": "given-name"}))
    last_name = forms.CharField(label=_("Last name"), max_length=120, required=False,
                                widget=forms.TextInput(attrs={"autocomplete": "family-name"}))
    email = forms.EmailField(label=_("Email"), help_text=_("For confirmations and reminders."),
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    phone = forms.CharField(label=_("Phone (optional)"), max_length=32, required=False,
                            widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}))
    home_hub = forms.ModelChoiceField(label=_("Your nearest hub"), queryset=Hub.objects.filter(is_active=True))
    preferred_language = forms.ChoiceField(label=_("Language for messages"), choices=Language.choices)
    username = forms.CharField(label=_("User name"), max_length=150,
                               widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}))
    password1 = forms.CharField(label=_("Password"), help_text=_("At least 10 characters."),
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    consent = forms.BooleanField(
        label=_("I agree that carehub processes my data to provide the hub's services."),
        error_messages={"required": _("Please accept the data-processing terms to create an account.")},
    )




__all__ = ["PersonForm", "PersonSearchForm", "SignupForm", "add_domain_error", "Person"]
