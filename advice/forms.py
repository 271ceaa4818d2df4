"""Plain forms for the advice pages (no JavaScript needed). Rules live in the services; these only parse."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from carehub.forms import DateInput, TimeInput
from carehub.content import add_translated_fields
from carehub.models import Hub, OpeningBlock

from .models import AdviceService, Appointment, AvailabilityException, ServiceKind
from .services import NOTES_MAX, REASON_MAX


class ChooseServiceForm(forms.Form):
    hub = forms.ModelChoiceField(
        label=_("Hub"), queryset=Hub.objects.filter(is_active=True), to_field_name="slug", required=False,
        empty_label=_("Choose a hub"),
    )


class BookForm(forms.Form):
    """Confirm a slot: a short reason, the mode, and (for the desk) the person it is for."""

    reason = forms.CharField(
        label=_("What do you need advice about? (optional)"), max_length=REASON_MAX, required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("A few words, so the advisor can prepare. Do not write health details."),
    )
    mode = forms.ChoiceField(label=_("How"), choices=())

    def __init__(self, *args, service: AdviceService, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mode"].choices = service.mode_choices
        if len(service.modes) == 1:
            self.fields["mode"].initial = service.modes[0]
            self.fields["mode"].widget = forms.HiddenInput()


class OutcomeForm(forms.Form):
    status = forms.ChoiceField(choices=[(Appointment.Status.ATTENDED, _("Attended")),
                                        (Appointment.Status.NO_SHOW, _("Did not come"))])


class NotesForm(forms.Form):
    notes = forms.CharField(
        label=_("Private case notes"), max_length=NOTES_MAX, required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Only you, the appointment's advisor, can read these notes."),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=REASON_MAX, required=False,
                             widget=forms.Textarea(attrs={"rows": 3}))


def _advisor_label(user) -> str:
    return user.get_full_name() or user.get_username()


class AdvisorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return _advisor_label(obj)


class _HoursForm(forms.Form):
    """Publishing hours: the services and advisors the caller may publish for (one advisor is preselected)."""

    def __init__(self, *args, services, advisors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services
        self.fields["advisor"].queryset = advisors
        first_two = list(advisors[:2])  # one query tells "exactly one advisor" (then preselected)
        if len(first_two) == 1:
            self.fields["advisor"].initial = first_two[0].pk
            self.fields["advisor"].empty_label = None


class AvailabilityForm(_HoursForm):
    service = forms.ModelChoiceField(label=_("Service"), queryset=AdviceService.objects.none())
    advisor = AdvisorChoiceField(label=_("Advisor"), queryset=get_user_model().objects.none())
    weekday = forms.TypedChoiceField(label=_("Weekday"), choices=OpeningBlock.Weekday.choices, coerce=int)
    start_time = forms.TimeField(label=_("From"), widget=TimeInput())
    end_time = forms.TimeField(label=_("Until"), widget=TimeInput())
    valid_from = forms.DateField(label=_("Starting on"), required=False, widget=DateInput(),
                                 help_text=_("Leave empty to start today."))
    valid_until = forms.DateField(label=_("Ending on"), required=False, widget=DateInput(),
                                  help_text=_("Leave empty for no end."))


class ExceptionForm(_HoursForm):
    advisor = AdvisorChoiceField(label=_("Advisor"), queryset=get_user_model().objects.none())
    date = forms.DateField(label=_("Date"), widget=DateInput())
    kind = forms.ChoiceField(label=_("Kind"), choices=AvailabilityException.Kind.choices)
    service = forms.ModelChoiceField(label=_("Service (for extra hours)"), queryset=AdviceService.objects.none(),
                                     required=False)
    start_time = forms.TimeField(label=_("From"), required=False, widget=TimeInput(),
                                 help_text=_("Leave both times empty for the whole day."))
    end_time = forms.TimeField(label=_("Until"), required=False, widget=TimeInput())
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class ServiceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ServiceKind.choices)
    name = forms.CharField(label=_("Name"), max_length=120)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    appointment_minutes = forms.IntegerField(label=_("Appointment length (minutes)"), min_value=10, max_value=240,
                                             initial=30)
    buffer_minutes = forms.IntegerField(label=_("Buffer after each appointment (minutes)"), min_value=0,
                                        max_value=120, initial=0)
    in_person = forms.BooleanField(label=_("In person"), required=False, initial=True)
    by_phone = forms.BooleanField(label=_("By phone"), required=False)
    by_video = forms.BooleanField(label=_("By video call"), required=False)
    cancel_notice_hours = forms.IntegerField(
        label=_("Minimum notice to cancel online (hours)"), min_value=0, max_value=168, initial=0,
        help_text=_("0 lets people cancel online until the appointment starts."),
    )
    is_active = forms.BooleanField(label=_("Offered"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in ("name", "description"):
            add_translated_fields(self, field)  # Catalan (required for the name), Spanish, English
