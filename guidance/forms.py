"""Plain forms for the guidance pages (no JavaScript needed). Rules live in the services; these only parse."""

from django import forms
from django.utils.translation import gettext_lazy as _

from carehub.forms import DateInput
from carehub.models import Hub

from . import services
from .models import RESOURCE_LANGUAGES, AgeBand, Channel, Referral, ResourceKind


class HubChoiceForm(forms.Form):
    hub = forms.ModelChoiceField(label=_("Hub"), queryset=Hub.objects.filter(is_active=True), to_field_name="slug",
                                 required=False, empty_label=_("Choose a hub"))

    def __init__(self, *args, hubs=None, **kwargs):
        super().__init__(*args, **kwargs)
        if hubs is not None:
            self.fields["hub"].queryset = hubs


class AttentionForm(forms.Form):
    """Seconds at the desk: the channel, the topics, a few words, where they were sent, maybe a follow-up."""

    hub = forms.ModelChoiceField(label=_("Hub"), queryset=Hub.objects.none(), empty_label=None,
                                 to_field_name="slug")
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.IN_PERSON,
                                widget=forms.RadioSelect)
    topics = forms.TypedMultipleChoiceField(label=_("Topics"), coerce=int, choices=(),
                                            widget=forms.CheckboxSelectMultiple)
    age_band = forms.ChoiceField(label=_("Age band (anonymous walk-in)"), required=False,
                                 choices=[("", _("Not asked"))] + AgeBand.choices)
    is_caregiver = forms.TypedChoiceField(
        label=_("Cares for someone? (anonymous walk-in)"), required=False, empty_value=None,
        coerce=lambda value: {"yes": True, "no": False}.get(value),
        choices=[("", _("Not asked")), ("yes", _("Yes")), ("no", _("No"))],
    )
    outcome = forms.CharField(label=_("Outcome (optional)"), max_length=services.OUTCOME_MAX, required=False,
                              help_text=_("A few words: what they were told or given."))
    notes = forms.CharField(label=_("Notes for the hub's staff (optional)"), max_length=services.NOTES_MAX,
                            required=False, widget=forms.Textarea(attrs={"rows": 3}),
                            help_text=_("Only the desk and the coordinator of this hub read them. No health details."))
    services = forms.MultipleChoiceField(
        label=_("Referred to the hub's services"), required=False, widget=forms.CheckboxSelectMultiple,
        choices=[(k, label) for k, label in Referral.Kind.choices if k != Referral.Kind.RESOURCE],
    )
    resources = forms.TypedMultipleChoiceField(label=_("Referred to resources of the directory"), coerce=int,
                                               required=False, choices=(), widget=forms.CheckboxSelectMultiple)
    follow_up_on = forms.DateField(label=_("Follow up on (optional)"), required=False, widget=DateInput())

    def __init__(self, *args, hubs, topics, resources, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hub"].queryset = hubs
        self.fields["topics"].choices = [(t.pk, t.name) for t in topics]
        self.fields["resources"].choices = [(r.pk, r.name) for r in resources]
        if hubs.count() == 1:
            self.fields["hub"].widget = forms.HiddenInput()


class AttentionEditForm(forms.Form):
    topics = AttentionForm.base_fields["topics"]
    outcome = AttentionForm.base_fields["outcome"]
    notes = AttentionForm.base_fields["notes"]
    follow_up_on = AttentionForm.base_fields["follow_up_on"]

    def __init__(self, *args, topics, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topics"].choices = [(t.pk, t.name) for t in topics]


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer"), max_length=services.ANSWER_MAX,
                             widget=forms.Textarea(attrs={"rows": 5}),
                             help_text=_("It goes to the person by email, SMS or a call from the desk."))
    topics = forms.TypedMultipleChoiceField(label=_("Topics"), coerce=int, choices=(), required=False,
                                            widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, topics, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topics"].choices = [(t.pk, t.name) for t in topics]


class RequestForm(forms.Form):
    """The public question form. The contact part is only for someone not logged in."""

    hub = forms.ModelChoiceField(label=_("Hub"), queryset=Hub.objects.filter(is_active=True), to_field_name="slug",
                                 empty_label=_("Choose a hub"))
    question = forms.CharField(label=_("Your question"), max_length=services.QUESTION_MAX,
                               widget=forms.Textarea(attrs={"rows": 5}),
                               help_text=_("For example: what help is there for my mother, who can no longer "
                                           "live alone?"))
    name = forms.CharField(label=_("Your first name (optional)"), max_length=80, required=False,
                           widget=forms.TextInput(attrs={"autocomplete": "given-name"}))
    contact = forms.CharField(label=_("Your phone number"), max_length=32,
                              widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel", "type": "tel"}),
                              help_text=_("We answer by SMS to a mobile, or we call you."))
    consent = forms.BooleanField(
        label=_("The hub may keep my first name and phone number to answer me."), required=True,
        error_messages={"required": _("Agree to the hub keeping your phone number to answer you.")},
    )

    def __init__(self, *args, anonymous: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not anonymous:
            for name in ("name", "contact", "consent"):
                del self.fields[name]


class ResourceForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=160)
    kind = forms.ChoiceField(label=_("Kind"), choices=ResourceKind.choices)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    weekly_hours = forms.CharField(label=_("Weekly hours"), max_length=300, required=False,
                                   help_text=_("For example: Monday to Friday 9:00–14:00."))
    languages = forms.MultipleChoiceField(label=_("Languages"), required=False, widget=forms.CheckboxSelectMultiple,
                                          choices=list(RESOURCE_LANGUAGES.items()))
    serves = forms.CharField(label=_("Who it serves"), max_length=300, required=False)
    description_ca = forms.CharField(label=_("Description in Catalan"), required=False, max_length=4000,
                                     widget=forms.Textarea(attrs={"rows": 3, "lang": "ca"}))
    description_es = forms.CharField(label=_("Description in Spanish"), required=False, max_length=4000,
                                     widget=forms.Textarea(attrs={"rows": 3, "lang": "es"}))
    description_en = forms.CharField(label=_("Description in English"), required=False, max_length=4000,
                                     widget=forms.Textarea(attrs={"rows": 3, "lang": "en"}))
    contact_name = forms.CharField(label=_("Contact person"), max_length=120, required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=32, required=False)
    contact_email = forms.EmailField(label=_("Contact email"), required=False)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    contact_consent = forms.BooleanField(
        label=_("The contact agreed to these details being published."), required=False)
    latitude = forms.DecimalField(label=_("Latitude (optional)"), required=False, max_digits=9, decimal_places=6,
                                  min_value=-90, max_value=90)
    longitude = forms.DecimalField(label=_("Longitude (optional)"), required=False, max_digits=9,
                                   decimal_places=6, min_value=-180, max_value=180,
                                   help_text=_("Decimal degrees, for the 'Open in map' link."))
    is_published = forms.BooleanField(label=_("Published"), required=False, initial=True)


class TopicForm(forms.Form):
    name_ca = forms.CharField(label=_("Name in Catalan"), max_length=80)
    name_es = forms.CharField(label=_("Name in Spanish"), max_length=80, required=False)
    name_en = forms.CharField(label=_("Name in English"), max_length=80, required=False)


class TopicEditForm(TopicForm):
    position = forms.IntegerField(label=_("Position"), min_value=0, max_value=32000)
    is_active = forms.BooleanField(label=_("In use"), required=False)


class GuideForm(forms.Form):
    what_ca = forms.CharField(label=_("What the card is (Catalan)"), required=False, max_length=6000,
                              widget=forms.Textarea(attrs={"rows": 4, "lang": "ca"}))
    what_es = forms.CharField(label=_("What the card is (Spanish)"), required=False, max_length=6000,
                              widget=forms.Textarea(attrs={"rows": 4, "lang": "es"}))
    what_en = forms.CharField(label=_("What the card is (English)"), required=False, max_length=6000,
                              widget=forms.Textarea(attrs={"rows": 4, "lang": "en"}))
    who_ca = forms.CharField(label=_("Who can apply (Catalan)"), required=False, max_length=6000,
                             widget=forms.Textarea(attrs={"rows": 4, "lang": "ca"}))
    who_es = forms.CharField(label=_("Who can apply (Spanish)"), required=False, max_length=6000,
                             widget=forms.Textarea(attrs={"rows": 4, "lang": "es"}))
    who_en = forms.CharField(label=_("Who can apply (English)"), required=False, max_length=6000,
                             widget=forms.Textarea(attrs={"rows": 4, "lang": "en"}))
    documents_ca = forms.CharField(label=_("Documents to bring, one per line (Catalan)"), required=False,
                                   max_length=6000, widget=forms.Textarea(attrs={"rows": 6, "lang": "ca"}))
    documents_es = forms.CharField(label=_("Documents to bring, one per line (Spanish)"), required=False,
                                   max_length=6000, widget=forms.Textarea(attrs={"rows": 6, "lang": "es"}))
    documents_en = forms.CharField(label=_("Documents to bring, one per line (English)"), required=False,
                                   max_length=6000, widget=forms.Textarea(attrs={"rows": 6, "lang": "en"}))
