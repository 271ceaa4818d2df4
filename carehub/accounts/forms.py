"""The forms of online accounts: sign-up, password reset (by email or with a desk code), own profile."""

from django import forms
from django.utils.translation import gettext_lazy as _

from carehub.forms import CHANNEL_CHOICES, ChannelCheckMixin, phone_field
from carehub.models import Hub, Language


class SignupForm(ChannelCheckMixin, forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=80,
                                 widget=forms.TextInput(attrs={"autocomplete": "given-name"}))
    last_name = forms.CharField(label=_("Last name"), max_length=120, required=False,
                                widget=forms.TextInput(attrs={"autocomplete": "family-name"}))
    email = forms.EmailField(label=_("Email"), help_text=_("For your account, and for messages if you choose email."),
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    phone = phone_field(_("Phone (optional)"), "tel")
    notify_by = forms.ChoiceField(
        label=_("How should the hub tell you about your plans?"), choices=CHANNEL_CHOICES, initial="email",
        widget=forms.RadioSelect, required=False,  # not chosen (an older form, a script): email, the default
        help_text=_("Confirmations, changes and reminders. SMS needs a mobile number."),
    )
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

    def clean_notify_by(self):
        return self.cleaned_data.get("notify_by") or "email"


class PasswordResetRequestForm(forms.Form):
    email = forms.EmailField(label=_("Your email address"), max_length=254,
                             widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}))


class NewPasswordForm(forms.Form):
    """The new password, twice. Whether it is strong enough is the service's check (the same validators as
    everywhere), shown next to the first field."""

    new_password1 = forms.CharField(label=_("New password"), strip=False, max_length=4096,
                                    help_text=_("At least 10 characters."),
                                    widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    new_password2 = forms.CharField(label=_("New password again"), strip=False, max_length=4096,
                                    widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean(self):
        data = super().clean()
        first, second = data.get("new_password1"), data.get("new_password2")
        if first and second and first != second:
            self.add_error("new_password2", _("The two passwords are not the same."))
        return data


class DeskCodeResetForm(NewPasswordForm):
    username = forms.CharField(label=_("User name"), max_length=150,
                               widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}))
    code = forms.CharField(label=_("Code from the hub"), max_length=20, help_text=_("For example ABCD-EFGH."),
                           widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autocapitalize": "characters",
                                                         "spellcheck": "false"}))
    field_order = ["username", "code", "new_password1", "new_password2"]


class ProfileForm(ChannelCheckMixin, forms.Form):
    """A caregiver's own contact details, language and channel."""

    phone = phone_field(_("Phone"), "tel")
    email = forms.EmailField(label=_("Email"), required=False, max_length=254,
                             help_text=_("A new address gets a link to confirm it; until then messages come by "
                                         "SMS or a call from the hub."),
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    notify_by = forms.ChoiceField(label=_("How should the hub tell you about your plans?"), choices=CHANNEL_CHOICES,
                                  widget=forms.RadioSelect,
                                  help_text=_("Confirmations, changes and reminders. SMS needs a mobile number."))
    preferred_language = forms.ChoiceField(label=_("Language for messages"), choices=Language.choices)
