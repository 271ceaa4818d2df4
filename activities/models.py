"""Activities, their dated sessions, bookings with a waitlist, closed support groups and calendar feeds.

Invariants held by the database (select_for_update is a no-op on SQLite):
- a session is never over capacity: `Session.confirmed_count <= capacity`, kept by `services.book_session()`
  and friends under a row lock on the session; the counter counts places, 1 + `companions` per confirmed booking;
- a session's childcare is never over its places: `Session.childcare_confirmed <= childcare_places`, moved by
  the same services in the same UPDATE as `confirmed_count`, so a booking's seat and its childcare places are
  confirmed (or given back) together or not at all;
- one live booking per person and session (partial unique constraint on status != cancelled);
- one reminder per booking (unique sent-marker row).
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from carehub import content
from carehub.models import Hub, Language, Person, new_record_key


class ActivityKind(models.TextChoices):
    TALK = "talk", _("Talk")
    WORKSHOP = "workshop", _("Workshop")
    OUTDOOR = "outdoor", _("Outdoor activity")
    SUPPORT_GROUP = "support_group", _("Support group")
    OTHER = "other", _("Other")


class Frequency(models.TextChoices):
    ONCE = "once", _("One-off")
    WEEKLY = "weekly", _("Every week")
    FORTNIGHTLY = "fortnightly", _("Every two weeks")


# The oldest a child looked after by an activity's childcare may be (a coordinator sets a lower limit).
CHILDCARE_AGE_LIMIT = 17
# Children one booking may bring to the childcare: one caregiver's family, not a group.
MAX_CHILDREN_PER_BOOKING = 6
# Companions one booking may bring (the person cared for, a relative): one household, not a group. A coordinator
# allows fewer per activity (`Activity.companion_places`, 0 = one place per booking).
MAX_COMPANIONS_PER_BOOKING = 5


class Activity(models.Model):
    """A programmed activity of one hub: a one-off talk or a weekly series, or a closed support group.
    It may offer childcare ("canguratge") for children up to `childcare_max_age`, so that caregivers can come."""

    hub = models.ForeignKey(Hub, on_delete=models.PROTECT, related_name="activities", verbose_name=_("hub"))
    title = models.CharField(_("title"), max_length=160)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=ActivityKind.choices, default=ActivityKind.TALK)
    place = models.CharField(
        _("place"), max_length=200, blank=True, help_text=_("Leave empty when it is at the hub itself.")
    )
    language = models.CharField(_("language"), max_length=2, choices=Language.choices, default=Language.CATALAN)
    accessibility_notes = models.CharField(
        _("accessibility notes"), max_length=300, blank=True,
        help_text=_("E.g. step-free access, induction loop, sign language on request."),
    )
    capacity = models.PositiveIntegerField(_("places per session"), default=20)
    booking_opens_days_before = models.PositiveSmallIntegerField(
        _("booking opens (days before)"), null=True, blank=True,
        help_text=_("Leave empty to open booking as soon as the session is published."),
    )
    frequency = models.CharField(_("repeats"), max_length=12, choices=Frequency.choices, default=Frequency.ONCE)
    # Places for children per session; 0 = no childcare. Copied to each coming session, which keeps the counter.
    # db_default as well: bulk loaders that name their columns (seed_scale's COPY) leave it out.
    childcare_places = models.PositiveSmallIntegerField(
        _("childcare places per session"), default=0, db_default=0,
        help_text=_("How many children can be looked after while their caregivers attend. 0: no childcare."),
    )
    childcare_max_age = models.PositiveSmallIntegerField(
        _("childcare for children up to (years old)"), null=True, blank=True,
        help_text=_("The oldest a child may be, in years. Needed when there is childcare."),
    )
    # Extra places one booking may take besides the booker's own (the person they care for...); 0 = none.
    companion_places = models.PositiveSmallIntegerField(
        _("companions per booking"), default=0, db_default=0,
        help_text=_("How many people may come with the person who books (for example the person they care "
                    "for), each taking a place. 0: one place per booking."),
    )
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="facilitated_groups",
        verbose_name=_("facilitator"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    # The texts in each language (activities/translation.py) are added to the model after its history table
    # is made: the history keeps who changed what, with the texts as read in the language of that request.
    history = HistoricalRecords(
        excluded_fields=content.language_columns(("title", "description", "place", "accessibility_notes")))

    class Meta:
        ordering = ["title", "id"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gte=1), name="activity_capacity_positive"),
            models.CheckConstraint(
                condition=Q(childcare_places=0) | Q(childcare_max_age__isnull=False),
                name="activity_childcare_has_max_age",
            ),
            models.CheckConstraint(
                condition=Q(childcare_max_age__isnull=True) | Q(childcare_max_age__lte=CHILDCARE_AGE_LIMIT),
                name="activity_childcare_max_age_of_a_child",
            ),
            models.CheckConstraint(
                condition=Q(companion_places__lte=MAX_COMPANIONS_PER_BOOKING), name="activity_companions_bounded",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_support_group(self) -> bool:
        return self.kind == ActivityKind.SUPPORT_GROUP

    @property
    def where(self) -> str:
        return self.place or f"{self.hub.community_space}, {self.hub.address}"

    @property
    def offers_childcare(self) -> bool:
        return self.childcare_places > 0

    @property
    def companion_choices(self) -> range:
        """What a booking form offers: 1 to `companion_places` people with the booker."""
        return range(1, self.companion_places + 1)


class Session(models.Model):
    """One dated occurrence of an activity. `confirmed_count` mirrors the confirmed bookings, under a lock."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CANCELLED = "cancelled", _("Cancelled")

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="sessions",
                                 verbose_name=_("activity"))
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    capacity = models.PositiveIntegerField(_("places"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.SCHEDULED)
    # Raised on every change a calendar must pick up (RFC 5545 SEQUENCE).
    sequence = models.PositiveIntegerField(default=0, editable=False)
    confirmed_count = models.PositiveIntegerField(default=0, editable=False)
    childcare_places = models.PositiveSmallIntegerField(_("childcare places"), default=0, db_default=0)
    # The children of the confirmed bookings, kept with `confirmed_count` under the same lock and UPDATE.
    childcare_confirmed = models.PositiveIntegerField(default=0, db_default=0, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)
    # Disclosure control (carehub/insights/perturbation.py): a fixed random key, never shown anywhere.
    record_key = models.PositiveIntegerField(default=new_record_key, editable=False)

    history = HistoricalRecords(excluded_fields=["confirmed_count", "childcare_confirmed", "updated_at",
                                                 "record_key"])

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        indexes = [
            models.Index(fields=["starts_at"]),
            models.Index(fields=["activity", "starts_at"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="session_ends_after_start"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="session_capacity_positive"),
            models.CheckConstraint(condition=Q(confirmed_count__gte=0), name="session_confirmed_not_negative"),
            models.CheckConstraint(
                condition=Q(confirmed_count__lte=F("capacity")), name="session_never_over_capacity",
                violation_error_message=_("This session is full."),
            ),
            models.CheckConstraint(
                condition=Q(childcare_confirmed__lte=F("childcare_places")),
                name="session_childcare_never_over_capacity",
                violation_error_message=_("The childcare of this session is full."),
            ),
        ]

    def __str__(self) -> str:
        local = timezone.localtime(self.starts_at)
        return f"{self.activity.title} · {local:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("activities:session", kwargs={"pk": self.pk})

    @property
    def seats_left(self) -> int:
        return max(self.capacity - self.confirmed_count, 0)

    @property
    def offers_childcare(self) -> bool:
        return self.childcare_places > 0

    @property
    def childcare_left(self) -> int:
        return max(self.childcare_places - self.childcare_confirmed, 0)

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def uid(self) -> str:
        return f"session-{self.pk}@carehub"


class Booking(models.Model):
    """A person's place in a session: confirmed, or waitlisted in order of `created_at`.

    It may ask childcare for `childcare_places` children (their ages only, never names). Seat and childcare
    share the booking's one status: they are confirmed, waitlisted and cancelled together."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        WAITLISTED = "waitlisted", _("On the waitlist")
        CANCELLED = "cancelled", _("Cancelled")

    class Attendance(models.TextChoices):
        UNKNOWN = "unknown", _("Not recorded")
        ATTENDED = "attended", _("Attended")
        NO_SHOW = "no_show", _("Did not come")

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="bookings", verbose_name=_("session"))
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="activity_bookings",
                               verbose_name=_("person"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    attendance = models.CharField(_("attendance"), max_length=10, choices=Attendance.choices,
                                  default=Attendance.UNKNOWN)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+")
    confirmed_at = models.DateTimeField(null=True, blank=True, editable=False)
    cancelled_at = models.DateTimeField(null=True, blank=True, editable=False)
    childcare_places = models.PositiveSmallIntegerField(_("children in childcare"), default=0, db_default=0)
    # People who come with the booker, each taking a place: the booking holds 1 + companions places, all
    # confirmed, waitlisted and cancelled together.
    companions = models.PositiveSmallIntegerField(_("companions"), default=0, db_default=0)
    # Ages in whole years, one per child, as "3,5" (plain text: every bulk loader and database stores it as is).
    # Not in the history, so that an erasure that clears them leaves no copy.
    childcare_ages = models.CharField(_("ages of the children"), max_length=40, blank=True, default="",
                                      db_default="")
    # Disclosure control (carehub/insights/perturbation.py): a fixed random key, never shown anywhere.
    record_key = models.PositiveIntegerField(default=new_record_key, editable=False)

    history = HistoricalRecords(excluded_fields=["record_key", "childcare_ages"])

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        indexes = [
            models.Index(fields=["session", "status", "created_at"]),
            models.Index(fields=["person", "status"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "person"], condition=~Q(status="cancelled"), name="booking_one_live_per_person",
                violation_error_message=_("This person already has a place in this session."),
            ),
            models.CheckConstraint(
                condition=Q(attendance="unknown") | Q(status="confirmed"), name="booking_attendance_only_confirmed"
            ),
            models.CheckConstraint(
                condition=Q(companions__gte=0) & Q(companions__lte=MAX_COMPANIONS_PER_BOOKING),
                name="booking_companions_bounded",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.session} · {self.get_status_display()}"

    def get_absolute_url(self) -> str:
        return reverse("activities:session", kwargs={"pk": self.session_id})

    @property
    def places(self) -> int:
        """The places this booking holds (or waits for): the booker's and their companions'."""
        return 1 + self.companions

    @property
    def childcare_status(self) -> str:
        """"not_requested", or the booking's own status: the childcare never has a fate of its own."""
        return self.status if self.childcare_places else "not_requested"

    @property
    def childcare_age_list(self) -> list[int]:
        return [int(age) for age in self.childcare_ages.split(",") if age.strip().isdigit()]

    @property
    def childcare_ages_text(self) -> str:
        return ", ".join(str(age) for age in self.childcare_age_list)

    @staticmethod
    def ages_to_store(ages: list[int]) -> str:
        return ",".join(str(age) for age in ages)


class GroupMembership(models.Model):
    """A person's place in a closed support group. Visible only to its facilitator and the hub's coordinator."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Asked to join")
        MEMBER = "member", _("Member")
        LEFT = "left", _("Left")

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="memberships",
                                 verbose_name=_("support group"))
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="group_memberships",
                               verbose_name=_("person"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("group membership")
        verbose_name_plural = _("group memberships")
        constraints = [
            models.UniqueConstraint(fields=["activity", "person"], name="group_membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.activity} · {self.get_status_display()}"


class GroupAttendance(models.Model):
    """Whether a member came to one support-group session. Taken by the facilitator; private like membership."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="group_attendance")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="group_attendance")
    attended = models.BooleanField(_("attended"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("group attendance")
        verbose_name_plural = _("group attendance")
        constraints = [models.UniqueConstraint(fields=["session", "person"], name="group_attendance_unique")]


def new_feed_secret() -> str:
    return secrets.token_urlsafe(24)


class CalendarFeedToken(models.Model):
    """The secret in a person's private calendar URL. Revoking it issues a new one; the old URL stops working."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="calendar_feed_tokens")
    secret = models.CharField(max_length=64, unique=True, default=new_feed_secret)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
        constraints = [
            models.UniqueConstraint(fields=["person"], condition=Q(revoked_at__isnull=True),
                                    name="calendar_feed_one_active_per_person"),
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.created_at:%Y-%m-%d})"

    def get_absolute_url(self) -> str:
        return reverse("activities:feed", kwargs={"secret": self.secret})


class ReminderSent(models.Model):
    """Marks that tomorrow's reminder for a booking went out, so that a second run sends nothing."""

    booking = models.OneToOneField(Booking, on_delete=models.CASCADE, related_name="reminder")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
