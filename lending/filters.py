"""django-filter FilterSets shared by the lending pages and the API lists.

Numbers are bounded to what the database can compare (SQLite refuses a Python int past 64 bits with an
OverflowError, a 500): out of range is a form error (a 422 in the API), never a crash.
"""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from carehub.models import Hub

from . import selectors
from .models import Hold, HoldStatus, Item, ItemStatus, ItemType, Loan, Transfer, TransferStatus

# The largest value a 64-bit integer column (and SQLite) holds: ids never exceed it.
MAX_ID = 2**63 - 1


class IdFilter(django_filters.NumberFilter):
    """An id typed by a person (e.g. a person number): a whole number from 1 to MAX_ID."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


LOAN_STATUS_CHOICES = [
    ("active", _("Active")),
    ("due_soon", _("Due soon")),
    ("overdue", _("Overdue")),
    ("returned", _("Returned")),
]


class ItemFilter(django_filters.FilterSet):
    hub = django_filters.ModelChoiceFilter(label=_("Hub"), field_name="hub", to_field_name="slug",
                                           queryset=Hub.objects.all())
    type = django_filters.ModelChoiceFilter(label=_("Type"), field_name="item_type", queryset=ItemType.objects.all())
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ItemStatus.choices)
    tag = django_filters.CharFilter(label=_("Asset tag"), field_name="asset_tag", lookup_expr="icontains")

    class Meta:
        model = Item
        fields = ["hub", "type", "status", "tag"]


class LoanFilter(django_filters.FilterSet):
    hub = django_filters.ModelChoiceFilter(label=_("Hub"), field_name="hub", to_field_name="slug",
                                           queryset=Hub.objects.all())
    status = django_filters.ChoiceFilter(label=_("Status"), choices=LOAN_STATUS_CHOICES, method="by_status")
    type = django_filters.ModelChoiceFilter(label=_("Type"), field_name="item__item_type",
                                            queryset=ItemType.objects.all())
    borrower = IdFilter(label=_("Borrower (person number)"), field_name="borrower_id")

    class Meta:
        model = Loan
        fields = ["hub", "status", "type", "borrower"]

    def by_status(self, queryset, name, value):
        return selectors.loans_by_status(queryset, value)


class HoldFilter(django_filters.FilterSet):
    hub = django_filters.ModelChoiceFilter(label=_("Hub"), field_name="hub", to_field_name="slug",
                                           queryset=Hub.objects.all())
    type = django_filters.ModelChoiceFilter(label=_("Type"), field_name="item_type", queryset=ItemType.objects.all())
    status = django_filters.ChoiceFilter(label=_("Status"), choices=HoldStatus.choices)

    class Meta:
        model = Hold
        fields = ["hub", "type", "status"]


class TransferFilter(django_filters.FilterSet):
    hub = django_filters.ModelChoiceFilter(label=_("Hub"), queryset=Hub.objects.all(), to_field_name="slug",
                                           method="by_hub")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=TransferStatus.choices)

    class Meta:
        model = Transfer
        fields = ["hub", "status"]

    def by_hub(self, queryset, name, value):
        return queryset.filter(Q(from_hub=value) | Q(to_hub=value))
