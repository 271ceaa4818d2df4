from datetime import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from carehub.models import Language, Role

from .models import ActivityKind, Booking, Frequency
from .recurrence import LOCAL_TZ


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


def local_datetime(day, at) -> datetime:
    return datetime.combine(day, at, tzinfo=LOCAL_TZ)


class ActivityForm(forms.Form):
    """Programme an activity: a one-off or a weekly / fortnightly series. Plain fields; works without JavaScript."""

    title = forms.CharField(label=_("Title"), max_length=160)
    kind = forms.ChoiceField(label=_("Kind"), choices=ActivityKind.choices)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    language = forms.ChoiceField(label=_("Language of the activity"), choices=Language.choices)
    place = forms.CharField(label=_("Place"), max_length=200, required=False,
                            help_text=_("Leave empty when it is at the hub itself."))
    accessibility_notes = forms.CharField(label=_("Accessibility notes"), max_length=300, required=False,
                                          help_text=_("E.g. step-free access, induction loop, sign language on "
                                                      "request."))
    capacity = forms.IntegerField(label=_("Places per session"), min_value=1, max_value=10000, initial=20)
    date = forms.DateField(label=_("Date of the first session"), widget=DateInput())
    start_time = forms.TimeField(label=_("Starts at"), widget=TimeInput())
    end_time = forms.TimeField(label=_("Ends at"), widget=TimeInput())
    frequency = forms.ChoiceField(label=_("Repeats"), choices=Frequency.choices, initial=Frequency.ONCE)
    occurrences = forms.IntegerField(label=_("Number of sessions"), min_value=1, max_value=104, required=False,
                                     help_text=_("For a series: how many sessions, the first included."))
    until = forms.DateField(label=_("Or until"), required=False, widget=DateInput(),
                            help_text=_("For a series: the last date a session may fall on."))
    booking_opens_days_before = forms.IntegerField(
        label=_("Booking opens (days before)"), min_value=0, max_value=365, required=False,
        help_text=_("Leave empty to open booking as soon as the session is published."))
    facilitator = forms.ModelChoiceField(label=_("Facilitator (support groups)"), required=False,
                                         queryset=get_user_model().objects.none())

    def __init__(self, *args, hub=None, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if hub is not None:
            self.fields["facilitator"].queryset = get_user_model().objects.filter(
                staff_roles__role=Role.FACILITATOR, staff_roles__hub=hub).distinct()
            self.fields["facilitator"].label_from_instance = lambda u: u.get_full_name() or u.get_username()
        if editing:
            for name in ("kind", "capacity", "date", "start_time", "end_time", "frequency", "occurrences", "until"):
                del self.fields[name]

    def clean(self):
        data = super().clean()
        if "date" in self.fields and data.get("date") and data.get("start_time") and data.get("end_time"):
            if data["end_time"] <= data["start_time"]:
                self.add_error("end_time", _("The end must be after the start."))
            data["starts_at"] = local_datetime(data["date"], data["start_time"])
            data["ends_at"] = local_datetime(data["date"], data["end_time"])
        return data


class SessionChangeForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput())
    start_time = forms.TimeField(label=_("Starts at"), widget=TimeInput())
    end_time = forms.TimeField(label=_("Ends at"), widget=TimeInput())
    capacity = forms.IntegerField(label=_("Places"), min_value=1, max_value=10000)
    scope = forms.ChoiceField(
        label=_("Apply the change to"), widget=forms.RadioSelect, initial="this",
        choices=[("this", _("This session only")), ("following", _("This and the following sessions of the series"))],
    )

    def clean(self):
        data = super().clean()
        if data.get("date") and data.get("start_time") and data.get("end_time"):
            if data["end_time"] <= data["start_time"]:
                self.add_error("end_time", _("The end must be after the start."))
            data["starts_at"] = local_datetime(data["date"], data["start_time"])
            data["ends_at"] = local_datetime(data["date"], data["end_time"])
        return data


class SessionCancelForm(forms.Form):
    scope = forms.ChoiceField(
        label=_("Cancel"), widget=forms.RadioSelect, initial="this",
        choices=[("this", _("This session only")), ("following", _("This and the following sessions of the series"))],
    )
    confirm = forms.BooleanField(label=_("Yes, cancel and tell everyone who booked"))


class BookForPersonForm(forms.Form):
    q = forms.CharField(label=_("Name, phone or document number"), max_length=100, required=False,
                        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}))


class AttendanceForm(forms.Form):
    attendance = forms.ChoiceField(choices=Booking.Attendance.choices)


class EnrolForm(forms.Form):
    q = forms.CharField(label=_("Find a person to enrol"), max_length=100, required=False,
                        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}))

