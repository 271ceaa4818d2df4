"""The lending bank: item types, items, loans, holds, cleaning, transfers and reminder markers.

Every status change goes through `lending.services` (one transaction each, row locks first). The
invariants that must survive two desks acting at the same moment are also database constraints,
because `select_for_update()` is a no-op on SQLite.
"""

from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Func, Q, Value
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from carehub.models import Hub, Person, new_record_key

from .tags import TAG_MAX_LENGTH, validate_stored_tag


class Category(models.TextChoices):
    MOBILITY = "mobility", _("Mobility")
    BATHING = "bathing", _("Bathing and personal care")
    BED_TRANSFER = "bed_transfer", _("Bed and transfer")
    CHILDREN = "children", _("Children")
    OTHER = "other", _("Other")


# The cleaning protocol of each category: what the desk is reminded of when it records a cleaning.
CLEANING_PROTOCOLS = {
    Category.MOBILITY: _("Wipe frame, grips and wheels with detergent, then disinfect grips and armrests; "
                         "check brakes and tyres."),
    Category.BATHING: _("Wash with detergent, rinse, disinfect every surface in contact with the skin and let dry."),
    Category.BED_TRANSFER: _("Disinfect surfaces and rails, wash removable covers at 60 °C, check moving parts."),
    Category.CHILDREN: _("Wash textiles at 60 °C, clean hard parts with mild soap (no bleach), check straps "
                         "and buckles."),
    Category.OTHER: _("Clean with detergent and disinfect every contact surface."),
}


class NeedCategory(models.TextChoices):
    """Why the item is needed, in broad terms. Never a diagnosis."""

    MOBILITY = "mobility", _("Moving around")
    PERSONAL_CARE = "personal_care", _("Personal care and hygiene")
    REST = "rest", _("Rest and transfers")
    CHILDCARE = "childcare", _("Looking after a child")
    RECOVERY = "recovery", _("Temporary recovery")
    OTHER = "other", _("Other")


class Condition(models.TextChoices):
    GOOD = "good", _("Good")
    FAIR = "fair", _("Fair, shows use")
    DAMAGED = "damaged", _("Damaged")


class ReturnCondition(models.TextChoices):
    GOOD = "good", _("Good")
    NEEDS_CLEANING = "needs_cleaning", _("Needs cleaning")
    DAMAGED = "damaged", _("Damaged")


class ItemType(models.Model):
    """A kind of equipment, e.g. "folding wheelchair"."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    description = models.TextField(_("description"), blank=True)
    default_loan_days = models.PositiveSmallIntegerField(
        _("default loan period (days)"), default=180, help_text=_("Long loans last about six months.")
    )
    max_renewals = models.PositiveSmallIntegerField(_("renewals allowed"), default=2)
    needs_cleaning = models.BooleanField(_("needs cleaning between loans"), default=True)
    cleaning_protocol = models.TextField(
        _("cleaning protocol"), blank=True, help_text=_("Leave empty to use the category's protocol.")
    )
    requires_referral = models.BooleanField(
        _("needs a professional's referral"), default=False,
        help_text=_("An occupational therapist's or a doctor's note."),
    )
    max_age_years = models.PositiveSmallIntegerField(
        _("maximum age (years)"), null=True, blank=True,
        help_text=_("Items expire this many years after manufacture (child car seats, mattresses)."),
    )
    safety_check_every_days = models.PositiveSmallIntegerField(
        _("safety check every (days)"), null=True, blank=True,
        help_text=_("Powered beds and lifts: lending is blocked when the check is overdue."),
    )
    deposit_eur = models.DecimalField(_("refundable deposit (€)"), max_digits=6, decimal_places=2, default=0)

    class Meta:
        ordering = ["category", "name"]
        verbose_name = _("item type")
        verbose_name_plural = _("item types")
        constraints = [
            models.CheckConstraint(condition=Q(default_loan_days__gte=1), name="item_type_loan_days_positive"),
            models.CheckConstraint(condition=Q(deposit_eur__gte=0), name="item_type_deposit_not_negative"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def protocol(self) -> str:
        return self.cleaning_protocol or str(CLEANING_PROTOCOLS.get(self.category, CLEANING_PROTOCOLS["other"]))


class ItemStatus(models.TextChoices):
    AVAILABLE = "available", _("Available")
    ON_LOAN = "on_loan", _("On loan")
    RESERVED = "reserved", _("Reserved")
    CLEANING = "cleaning", _("Waiting for cleaning")
    IN_REPAIR = "in_repair", _("In repair")
    IN_TRANSIT = "in_transit", _("In transit")
    RETIRED = "retired", _("Retired")


class DaysBefore(Func):
    """`day` minus a number of days held in a column, as a date, on PostgreSQL and SQLite alike.

    Subtracting from a known day (never adding to a stored date) keeps a check stored near 9999-12-31 from
    overflowing the database's date range.
    """

    output_field = models.DateField()
    arity = 2

    def as_sql(self, compiler, connection, **extra_context):  # PostgreSQL: date - integer is a date
        day, count = self.source_expressions
        day_sql, day_params = compiler.compile(day)
        count_sql, count_params = compiler.compile(count)
        return f"(CAST({day_sql} AS date) - {count_sql})", [*day_params, *count_params]

    def as_sqlite(self, compiler, connection, **extra_context):
        day, count = self.source_expressions
        day_sql, day_params = compiler.compile(day)
        count_sql, count_params = compiler.compile(count)
        return f"date({day_sql}, '-' || {count_sql} || ' days')", [*day_params, *count_params]


def fit_to_lend(day: date, prefix: str = "") -> Q:
    """Items neither past their expiry date nor due for their safety check on `day` (as a filter, so that
    counts, lists and offers agree with `Item.blocked_reason`). `prefix` reaches items through a relation."""
    check_every = f"{prefix}item_type__safety_check_every_days"
    not_expired = Q(**{f"{prefix}expires_on__isnull": True}) | Q(**{f"{prefix}expires_on__gte": day})
    checked = Q(**{f"{check_every}__isnull": True}) | Q(
        **{f"{prefix}last_safety_check_on__gt": DaysBefore(Value(day, output_field=models.DateField()),
                                                           F(check_every))})
    return not_expired & checked


class ItemQuerySet(models.QuerySet):
    def lendable_on(self, day: date):
        """On the shelf and fit to lend: what "available" means on every page, count and offer."""
        return self.filter(fit_to_lend(day), status=ItemStatus.AVAILABLE)


class Item(models.Model):
    """One physical unit with an asset tag (printed as a QR label)."""

    asset_tag = models.CharField(_("asset tag"), max_length=TAG_MAX_LENGTH, unique=True,
                                 validators=[validate_stored_tag])
    item_type = models.ForeignKey(ItemType, on_delete=models.PROTECT, related_name="items", verbose_name=_("type"))
    hub = models.ForeignKey(Hub, on_delete=models.PROTECT, related_name="items", verbose_name=_("hub"))
    status = models.CharField(_("status"), max_length=16, choices=ItemStatus.choices, default=ItemStatus.AVAILABLE)
    condition = models.CharField(_("condition"), max_length=16, choices=Condition.choices, default=Condition.GOOD)
    donated = models.BooleanField(_("donated"), default=False)
    intake_notes = models.TextField(_("intake notes"), blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    last_safety_check_on = models.DateField(_("last safety check"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    history = HistoricalRecords()

    objects = ItemQuerySet.as_manager()

    class Meta:
        ordering = ["asset_tag"]
        verbose_name = _("item")
        verbose_name_plural = _("items")
        indexes = [models.Index(fields=["hub", "item_type", "status"])]

    def __str__(self) -> str:
        return f"{self.asset_tag} · {self.item_type.name}"

    def get_absolute_url(self) -> str:
        return reverse("lending:item", kwargs={"tag": self.asset_tag})

    def is_expired(self, today) -> bool:
        return self.expires_on is not None and self.expires_on < today

    def safety_check_due_on(self):
        days = self.item_type.safety_check_every_days
        if not days:
            return None
        if self.last_safety_check_on is None:
            return self.created_at.date()
        try:
            return self.last_safety_check_on + timedelta(days=days)
        except OverflowError:  # a check dated near 9999-12-31 (refused at intake now, but rows may hold one)
            return date.max

    def safety_check_overdue(self, today) -> bool:
        """Due today or earlier: the check must be recorded before the item is lent or counted as available
        (the same rule as `fit_to_lend`)."""
        due = self.safety_check_due_on()
        return due is not None and due <= today

    def blocked_reason(self, today) -> str:
        """Why an item on the shelf may not be lent on `today` ("" when it may)."""
        if self.is_expired(today):
            return "expired"
        if self.safety_check_overdue(today):
            return "safety_check_due"
        return ""

    def is_lendable_on(self, today) -> bool:
        return self.status == ItemStatus.AVAILABLE and not self.blocked_reason(today)


class DepositStatus(models.TextChoices):
    NONE = "none", _("No deposit")
    DUE = "due", _("To collect")
    COLLECTED = "collected", _("Collected")
    REFUNDED = "refunded", _("Refunded")
    WAIVED = "waived", _("Waived")


class DepositMethod(models.TextChoices):
    CASH = "cash", _("Cash")
    CARD = "card", _("Card")
    BIZUM = "bizum", _("Bizum")
    BANK_TRANSFER = "bank_transfer", _("Bank transfer")


# Why a renewal is refused, by the code `Loan.renewal_refusal` returns (the API's error codes too).
RENEWAL_REFUSALS = {
    "loan_already_returned": _("This loan has already been returned."),
    "renewal_overdue": _("The loan is overdue: the item must come back before it can be renewed."),
    "renewal_limit": _("This loan cannot be renewed again; the item must come back."),
    "renewal_blocked_by_hold": _("Someone is waiting for this type of item, so the loan cannot be renewed."),
}


class Loan(models.Model):
    """One item lent to one person from a hub, due back on a date. At most one active loan per item."""

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="loans", verbose_name=_("item"))
    hub = models.ForeignKey(Hub, on_delete=models.PROTECT, related_name="loans", verbose_name=_("hub"))
    borrower = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="loans", verbose_name=_("borrower"))
    for_person = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="loans_for",
        verbose_name=_("for (cared-for person)"),
    )
    for_name = models.CharField(
        _("for (name, if not registered)"), max_length=120, blank=True,
    )
    need_category = models.CharField(
        _("need"), max_length=20, choices=NeedCategory.choices, default=NeedCategory.OTHER,
        help_text=_("Broad need only, never a diagnosis."),
    )
    lent_at = models.DateTimeField(_("lent at"), default=timezone.now)
    lent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("lent by")
    )
    due_on = models.DateField(_("due on"))
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    returned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("returned to"),
    )
    return_condition = models.CharField(
        _("condition on return"), max_length=16, choices=ReturnCondition.choices, blank=True
    )
    return_notes = models.TextField(_("return notes"), blank=True)
    renewals = models.PositiveSmallIntegerField(_("renewals"), default=0)
    renewal_requested_at = models.DateTimeField(_("renewal requested at"), null=True, blank=True)
    # The deposit: its amount, where it stands, how and by whom it was collected, and who refunded or waived it
    # (with the reason, for a waiver). Database defaults, so that rows written by COPY (seed_scale) are valid.
    deposit_eur = models.DecimalField(_("deposit (€)"), max_digits=6, decimal_places=2, default=0)
    deposit_status = models.CharField(_("deposit"), max_length=16, choices=DepositStatus.choices,
                                      default=DepositStatus.NONE, db_default=DepositStatus.NONE)
    deposit_method = models.CharField(_("deposit paid by"), max_length=16, choices=DepositMethod.choices,
                                      blank=True, default="", db_default="")
    deposit_collected_at = models.DateTimeField(_("deposit collected at"), null=True, blank=True)
    deposit_collected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("deposit collected by"),
    )
    deposit_settled_at = models.DateTimeField(_("deposit refunded or waived at"), null=True, blank=True)
    deposit_settled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("deposit refunded or waived by"),
    )
    deposit_waiver_reason = models.CharField(_("reason for waiving the deposit"), max_length=200, blank=True)
    referral_reference = models.CharField(_("referral reference"), max_length=120, blank=True)
    override_reason = models.CharField(
        _("reason for lending despite an overdue item"), max_length=200, blank=True
    )
    # Disclosure control (carehub/insights/perturbation.py): a fixed random key, never shown anywhere.
    record_key = models.PositiveIntegerField(default=new_record_key, editable=False)

    history = HistoricalRecords(excluded_fields=["record_key"])

    class Meta:
        ordering = ["-lent_at", "-id"]
        verbose_name = _("loan")
        verbose_name_plural = _("loans")
        constraints = [
            # The last wheelchair goes to exactly one person, even if two desks press "lend" together.
            models.UniqueConstraint(
                fields=["item"], condition=Q(returned_at__isnull=True), name="loan_one_active_per_item",
                violation_error_message=_("This item is already on loan."),
            ),
            models.CheckConstraint(
                condition=~Q(deposit_status="waived") | ~Q(deposit_waiver_reason=""),
                name="loan_deposit_waiver_has_reason",
            ),
            models.CheckConstraint(condition=Q(deposit_eur__gte=0), name="loan_deposit_not_negative"),
        ]
        indexes = [
            models.Index(fields=["hub", "due_on"], condition=Q(returned_at__isnull=True), name="loan_active_by_due"),
            models.Index(fields=["borrower", "returned_at"]),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.item.asset_tag}"

    def get_absolute_url(self) -> str:
        return reverse("lending:loan", kwargs={"pk": self.pk})

    @property
    def is_active(self) -> bool:
        return self.returned_at is None

    def status_on(self, today) -> str:
        if self.returned_at is not None:
            return "returned"
        return "overdue" if self.due_on < today else "active"

    @property
    def status(self) -> str:
        return self.status_on(timezone.localdate())

    @property
    def days_overdue(self) -> int:
        if self.returned_at is not None:
            return 0
        return max(0, (timezone.localdate() - self.due_on).days)

    @property
    def for_display(self) -> str:
        if self.for_person_id:
            return self.for_person.full_name
        return self.for_name

    # The deposit's yes/no facts, as callers read and wrote them before `deposit_status` (exports, erasure,
    # factories): the status is the one truth.
    @property
    def deposit_waived(self) -> bool:
        return self.deposit_status == DepositStatus.WAIVED

    @deposit_waived.setter
    def deposit_waived(self, value: bool) -> None:
        if value:
            self.deposit_status = DepositStatus.WAIVED
        elif self.deposit_status == DepositStatus.WAIVED:
            self.deposit_status = DepositStatus.DUE if self.deposit_eur else DepositStatus.NONE

    @property
    def deposit_refunded(self) -> bool:
        return self.deposit_status == DepositStatus.REFUNDED

    @property
    def deposit_held(self) -> bool:
        """The hub holds the borrower's money."""
        return self.deposit_status == DepositStatus.COLLECTED

    def renewal_refusal(self, today, *, someone_waiting: bool = False) -> str:
        """The code of the rule that refuses a renewal on `today` ("" when none does): the rules of
        `renew_loan`, so that a page shows the reason (`RENEWAL_REFUSALS`) instead of a button that fails."""
        if self.returned_at is not None:
            return "loan_already_returned"
        if self.due_on < today:
            return "renewal_overdue"
        if self.renewals >= self.item.item_type.max_renewals:
            return "renewal_limit"
        if someone_waiting:
            return "renewal_blocked_by_hold"
        return ""

    @property
    def renewal_refusal_message(self) -> str:
        """Why the borrower cannot ask for a renewal today, as their page says it (the queue is the desk's to
        weigh when it answers a request, so it is not read here)."""
        code = self.renewal_refusal(timezone.localdate())
        return str(RENEWAL_REFUSALS[code]) if code else ""


class HoldPriority(models.IntegerChoices):
    URGENT = 0, _("Urgent (e.g. hospital discharge)")
    NORMAL = 1, _("Normal")


class HoldStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    OFFERED = "offered", _("Offered, ready to collect")
    FULFILLED = "fulfilled", _("Fulfilled")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Expired")


class Hold(models.Model):
    """A person waiting for an item type at a hub. Queue order: priority, then `queued_at`."""

    item_type = models.ForeignKey(ItemType, on_delete=models.PROTECT, related_name="holds", verbose_name=_("type"))
    hub = models.ForeignKey(Hub, on_delete=models.PROTECT, related_name="holds", verbose_name=_("hub"))
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="holds", verbose_name=_("person"))
    priority = models.PositiveSmallIntegerField(_("priority"), choices=HoldPriority.choices,
                                                default=HoldPriority.NORMAL)
    need_category = models.CharField(_("need"), max_length=20, choices=NeedCategory.choices,
                                     default=NeedCategory.OTHER)
    notes = models.CharField(_("notes"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    # The ordering key: the creation time, moved by a missed pickup (back of the queue) or a manual reorder.
    queued_at = models.DateTimeField(_("in the queue since"), default=timezone.now)
    status = models.CharField(_("status"), max_length=16, choices=HoldStatus.choices, default=HoldStatus.WAITING)
    offered_item = models.ForeignKey(
        Item, on_delete=models.SET_NULL, null=True, blank=True, related_name="offers", verbose_name=_("offered item")
    )
    offered_at = models.DateTimeField(_("offered at"), null=True, blank=True)
    offer_expires_at = models.DateTimeField(_("offer expires at"), null=True, blank=True)
    missed_pickups = models.PositiveSmallIntegerField(_("missed pickups"), default=0)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # Disclosure control (carehub/insights/perturbation.py): a fixed random key, never shown anywhere.
    record_key = models.PositiveIntegerField(default=new_record_key, editable=False)

    history = HistoricalRecords(excluded_fields=["record_key"])

    class Meta:
        ordering = ["priority", "queued_at", "id"]
        verbose_name = _("hold")
        verbose_name_plural = _("holds")
        constraints = [
            # One open hold per person and type at a hub.
            models.UniqueConstraint(
                fields=["person", "item_type", "hub"], condition=Q(status__in=["waiting", "offered"]),
                name="hold_one_open_per_person_type_hub",
                violation_error_message=_("This person is already waiting for this type of item here."),
            ),
            # An item is offered to at most one hold at a time.
            models.UniqueConstraint(
                fields=["offered_item"], condition=Q(status="offered"), name="hold_one_offer_per_item",
            ),
            models.CheckConstraint(
                condition=~Q(status="offered") | Q(offered_item__isnull=False, offer_expires_at__isnull=False),
                name="hold_offer_has_item",
            ),
        ]
        indexes = [models.Index(fields=["hub", "item_type", "status", "priority", "queued_at"])]

    def __str__(self) -> str:
        return f"{self.item_type} · {self.person}"

    @property
    def is_open(self) -> bool:
        return self.status in (HoldStatus.WAITING, HoldStatus.OFFERED)


class HoldReorder(models.Model):
    """A manual change of a hold's place in the queue, with its reason (kept forever)."""

    hold = models.ForeignKey(Hold, on_delete=models.CASCADE, related_name="reorders")
    moved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    moved_at = models.DateTimeField(default=timezone.now)
    from_position = models.PositiveIntegerField()
    to_position = models.PositiveIntegerField()
    reason = models.CharField(_("reason"), max_length=200)

    class Meta:
        ordering = ["-moved_at"]
        verbose_name = _("hold reorder")
        verbose_name_plural = _("hold reorders")
        constraints = [models.CheckConstraint(condition=~Q(reason=""), name="hold_reorder_has_reason")]


class Cleaning(models.Model):
    """A recorded cleaning step between a return and the item being available again."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="cleanings", verbose_name=_("item"))
    cleaned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+", verbose_name=_("cleaned by"))
    cleaned_at = models.DateTimeField(_("cleaned at"), default=timezone.now)
    protocol = models.TextField(_("protocol followed"))
    notes = models.CharField(_("notes"), max_length=200, blank=True)

    class Meta:
        ordering = ["-cleaned_at"]
        verbose_name = _("cleaning")
        verbose_name_plural = _("cleanings")


class TransferStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    SENT = "sent", _("Sent")
    RECEIVED = "received", _("Received")
    CANCELLED = "cancelled", _("Cancelled")


class Transfer(models.Model):
    """An item moving from one hub to another."""

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="transfers", verbose_name=_("item"))
    from_hub = models.ForeignKey(Hub, on_delete=models.PROTECT, related_name="transfers_out",
                                 verbose_name=_("from hub"))
    to_hub = models.ForeignKey(Hub, on_delete=models.PROTECT, related_name="transfers_in", verbose_name=_("to hub"))
    status = models.CharField(_("status"), max_length=16, choices=TransferStatus.choices,
                              default=TransferStatus.REQUESTED)
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                     related_name="+")
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+")
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    notes = models.CharField(_("notes"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        constraints = [
            models.CheckConstraint(condition=~Q(from_hub=models.F("to_hub")), name="transfer_between_two_hubs"),
            models.UniqueConstraint(
                fields=["item"], condition=Q(status__in=["requested", "sent"]), name="transfer_one_open_per_item",
                violation_error_message=_("This item already has a transfer under way."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item.asset_tag}: {self.from_hub} → {self.to_hub}"


class ReminderKind(models.TextChoices):
    DUE_SOON = "due_soon", _("Due soon")
    OVERDUE = "overdue", _("Overdue")


class LoanReminder(models.Model):
    """That a reminder was sent: one per loan, milestone and due date, so a rerun never sends it twice."""

    loan = models.ForeignKey(Loan, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=16, choices=ReminderKind.choices)
    due_on = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["loan", "kind", "due_on"], name="loan_reminder_once_per_milestone")
        ]
