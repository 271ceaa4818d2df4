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

    def filter_has_seats(self, queryset, name, value):
        """Bookable sessions with a free place (support groups are joined, not booked)."""
        if not value:
            return queryset
        return queryset.filter(confirmed_count__lt=F("capacity")).exclude(activity__kind=ActivityKind.SUPPORT_GROUP)
