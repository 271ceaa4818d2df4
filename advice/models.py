"""Legal and employment advice: services a hub offers, when advisors are there, and booked appointments.

The one hard rule — an advisor is never in two overlapping appointments, at any hub, buffer included — is
kept by the database itself: on PostgreSQL by an exclusion constraint over
``tstzrange(starts_at, blocked_until)`` per advisor, on SQLite by triggers. Both are created in migration
0002 (see there why they are not in ``Meta.constraints``). ``services.book_appointment`` also locks the
advisor's row before checking, so that a refused booking gets a clear answer instead of an IntegrityError.

Case notes live in their own table (`CaseNote`), with no history, no admin and no reverse accessor, and are
read only through ``selectors.case_note_for``, which returns them to the appointment's advisor alone.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from carehub import content
from carehub.models import Hub, OpeningBlock, Person, new_record_key

Weekday = OpeningBlock.Weekday


class ServiceKind(models.TextChoices):
    LEGAL = "legal", _("Legal advice")
    EMPLOYMENT = "employment", _("Employment advice")
    OTHER = "other", _("Other advice")


class Mode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", _("By phone")
    VIDEO = "video", _("By video call")


class AdviceService(models.Model):
    """What advice a hub offers: legal, employment or another kind, with its appointment length and modes."""

    hub = models.ForeignKey(Hub, on_delete=models.PROTECT, related_name="advice_services", verbose_name=_("hub"))
    kind = models.CharField(_("kind"), max_length=16, choices=ServiceKind.choices)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    appointment_minutes = models.PositiveSmallIntegerField(
        _("appointment length (minutes)"), default=30, help_text=_("Between 10 and 240 minutes.")
    )
    buffer_minutes = models.PositiveSmallIntegerField(
        _("buffer after each appointment (minutes)"), default=0,
        help_text=_("Time the advisor keeps free after each appointment, e.g. to write notes."),
    )
    in_person = models.BooleanField(_("in person"), default=True)
    by_phone = models.BooleanField(_("by phone"), default=False)
    by_video = models.BooleanField(_("by video call"), default=False)
    cancel_notice_hours = models.PositiveSmallIntegerField(
        _("minimum notice to cancel online (hours)"), default=0,
        help_text=_("0 lets people cancel online until the appointment starts; the desk can always cancel."),
    )
    is_active = models.BooleanField(_("offered"), default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    # The texts in each language (advice/translation.py) are added to the model after its history table is
    # made: the history keeps who changed what, with the texts as read in the language of that request.
    history = HistoricalRecords(excluded_fields=content.language_columns(("name", "description")))

    class Meta:
        ordering = ["hub__name", "kind", "name"]
        verbose_name = _("advice service")
        verbose_name_plural = _("advice services")
        constraints = [
            models.CheckConstraint(
                condition=Q(appointment_minutes__gte=10) & Q(appointment_minutes__lte=240),
                name="advice_service_length_plausible",
            ),
            models.CheckConstraint(condition=Q(buffer_minutes__lte=120), name="advice_service_buffer_plausible"),
            models.CheckConstraint(
                condition=Q(in_person=True) | Q(by_phone=True) | Q(by_video=True),
                name="advice_service_has_a_mode",
                violation_error_message=_("Offer at least one mode: in person, by phone or by video call."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} · {self.hub.name}"

    @property
    def modes(self) -> list[str]:
        flags = ((Mode.IN_PERSON, self.in_person), (Mode.PHONE, self.by_phone), (Mode.VIDEO, self.by_video))
        return [mode.value for mode, on in flags if on]

    @property
    def mode_choices(self) -> list[tuple[str, str]]:
        labels = dict(Mode.choices)
        return [(mode, labels[mode]) for mode in self.modes]

    @property
    def step_minutes(self) -> int:
        """Slots start every appointment length + buffer."""
        return self.appointment_minutes + self.buffer_minutes


class Availability(models.Model):
    """A weekly window when an advisor gives one service at its hub, in Madrid wall-clock time.

    Tuesday 10:00–13:00 stays 10:00–13:00 across the daylight-saving changes: slots are built per date with the
    hub's time zone, never by adding 7 × 24 h to a UTC instant.
    """

    advisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="advice_availability",
        verbose_name=_("advisor"),
    )
    service = models.ForeignKey(
        AdviceService, on_delete=models.CASCADE, related_name="availability", verbose_name=_("service")
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start_time = models.TimeField(_("from"))
    end_time = models.TimeField(_("until"))
    valid_from = models.DateField(_("valid from"), default=timezone.localdate)
    valid_until = models.DateField(_("valid until"), null=True, blank=True, help_text=_("Leave empty for no end."))
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["weekday", "start_time"]
        verbose_name = _("weekly availability")
        verbose_name_plural = _("weekly availability")
        constraints = [
            models.CheckConstraint(condition=Q(end_time__gt=F("start_time")), name="advice_availability_ordered"),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("valid_from")),
                name="advice_availability_valid_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start_time:%H:%M}–{self.end_time:%H:%M} · {self.service}"


class AvailabilityException(models.Model):
    """A one-off change to an advisor's weeks: a day (or hours) off, or extra hours for one service."""

    class Kind(models.TextChoices):
        CLOSED = "closed", _("Not available")
        EXTRA = "extra", _("Extra hours")

    advisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="advice_exceptions",
        verbose_name=_("advisor"),
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.CLOSED)
    service = models.ForeignKey(
        AdviceService, on_delete=models.CASCADE, null=True, blank=True, related_name="exceptions",
        verbose_name=_("service"), help_text=_("Required for extra hours."),
    )
    start_time = models.TimeField(_("from"), null=True, blank=True)
    end_time = models.TimeField(_("until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["date", "start_time"]
        verbose_name = _("availability exception")
        verbose_name_plural = _("availability exceptions")
        constraints = [
            # Closed: the whole day (no times) or a time range. Extra: a service and a time range.
            models.CheckConstraint(
                condition=(Q(start_time__isnull=True, end_time__isnull=True))
                | (Q(start_time__isnull=False, end_time__isnull=False) & Q(end_time__gt=F("start_time"))),
                name="advice_exception_times",
            ),
            models.CheckConstraint(
                condition=Q(kind="closed")
                | Q(kind="extra", service__isnull=False, start_time__isnull=False),
                name="advice_exception_extra_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date:%Y-%m-%d}"


class Appointment(models.Model):
    """One person's appointment with one advisor. The advisor is blocked from `starts_at` to `blocked_until`
    (the end plus the service's buffer); that whole range never overlaps another of the advisor's appointments
    that is not cancelled."""

    class Status(models.TextChoices):
        BOOKED = "booked", _("Booked")
        CANCELLED = "cancelled", _("Cancelled")
        ATTENDED = "attended", _("Attended")
        NO_SHOW = "no_show", _("Did not come")

    service = models.ForeignKey(
        AdviceService, on_delete=models.PROTECT, related_name="appointments", verbose_name=_("service")
    )
    advisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="advice_appointments",
        verbose_name=_("advisor"),
    )
    hub = models.ForeignKey(Hub, on_delete=models.PROTECT, related_name="advice_appointments", verbose_name=_("hub"))
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="advice_appointments", verbose_name=_("person")
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    blocked_until = models.DateTimeField(_("advisor busy until"))
    mode = models.CharField(_("mode"), max_length=16, choices=Mode.choices, default=Mode.IN_PERSON)
    reason = models.CharField(
        _("reason"), max_length=300, blank=True,
        help_text=_("A few words on what you need advice about. The advisor and the hub's staff can read it."),
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.BOOKED)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("booked by"),
    )
    created_at = models.DateTimeField(_("booked at"), default=timezone.now, editable=False)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("cancelled by"),
    )
    # Disclosure control (carehub/insights/perturbation.py): a fixed random key, never shown anywhere.
    record_key = models.PositiveIntegerField(default=new_record_key, editable=False)

    history = HistoricalRecords(excluded_fields=["record_key"])

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        indexes = [
            models.Index(fields=["advisor", "starts_at"]),
            models.Index(fields=["hub", "starts_at"]),
            models.Index(fields=["person", "starts_at"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="advice_appointment_ordered"),
            models.CheckConstraint(
                condition=Q(blocked_until__gte=F("ends_at")), name="advice_appointment_buffer_after_end"
            ),
            models.CheckConstraint(
                condition=Q(status="cancelled", cancelled_at__isnull=False)
                | (~Q(status="cancelled") & Q(cancelled_at__isnull=True)),
                name="advice_appointment_cancelled_at_iff_cancelled",
            ),
            # The no-overlap rule is in migration 0002 (PostgreSQL exclusion constraint / SQLite triggers).
        ]

    def __str__(self) -> str:
        return f"{self.service.name} · {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"


class CaseNote(models.Model):
    """The advisor's private notes on one appointment. Read only through `selectors.case_note_for`.

    Deliberately: no history table (it would copy the text where the admin can read it), no admin, no reverse
    accessor on Appointment (``related_name="+"``), so that nothing serialises it by accident.
    """

    appointment = models.OneToOneField(
        Appointment, on_delete=models.CASCADE, related_name="+", verbose_name=_("appointment")
    )
    advisor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(_("case notes"), blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("case note")
        verbose_name_plural = _("case notes")

    def __str__(self) -> str:
        return f"case note #{self.pk}"


class AppointmentReminder(models.Model):
    """Marks that the day-before reminder of an appointment was written (with its message, in one transaction),
    so that it is sent once."""

    appointment = models.OneToOneField(Appointment, on_delete=models.CASCADE, related_name="reminder")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("appointment reminder")
        verbose_name_plural = _("appointment reminders")

    def __str__(self) -> str:
        return f"reminder #{self.appointment_id}"
