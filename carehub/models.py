"""The core domain every hub shares: hubs, the people they serve, staff roles and API tokens."""

import hashlib
import secrets
import unicodedata

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


# Disclosure control (carehub.insights): every person and every event row carries a fixed random key, drawn
# once at creation and never shown; a published cell's key is the sum of its records' keys modulo this.
RECORD_KEY_MODULUS = 2**31


def new_record_key() -> int:
    return secrets.randbelow(RECORD_KEY_MODULUS)


def fold(text: str) -> str:
    """Lower-case text without accents, so that "garcia" finds "García" at the desk."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


class District(models.TextChoices):
    CIUTAT_VELLA = "ciutat-vella", "Ciutat Vella"
    EIXAMPLE = "eixample", "Eixample"
    SANTS_MONTJUIC = "sants-montjuic", "Sants-Montjuïc"
    LES_CORTS = "les-corts", "Les Corts"
    SARRIA_SANT_GERVASI = "sarria-sant-gervasi", "Sarrià-Sant Gervasi"
    GRACIA = "gracia", "Gràcia"
    HORTA_GUINARDO = "horta-guinardo", "Horta-Guinardó"
    NOU_BARRIS = "nou-barris", "Nou Barris"
    SANT_ANDREU = "sant-andreu", "Sant Andreu"
    SANT_MARTI = "sant-marti", "Sant Martí"


class Language(models.TextChoices):
    CATALAN = "ca", _("Catalan")
    SPANISH = "es", _("Spanish")
    ENGLISH = "en", _("English")


class Hub(models.Model):
    """One Vila Veïna: the care hub of a superblock of care."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    district = models.CharField(_("district"), max_length=32, choices=District.choices)
    population = models.PositiveIntegerField(
        _("population"), help_text=_("Inhabitants of the superblock of care (10,000 to 30,000).")
    )
    address = models.CharField(_("address"), max_length=200)
    community_space = models.CharField(
        _("community space"), max_length=160, help_text=_("Where the hub is, e.g. a library or a civic centre.")
    )
    description = models.TextField(
        _("description"), blank=True, help_text=_("What the hub offers and who it is for, in a few lines.")
    )
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    email = models.EmailField(_("email"), blank=True)
    is_active = models.BooleanField(_("open"), default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("hub")
        verbose_name_plural = _("hubs")
        constraints = [
            models.CheckConstraint(
                condition=Q(population__gte=1000) & Q(population__lte=100000),
                name="hub_population_plausible",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("hub-detail", kwargs={"slug": self.slug})


class OpeningBlock(models.Model):
    """A weekly part-day block when the hub is open, e.g. Tuesday 9:30–13:15."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    hub = models.ForeignKey(Hub, on_delete=models.CASCADE, related_name="opening_blocks", verbose_name=_("hub"))
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens_at = models.TimeField(_("opens at"))
    closes_at = models.TimeField(_("closes at"))

    class Meta:
        ordering = ["weekday", "opens_at"]
        verbose_name = _("opening block")
        verbose_name_plural = _("opening hours")
        constraints = [
            models.CheckConstraint(condition=Q(closes_at__gt=models.F("opens_at")), name="opening_block_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens_at:%H:%M}–{self.closes_at:%H:%M}"


class Person(models.Model):
    """Someone a hub serves: a caregiver, a cared-for person, a family member.

    Personal data. Read it only through `carehub.selectors.people_visible_to`, which applies the
    caller's hub and role.
    """

    first_name = models.CharField(_("first name"), max_length=80)
    last_name = models.CharField(_("last name"), max_length=120, blank=True)
    # E.164 (+34612345678) when it parses (carehub.notifications.phones); kept as typed, and flagged, when not.
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    phone_valid = models.BooleanField(_("phone number is valid"), default=True, editable=False)
    email = models.EmailField(_("email"), blank=True)
    # Null = nobody has shown that this address reaches the person: a self-registered or self-changed email
    # waits for its confirmation link, and no message but that link goes to it (notifications.channel_for).
    # An email the desk enters counts as verified (given in person).
    email_verified_at = models.DateTimeField(_("email verified at"), null=True, blank=True, editable=False)
    preferred_language = models.CharField(
        _("preferred language"), max_length=2, choices=Language.choices, default=Language.CATALAN
    )
    # How the person wants to hear from the hub; the desk sets it for them. Left empty, it is derived on save
    # from what contact data exists (email, else SMS to a mobile, else a call from the desk).
    notify_by = models.CharField(
        _("notify by"), max_length=8, blank=True,
        choices=[("email", _("Email")), ("sms", _("SMS")), ("call", _("Phone call from the desk"))],
    )
    home_hub = models.ForeignKey(
        Hub, on_delete=models.PROTECT, related_name="people", verbose_name=_("home hub")
    )
    document_number = models.CharField(
        _("document number"), max_length=32, blank=True, help_text=_("DNI, NIE or passport; optional.")
    )
    birth_year = models.PositiveSmallIntegerField(
        _("year of birth"), null=True, blank=True,
        help_text=_("Optional; tells two people of the same name apart."),
    )
    consent_given_at = models.DateTimeField(_("consent to data processing given at"), null=True, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
        verbose_name=_("online account"),
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Accent-free, lower-case name, phone and document number: what the desk's search looks in.
    search_text = models.CharField(max_length=400, editable=False, db_index=True, default="")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    erased_at = models.DateTimeField(null=True, blank=True, editable=False)
    # A duplicate merged into another person stays as a tombstone pointing at the one kept (carehub.services).
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, editable=False, related_name="merged_from",
        verbose_name=_("merged into"),
    )
    record_key = models.PositiveIntegerField(default=new_record_key, editable=False)
    # Signed up online with a name someone at the hub already has: the desk checks whether it is one person
    # (carehub.accounts.services.register_caregiver_account; cleared by the desk or by a merge).
    needs_duplicate_check = models.BooleanField(_("to check for a duplicate"), default=False, editable=False)

    history = HistoricalRecords(excluded_fields=["search_text", "record_key"])

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [models.Index(fields=["home_hub", "last_name", "first_name"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(birth_year__isnull=True) | (Q(birth_year__gte=1900) & Q(birth_year__lte=2100)),
                name="person_birth_year_plausible",
            ),
            models.CheckConstraint(
                condition=Q(merged_into__isnull=True) | ~Q(merged_into=models.F("pk")),
                name="person_not_merged_into_itself",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs):
        from carehub.notifications import phones

        self.phone, self.phone_valid = phones.normalise(self.phone)
        if not self.notify_by:
            self.notify_by = phones.default_channel(email=self.email, phone=self.phone)
        # The E.164 digits (34612345678) contain the national ones, so "612 345" typed at the desk still matches.
        digits = "".join(ch for ch in self.phone if ch.isdigit())
        self.search_text = " ".join(
            part for part in (fold(self.first_name), fold(self.last_name), digits, fold(self.document_number)) if part
        )
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = set(kwargs["update_fields"]) | {"search_text", "phone_valid", "notify_by"}
        super().save(*args, **kwargs)

    @property
    def document_masked(self) -> str:
        """The document as lists show it: its last four characters (the person's own page shows it whole)."""
        from .documents import masked

        return masked(self.document_number)

    def get_absolute_url(self) -> str:
        return reverse("person-detail", kwargs={"pk": self.pk})

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class Role(models.TextChoices):
    DESK = "desk", _("Front desk")
    COORDINATOR = "coordinator", _("Coordinator")
    ADVISOR = "advisor", _("Advisor")
    FACILITATOR = "facilitator", _("Facilitator")
    PLANNER = "planner", _("Planner")
    ADMIN = "admin", _("Administrator")


HUB_ROLES = frozenset({Role.DESK, Role.COORDINATOR, Role.ADVISOR, Role.FACILITATOR})
CITY_ROLES = frozenset({Role.PLANNER, Role.ADMIN})


class StaffRole(models.Model):
    """A user's role at one hub, or city-wide (planner, admin) with no hub."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_roles", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    hub = models.ForeignKey(
        Hub, on_delete=models.CASCADE, null=True, blank=True, related_name="staff_roles", verbose_name=_("hub")
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["user_id", "role"]
        verbose_name = _("staff role")
        verbose_name_plural = _("staff roles")
        constraints = [
            models.CheckConstraint(
                condition=(Q(role__in=sorted(HUB_ROLES), hub__isnull=False))
                | (Q(role__in=sorted(CITY_ROLES), hub__isnull=True)),
                name="staff_role_hub_matches_scope",
                violation_error_message=_("Hub roles need a hub; planners and administrators have none."),
            ),
            models.UniqueConstraint(fields=["user", "role", "hub"], name="staff_role_unique_per_hub"),
            models.UniqueConstraint(
                fields=["user", "role"], condition=Q(hub__isnull=True), name="staff_role_unique_city_wide"
            ),
        ]

    def __str__(self) -> str:
        where = self.hub.name if self.hub_id else _("city-wide")
        return f"{self.user} · {self.get_role_display()} · {where}"


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 is stored; the caller sees the token once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.user} ({self.created_at:%Y-%m-%d})"

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @classmethod
    def issue(cls, user) -> str:
        raw = secrets.token_urlsafe(32)
        cls.objects.create(user=user, key_hash=cls.hash(raw))
        return raw


# --- privacy --------------------------------------------------------------------------------------------
class PrivacyRecord(models.Model):
    """That a person's data was exported or erased: who did it, when and on what ground — never what.

    The reason is a choice, not free text, so that this audit trail can never itself hold personal data.
    The row survives the erasure it records (the person row stays, pseudonymised).
    """

    class Kind(models.TextChoices):
        EXPORT = "export", _("Export of personal data")
        ERASURE = "erasure", _("Erasure of personal data")

    class Reason(models.TextChoices):
        PERSON_REQUEST = "person_request", _("The person asked for it")
        CONSENT_WITHDRAWN = "consent_withdrawn", _("The person withdrew their consent")
        NO_LONGER_NEEDED = "no_longer_needed", _("The data is no longer needed")
        AUTHORITY_REQUEST = "authority_request", _("A competent authority asked for it")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    person = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, related_name="privacy_records", verbose_name=_("person")
    )
    hub = models.ForeignKey(
        Hub, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("home hub at the time")
    )
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("done by")
    )
    done_at = models.DateTimeField(_("done at"), default=timezone.now)
    reason = models.CharField(_("reason"), max_length=24, choices=Reason.choices)

    class Meta:
        ordering = ["-done_at", "-id"]
        verbose_name = _("privacy record")
        verbose_name_plural = _("privacy records")
        constraints = [
            # A person is erased once; a second erasure would record nothing true.
            models.UniqueConstraint(fields=["person"], condition=Q(kind="erasure"), name="privacy_one_erasure"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.person_id} {self.done_at:%Y-%m-%d}"


# The notification layer's tables belong to this app (carehub/notifications/models.py).
from carehub.notifications.models import Channel, Message, MessageStatus  # noqa: E402,F401
# Online accounts' tables (carehub/accounts/models.py): password resets and their rate limits.
from carehub.accounts.models import PasswordReset, RateLimitHit  # noqa: E402,F401
