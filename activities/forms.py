from datetime import date

from django import forms
from django.contrib.auth import get_user_model
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext

from carehub.content import add_translated_fields
from carehub.forms import DateInput, TimeInput
from carehub.models import Language, Role
from carehub.timezones import local_datetime

from .models import CHILDCARE_AGE_LIMIT, MAX_CHILDREN_PER_BOOKING, MAX_COMPANIONS_PER_BOOKING, ActivityKind, Booking, Frequency
from .recurrence import FIRST_DAY, LAST_DAY


class DayField(forms.DateField):
    """A date a person picks on an activities page: refused with a field error outside FIRST_DAY..LAST_DAY."""

    widget = DateInput

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators += [
            MinValueValidator(FIRST_DAY, message=_("Choose a date after %(limit_value)s.")),
            MaxValueValidator(LAST_DAY, message=_("Choose a date before %(limit_value)s.")),
        ]


class DayForm(forms.Form):
    """The desk's day: which date to show (`?date=`)."""

    date = DayField(label=_("Day"), required=False)


class SessionTimesMixin:
    """`date`, `start_time` and `end_time` make `starts_at` / `ends_at` (local time at the hub) in
    cleaned_data; an end not after the start is an error on `end_time`."""

    def clean(self):
        data = super().clean()
        day, start, end = data.get("date"), data.get("start_time"), data.get("end_time")
        if "date" not in self.fields or not (day and start and end):
            return data
        if end <= start:
            # add_error() drops end_time from cleaned_data: nothing below may read it again.
            self.add_error("end_time", _("The end must be after the start."))
            return data
        data["starts_at"] = local_datetime(day, start)
        data["ends_at"] = local_datetime(day, end)
        return data


class ActivityForm(SessionTimesMixin, forms.Form):
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
    childcare_places = forms.IntegerField(
        label=_("Childcare places per session"), min_value=0, max_value=1000, initial=0, required=False,
        help_text=_("How many children can be looked after while their caregivers attend. 0: no childcare."))
    childcare_max_age = forms.IntegerField(
        label=_("Childcare for children up to (years old)"), min_value=0, max_value=CHILDCARE_AGE_LIMIT,
        required=False, help_text=_("The oldest a child may be. Needed when there is childcare."))
    companion_places = forms.IntegerField(
        label=_("Companions per booking"), min_value=0, max_value=MAX_COMPANIONS_PER_BOOKING, initial=0,
        required=False,
        help_text=_("How many people may come with the person who books (for example the person they care "
                    "for), each taking a place. 0: one place per booking."))

    def clean_companion_places(self):
        return self.cleaned_data.get("companion_places") or 0
    date = DayField(label=_("Date of the first session"))
    start_time = forms.TimeField(label=_("Starts at"), widget=TimeInput())
    end_time = forms.TimeField(label=_("Ends at"), widget=TimeInput())
    frequency = forms.ChoiceField(label=_("Repeats"), choices=Frequency.choices, initial=Frequency.ONCE)
    occurrences = forms.IntegerField(label=_("Number of sessions"), min_value=1, max_value=104, required=False,
                                     help_text=_("For a series: how many sessions, the first included."))
    until = DayField(label=_("Or until"), required=False,
                     help_text=_("For a series: the last date a session may fall on."))
    booking_opens_days_before = forms.IntegerField(
        label=_("Booking opens (days before)"), min_value=0, max_value=365, required=False,
        help_text=_("Leave empty to open booking as soon as the session is published."))
    facilitator = forms.ModelChoiceField(label=_("Facilitator (support groups)"), required=False,
                                         queryset=get_user_model().objects.none())

    def __init__(self, *args, hub=None, editing=False, support_group=False, **kwargs):
        super().__init__(*args, **kwargs)
        for field in ("title", "description", "place", "accessibility_notes"):
            add_translated_fields(self, field)  # Catalan (required for the title), Spanish, English
        if support_group:  # joined, not booked: there is no booking to ask for childcare with
            del self.fields["childcare_places"], self.fields["childcare_max_age"]
        if hub is not None:
            self.fields["facilitator"].queryset = get_user_model().objects.filter(
                staff_roles__role=Role.FACILITATOR, staff_roles__hub=hub).distinct()
            self.fields["facilitator"].label_from_instance = lambda u: u.get_full_name() or u.get_username()
        if editing:
            for name in ("kind", "capacity", "date", "start_time", "end_time", "frequency", "occurrences", "until"):
                del self.fields[name]

    def clean_childcare_places(self):
        return self.cleaned_data.get("childcare_places") or 0  # left empty: no childcare


class SeriesDatesForm(forms.Form):
    """The dates of a series, shown to the coordinator before saving: one checkbox per date, holidays unticked
    and named. `plan` carries the dates shown, so a form changed after the preview is previewed again rather
    than saved with dates of another series."""

    plan = forms.CharField(widget=forms.HiddenInput)
    dates = forms.MultipleChoiceField(label=_("Dates of the series"), required=False,
                                      widget=forms.CheckboxSelectMultiple)

    def __init__(self, data=None, *, planned, **kwargs):
        super().__init__(data, **kwargs)
        self.planned = planned
        self.signature = ",".join(p.day.isoformat() for p in planned)
        self.fields["dates"].choices = [(p.day.isoformat(), p.day.isoformat()) for p in planned]
        self.fields["plan"].initial = self.signature
        self.fields["dates"].initial = [p.day.isoformat() for p in planned if p.included]

    @property
    def is_for_this_plan(self) -> bool:
        """Posted from a preview of these very dates (after is_valid())."""
        return self.cleaned_data.get("plan") == self.signature

    @property
    def rows(self) -> list[tuple]:
        """(planned session, ticked) per date: as posted after a refusal, else holidays unticked."""
        posted = set(self.data.getlist("dates")) if self.is_bound else None
        return [(p, p.day.isoformat() in posted if posted is not None else p.included) for p in self.planned]

    @property
    def included_count(self) -> int:
        return sum(p.included for p in self.planned)

    @property
    def skipped_holidays(self) -> int:
        return sum(not p.included for p in self.planned)

    @property
    def chosen(self) -> list[date]:
        return [date.fromisoformat(value) for value in self.cleaned_data.get("dates", [])]


SCOPE_CHOICES = [("this", _("This session only")), ("following", _("This and the following sessions of the series"))]


class SessionChangeForm(SessionTimesMixin, forms.Form):
    date = DayField(label=_("Date"))
    start_time = forms.TimeField(label=_("Starts at"), widget=TimeInput())
    end_time = forms.TimeField(label=_("Ends at"), widget=TimeInput())
    capacity = forms.IntegerField(label=_("Places"), min_value=1, max_value=10000)
    scope = forms.ChoiceField(label=_("Apply the change to"), widget=forms.RadioSelect, initial="this",
                              choices=SCOPE_CHOICES)

    @classmethod
    def initial_for(cls, session) -> dict:
        """The session as it is now, to start the form from."""
        local_start, local_end = timezone.localtime(session.starts_at), timezone.localtime(session.ends_at)
        return {"date": local_start.date(), "start_time": local_start.time(), "end_time": local_end.time(),
                "capacity": session.capacity, "scope": "this"}


class SessionCancelForm(forms.Form):
    scope = forms.ChoiceField(label=_("Cancel"), widget=forms.RadioSelect, initial="this", choices=SCOPE_CHOICES)
    confirm = forms.BooleanField(label=_("Yes, cancel and tell everyone who booked"))


def _age_label(age: int) -> str:
    if age == 0:
        return pgettext("age of a child", "Under 1 year")
    return ngettext("%(n)d year", "%(n)d years", age) % {"n": age}


class ChildcareForm(forms.Form):
    """"Do you need childcare?" on a booking form, for a session that offers it: one age per child, as many
    children as ages given (so count and ages can never disagree, and no JavaScript is needed). One select
    per child the booking may bring, up to the session's childcare places.

    A posted form reads every `child_<n>` sent (up to the most a booking may bring), even if the session now
    offers fewer places than the page showed: the booking service then says why, never a child dropped."""

    def __init__(self, data=None, *, session, **kwargs):
        super().__init__(data, **kwargs)
        limit = session.activity.childcare_max_age
        limit = CHILDCARE_AGE_LIMIT if limit is None else limit
        choices = [("", pgettext("age of a child", "No child"))] + [
            (str(age), _age_label(age)) for age in range(limit + 1)]
        over = ngettext("The childcare is for children up to %(age)d year old.",
                        "The childcare is for children up to %(age)d years old.", limit) % {"age": limit}
        slots = min(session.childcare_places, MAX_CHILDREN_PER_BOOKING)
        if data is not None:
            posted = [int(name[6:]) for name in data if name.startswith("child_") and name[6:].isdigit()
                      and name[6:].isascii() and len(name) < 10]
            slots = max([slots] + [n for n in posted if n <= MAX_CHILDREN_PER_BOOKING])
        for n in range(1, slots + 1):
            self.fields[f"child_{n}"] = forms.TypedChoiceField(
                label=pgettext("childcare", "Child %(n)d: age") % {"n": n}, choices=choices, coerce=int,
                empty_value=None, required=False, error_messages={"invalid_choice": over})

    @property
    def ages(self) -> list[int]:
        """The ages chosen, in the order of the fields (after is_valid())."""
        return [age for name, age in self.cleaned_data.items() if name.startswith("child_") and age is not None]


class AttendanceForm(forms.Form):
    attendance = forms.ChoiceField(choices=Booking.Attendance.choices)
