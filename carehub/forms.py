from django import forms
from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField
from phonenumber_field.widgets import RegionalPhoneNumberWidget

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


PHONE_INVALID = _("Enter a valid phone number, for example 612 345 678.")
CHANNEL_CHOICES = [("email", _("Email")), ("sms", _("SMS")), ("call", _("Phone call from the desk"))]


def phone_field(label, autocomplete: str) -> PhoneNumberField:
    """A Spanish number as people type it (612 345 678, +34 612…, 93 256 41 00); refused next to the field when
    it does not parse. The service applies the same rule for the API (carehub.services.clean_contact)."""
    return PhoneNumberField(
        label=label, region="ES", required=False, max_length=32,
        widget=RegionalPhoneNumberWidget(region="ES", attrs={"autocomplete": autocomplete}),
        error_messages={"invalid": PHONE_INVALID},
    )


def e164(number) -> str:
    """The form's PhoneNumber as the service takes it ("" when left empty)."""
    return number.as_e164 if number else ""


class ChannelCheckMixin:
    """A channel needs its contact data: said next to the channel before the service is asked (which checks
    the same, for the API)."""

    def clean(self):
        from carehub.notifications import phones

        data = super().clean()
        channel, phone = data.get("notify_by"), e164(data.get("phone"))
        if "phone" not in self.errors:
            if channel == "email" and not data.get("email") and "email" not in self.errors:
                self.add_error("notify_by", _("Add an email address to send messages by email, or choose "
                                              "another channel."))
            elif channel == "sms" and not phones.is_mobile(phone):
                self.add_error("notify_by", _("SMS needs a mobile number (6xx or 7xx). Add one or choose "
                                              "another channel."))
        return data


class PersonForm(ChannelCheckMixin, forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=80,
                                 widget=forms.TextInput(attrs={"autocomplete": "off"}))
    last_name = forms.CharField(label=_("Last name"), max_length=120, required=False,
                                widget=forms.TextInput(attrs={"autocomplete": "off"}))
    phone = phone_field(_("Phone"), "off")
    email = forms.EmailField(label=_("Email"), required=False, widget=forms.EmailInput(attrs={"autocomplete": "off"}))
    notify_by = forms.ChoiceField(
        label=_("Send messages by"), required=False,
        choices=[("", _("Choose from the contact data"))] + CHANNEL_CHOICES,
        help_text=_("Left as it is: email if there is one, else SMS to a mobile, else a call from the desk."),
    )
    preferred_language = forms.ChoiceField(label=_("Preferred language"), choices=Language.choices)
    document_number = forms.CharField(label=_("Document number (optional)"), max_length=32, required=False)
    birth_year = forms.IntegerField(
        label=_("Year of birth (optional)"), required=False, min_value=1900, max_value=2100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text=_("Tells two people of the same name apart."),
    )
    hub = forms.ModelChoiceField(label=_("Home hub"), queryset=Hub.objects.none(), empty_label=None)
    consent = forms.BooleanField(
        label=_("The person consents to carehub processing their data to provide the hub's services."),
        required=True,
        error_messages={"required": _("The person must consent to their data being processed.")},
    )

    # Shown (with the candidates) only when the desk is told that the person may already be registered.
    not_a_duplicate = forms.BooleanField(
        label=_("None of these is the person: register them as new."), required=False,
    )

    def __init__(self, *args, hubs=None, duplicates_shown=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hub"].queryset = hubs if hubs is not None else Hub.objects.none()
        if not duplicates_shown:
            del self.fields["not_a_duplicate"]


class PersonEditForm(ChannelCheckMixin, forms.Form):
    """The desk corrects a person's details: the registration form without consent (given once)."""

    first_name = PersonForm.base_fields["first_name"]
    last_name = PersonForm.base_fields["last_name"]
    phone = PersonForm.base_fields["phone"]
    email = PersonForm.base_fields["email"]
    notify_by = PersonForm.base_fields["notify_by"]
    preferred_language = PersonForm.base_fields["preferred_language"]
    document_number = PersonForm.base_fields["document_number"]
    birth_year = PersonForm.base_fields["birth_year"]
    hub = forms.ModelChoiceField(label=_("Home hub"), queryset=Hub.objects.none(), empty_label=None)

    def __init__(self, *args, hubs=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hub"].queryset = hubs if hubs is not None else Hub.objects.none()


class MergeForm(forms.Form):
    kept = forms.TypedChoiceField(label=_("Keep"), coerce=int, widget=forms.RadioSelect)
    confirm = forms.BooleanField(
        label=_("I have checked that both records are the same person."),
        error_messages={"required": _("Confirm that both records are the same person.")},
    )

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kept"].choices = [(p.pk, f"{p.full_name} (#{p.pk})") for p in people]


__all__ = ["MergeForm", "PersonEditForm", "PersonForm", "PersonSearchForm", "add_domain_error", "e164", "Person"]
