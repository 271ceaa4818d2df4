"""Forms of the lending desk. They only parse input; the rules live in `lending.services`."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from carehub.forms import DateInput
from carehub.content import ContentSelect
from carehub.models import Hub

from .errors import InvalidAssetTag
from .filters import MAX_ID
from .labels import LABELS_PER_SHEET, MAX_LABELS
from .models import Condition, DepositMethod, HoldPriority, ItemType, NeedCategory, ReturnCondition
from .tags import TAG_MAX_LENGTH, clean_tag


class AssetTagField(forms.CharField):
    """A new asset tag: letters, digits and hyphens, in any case; cleaned to the stored upper-case spelling."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", TAG_MAX_LENGTH + 8)  # room for a scanner's stray spaces
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return value
        try:
            return clean_tag(value)
        except InvalidAssetTag as exc:
            raise forms.ValidationError(str(exc.message), code=exc.code) from exc


class PersonIdField(forms.IntegerField):
    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(min_value=1, max_value=MAX_ID, **kwargs)


class TagForm(forms.Form):
    """The desk's scan box: a barcode scanner types the tag and presses Enter."""

    tag = forms.CharField(
        label=_("Asset tag"), max_length=TAG_MAX_LENGTH,
        help_text=_("Scan the label or type the tag, then press Enter."),
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off", "autocapitalize": "characters",
                                      "spellcheck": "false", "aria-describedby": "id_tag_helptext"}),
    )


class LendForm(forms.Form):
    person = PersonIdField()
    due_on = forms.DateField(label=_("Due back on"), widget=DateInput())
    need_category = forms.ChoiceField(label=_("Need"), choices=NeedCategory.choices,
                                      help_text=_("Broad need only, never a diagnosis."))
    for_name = forms.CharField(label=_("For (the cared-for person, if not the borrower)"), max_length=120,
                               required=False)
    referral_reference = forms.CharField(label=_("Referral reference"), max_length=120, required=False,
                                         help_text=_("Needed for some types: an occupational therapist's or a "
                                                     "doctor's note."))
    deposit_method = forms.ChoiceField(
        label=_("Deposit collected now"), required=False,
        choices=[("", _("Not yet: to collect later")), *DepositMethod.choices],
    )
    deposit_waived = forms.BooleanField(label=_("Waive the deposit"), required=False)
    deposit_waiver_reason = forms.CharField(label=_("Reason for waiving the deposit"), max_length=200,
                                            required=False)
    override_reason = forms.CharField(label=_("Reason to lend despite an overdue item"), max_length=200,
                                      required=False,
                                      help_text=_("Only when the person holds an overdue item."))


class ReturnForm(forms.Form):
    condition = forms.ChoiceField(label=_("Condition on return"), choices=ReturnCondition.choices,
                                  widget=forms.RadioSelect, initial=ReturnCondition.GOOD)
    notes = forms.CharField(label=_("Notes"), max_length=2000, required=False,
                            widget=forms.Textarea(attrs={"rows": 2}))
    # Shown only when the hub holds a deposit for the loan; unticked keeps it (e.g. until a damage is assessed).
    refund_deposit = forms.BooleanField(label=_("Refund the deposit now"), required=False, initial=True)


class CollectDepositForm(forms.Form):
    method = forms.ChoiceField(label=_("Paid by"), choices=DepositMethod.choices, widget=forms.RadioSelect,
                               initial=DepositMethod.CASH)
    amount = forms.DecimalField(label=_("Amount (€)"), required=False, min_value=Decimal("0.01"),
                                max_value=Decimal("9999.99"), decimal_places=2, max_digits=6,
                                help_text=_("Leave empty for the amount this type asks."))


class RefundDepositForm(forms.Form):
    note = forms.CharField(label=_("Note (optional)"), max_length=100, required=False)


class WaiveDepositForm(forms.Form):
    reason = forms.CharField(label=_("Reason for waiving the deposit"), max_length=200)


class DeclineRenewalForm(forms.Form):
    reason = forms.CharField(label=_("Reason the person will be told"), max_length=200)


class TagListField(forms.MultipleChoiceField):
    """Any number of asset tags (ticked on the item list): the selector keeps those of the caller's hubs."""

    def valid_value(self, value):
        return True


class LabelSheetForm(forms.Form):
    """Which labels to print: ticked tags, or every item of a hub and/or a type; `skip` leaves the cells
    already used on a partly used sheet blank."""

    tag = TagListField(required=False)
    hub = forms.ModelChoiceField(label=_("Hub"), queryset=Hub.objects.none(), required=False,
                                 to_field_name="slug", empty_label=_("All my hubs"))
    type = forms.ModelChoiceField(label=_("Type of item"), queryset=ItemType.objects.all(), required=False,
                                  empty_label=_("All types"), widget=ContentSelect)
    skip = forms.IntegerField(label=_("Labels already used on the first sheet"), required=False, min_value=0,
                              max_value=LABELS_PER_SHEET - 1, initial=0)

    def __init__(self, *args, hubs=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hub"].queryset = hubs if hubs is not None else Hub.objects.none()

    def clean_tag(self):
        return [str(tag)[:TAG_MAX_LENGTH + 8] for tag in self.cleaned_data["tag"]][:MAX_LABELS]


class NotesForm(forms.Form):
    notes = forms.CharField(label=_("Notes"), max_length=200, required=False)


class RepairForm(forms.Form):
    condition = forms.ChoiceField(label=_("Condition after repair"),
                                  choices=[(Condition.GOOD, Condition.GOOD.label),
                                           (Condition.FAIR, Condition.FAIR.label)])
    notes = forms.CharField(label=_("Notes"), max_length=200, required=False)


class SafetyCheckForm(forms.Form):
    passed = forms.TypedChoiceField(label=_("Result of the safety check"),
                                    choices=[("1", _("Passed")), ("0", _("Failed"))],
                                    coerce=lambda value: value == "1", widget=forms.RadioSelect)
    notes = forms.CharField(label=_("Notes"), max_length=200, required=False)


class RetireForm(forms.Form):
    reason = forms.CharField(label=_("Reason for retiring the item"), max_length=200)


class TransferForm(forms.Form):
    to_hub = forms.ModelChoiceField(label=_("Send to hub"), queryset=Hub.objects.filter(is_active=True),
                                    to_field_name="slug")
    notes = forms.CharField(label=_("Notes"), max_length=200, required=False)


class TransferRequestForm(TransferForm):
    tag = forms.CharField(label=_("Asset tag of the item"), max_length=TAG_MAX_LENGTH)
    to_hub = forms.ModelChoiceField(label=_("To hub"), queryset=Hub.objects.filter(is_active=True),
                                    to_field_name="slug")
    field_order = ["tag", "to_hub", "notes"]


class HoldForm(forms.Form):
    person = PersonIdField()
    item_type = forms.ModelChoiceField(label=_("Type of item"), queryset=ItemType.objects.all())
    hub = forms.ModelChoiceField(label=_("Hub"), queryset=Hub.objects.none(), empty_label=None)
    priority = forms.TypedChoiceField(label=_("Priority"), choices=HoldPriority.choices, coerce=int,
                                      initial=HoldPriority.NORMAL)
    need_category = forms.ChoiceField(label=_("Need"), choices=NeedCategory.choices)
    notes = forms.CharField(label=_("Notes"), max_length=200, required=False)

    def __init__(self, *args, hubs=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hub"].queryset = hubs if hubs is not None else Hub.objects.none()


class ReorderForm(forms.Form):
    to_position = forms.IntegerField(label=_("New place in the queue"), min_value=1, max_value=100000)
    reason = forms.CharField(label=_("Reason for the change"), max_length=200)


class TakeInForm(forms.Form):
    asset_tag = AssetTagField(label=_("Asset tag"), help_text=_("Letters, digits and hyphens, e.g. SA-WC-001."))
    item_type = forms.ModelChoiceField(label=_("Type of item"), queryset=ItemType.objects.all())
    hub = forms.ModelChoiceField(label=_("Hub"), queryset=Hub.objects.none(), empty_label=None)
    condition = forms.ChoiceField(label=_("Condition"), choices=Condition.choices)
    donated = forms.BooleanField(label=_("Donated item"), required=False)
    intake_notes = forms.CharField(label=_("Condition check (required for donations)"), max_length=2000,
                                   required=False, widget=forms.Textarea(attrs={"rows": 3}))
    expires_on = forms.DateField(label=_("Expires on"), required=False, widget=DateInput(),
                                 help_text=_("For types that expire (child car seats, mattresses)."))
    last_safety_check_on = forms.DateField(label=_("Last safety check"), required=False, widget=DateInput())

    def __init__(self, *args, hubs=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hub"].queryset = hubs if hubs is not None else Hub.objects.none()


class AvailabilityForm(forms.Form):
    hub = forms.ModelChoiceField(label=_("Hub"), queryset=Hub.objects.filter(is_active=True), required=False,
                                 to_field_name="slug", empty_label=_("All hubs"))
    type = forms.ModelChoiceField(label=_("Type of item"), queryset=ItemType.objects.all(), required=False,
                                  empty_label=_("All types"), widget=ContentSelect)


class JoinWaitlistForm(forms.Form):
    item_type = forms.ModelChoiceField(label=_("Type of item"), queryset=ItemType.objects.all(), widget=ContentSelect)
    need_category = forms.ChoiceField(label=_("What it is for"), choices=NeedCategory.choices,
                                      initial=NeedCategory.OTHER, help_text=_("In broad terms; no medical details."))
