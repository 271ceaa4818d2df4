"""The programme's filters, shared by the public page and `GET /api/v1/activities/sessions`."""

import django_filters
from django import forms
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from carehub.models import District, Hub, Language

from .models import ActivityKind, Session


class SessionFilter(django_filters.FilterSet):
    hub = django_filters.ModelChoiceFilter(
        label=_("Hub"), field_name="activity__hub", to_field_name="slug",
        queryset=Hub.objects.filter(is_active=True).only("pk", "slug", "name"), empty_label=_("All hubs"),
    )
    district = django_filters.ChoiceFilter(label=_("District"), field_name="activity__hub__district",
                                           choices=District.choices, empty_label=_("All districts"))
    kind = django_filters.ChoiceFilter(label=_("Kind"), field_name="activity__kind", choices=ActivityKind.choices,
                                       empty_label=_("All kinds"))
    language = django_filters.ChoiceFilter(label=_("Language"), field_name="activity__language",
                                           choices=Language.choices, empty_label=_("Any language"))
    date_from = django_filters.DateFilter(label=_("From"), field_name="starts_at", lookup_expr="date__gte",
                                          widget=forms.DateInput(attrs={"type": "date"}))
    date_to = django_filters.DateFilter(label=_("Until"), field_name="starts_at", lookup_expr="date__lte",
                                        widget=forms.DateInput(attrs={"type": "date"}))
    has_seats = django_filters.BooleanFilter(label=_("Only with free places"), method="filter_has_seats",
                                             widget=forms.CheckboxInput)

    class Meta:
        model = Session
        fields = ["hub", "district", "kind", "language", "date_from", "date_to", "has_seats"]

    NEAR, ALL = "near", "all"

    def __init__(self, data=None, *args, near_hubs=None, home_hub=None, **kwargs):
        """With `near_hubs` (a caregiver's home hub and its district's), a first filter `where` chooses between
        those hubs (the default) and every hub; an explicit hub or district wins over it."""
        super().__init__(data, *args, **kwargs)
        self.near_hub_ids = None
        if near_hubs is not None and home_hub is not None:
            self.near_hub_ids = [hub.pk for hub in near_hubs]
            near_label = _("Near me: %(hub)s and the hubs of %(district)s") % {
                "hub": home_hub.name, "district": home_hub.get_district_display()}
            where = django_filters.ChoiceFilter(label=_("Where"), choices=[(self.NEAR, near_label),
                                                                          (self.ALL, _("All hubs"))],
                                                method="filter_where", empty_label=None)
            self.filters = {"where": where, **self.filters}
            where.model, where.parent = self.queryset.model, self

    @property
    def is_near(self) -> bool:
        """Showing only the caregiver's hubs (after is_valid())."""
        data = self.form.cleaned_data
        return (self.near_hub_ids is not None and data.get("where") != self.ALL and not data.get("hub")
                and not data.get("district"))

    @property
    def active_count(self) -> int:
        """How many filters narrow the list, besides `where` (after is_valid())."""
        return sum(1 for name, value in self.form.cleaned_data.items()
                   if name != "where" and value not in (None, "", False))

    def filter_where(self, queryset, name, value):
        if not self.is_near:
            return queryset
        return queryset.filter(activity__hub_id__in=self.near_hub_ids)

    def filter_has_seats(self, queryset, name, value):
        """Bookable sessions with a free place (support groups are joined, not booked)."""
        if not value:
            return queryset
        return queryset.filter(confirmed_count__lt=F("capacity")).exclude(activity__kind=ActivityKind.SUPPORT_GROUP)
