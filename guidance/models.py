"""Information and guidance: the desk's attentions (consultations), online questions, the directory of care
resources of each hub, and the Carer's Card guide.

Content that people read in their language (topic names, resource descriptions, the Carer's Card guide) is kept
in one column per language (`name_ca`, `name_es`, `name_en`) and read through `localized()`, which falls back
to the first language filled in. Simple on purpose: a general content-translation mechanism may replace it
(docs/guidance.md).

An attention of an anonymous walk-in has no person and holds no name, phone, email or document: only an age
band and whether they care for someone. There is no column where those could go.
"""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from carehub.models import Hub, Person, new_record_key

CONTENT_LANGUAGES = ("ca", "es", "en")


def localized(obj, field: str, language: str | None = None) -> str:
    """`obj.<field>_<language>` in the current language, else the first of ca, es, en that is filled in."""
    language = (language or translation.get_language() or "ca")[:2]
    order = [language] + [code for code in CONTENT_LANGUAGES if code != language]
    for code in order:
        value = getattr(obj, f"{field}_{code}", "") or ""
        if value.strip():
            return value
    return ""


def localized_language(obj, field: str, language: str | None = None) -> str:
    """The language code of the text `localized()` returns (for the page's `lang` attribute)."""
    language = (language or translation.get_language() or "ca")[:2]
    order = [language] + [code for code in CONTENT_LANGUAGES if code != language]
    for code in order:
        if (getattr(obj, f"{field}_{code}", "") or "").strip():
            return code
    return language


def year_before(day: date) -> date:
    """The same day a year earlier (28 February for 29 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


# --- topics ---------------------------------------------------------------------------------------------
class AttentionTopic(models.Model):
    """What a consultation was about. Each hub keeps its own list (the coordinator); every hub starts with the
    defaults (`services.DEFAULT_TOPICS`). `key` is stable (links, the API, figures); names are per language."""

    hub = models.ForeignKey(Hub, on_delete=models.CASCADE, related_name="attention_topics", verbose_name=_("hub"))
    key = models.SlugField(_("code"), max_length=40, help_text=_("Lower-case letters, digits and underscores."))
    name_ca = models.CharField(_("name in Catalan"), max_length=80)
    name_es = models.CharField(_("name in Spanish"), max_length=80, blank=True)
    name_en = models.CharField(_("name in English"), max_length=80, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=100)
    is_active = models.BooleanField(_("in use"), default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["hub_id", "position", "id"]
        verbose_name = _("attention topic")
        verbose_name_plural = _("attention topics")
        constraints = [models.UniqueConstraint(fields=["hub", "key"], name="guidance_topic_key_per_hub")]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self, "name")


# --- the directory of care resources ------------------------------------------------------------------
class ResourceKind(models.TextChoices):
    SERVICE = "service", _("Public service")
    DAY_CENTRE = "day_centre", _("Day centre")
    RESPITE = "respite", _("Respite")
    BABYSITTING = "babysitting", _("Babysitting and childcare")
    HOME_HELP = "home_help", _("Home help")
    ASSOCIATION = "association", _("Association")
    COLLECTIVE = "collective", _("Collective care project")


# Languages a resource may be used in (ISO 639-1). The names are translated like every other string.
RESOURCE_LANGUAGES = {
    "ca": _("Catalan"), "es": _("Spanish"), "en": _("English"), "fr": _("French"), "ar": _("Arabic"),
    "ur": _("Urdu"), "zh": _("Chinese"), "ro": _("Romanian"), "ru": _("Russian"), "pt": _("Portuguese"),
    "it": _("Italian"), "tl": _("Tagalog"), "bn": _("Bengali"), "pa": _("Punjabi"), "uk": _("Ukrainian"),
}


class CareResource(models.Model):
    """One entry of a hub's directory: a service, day centre, respite, babysitting, home help, association or
    neighbours' collective care project near the hub. Public once published; the contact's details only with
    their consent (recorded: when and by whom)."""

    hub = models.ForeignKey(Hub, on_delete=models.PROTECT, related_name="care_resources", verbose_name=_("hub"))
    name = models.CharField(_("name"), max_length=160)
    kind = models.CharField(_("kind"), max_length=16, choices=ResourceKind.choices)
    address = models.CharField(_("address"), max_length=200, blank=True)
    weekly_hours = models.CharField(_("weekly hours"), max_length=300, blank=True,
                                    help_text=_("For example: Monday to Friday 9:00–14:00."))
    languages = models.JSONField(_("languages"), default=list, blank=True)
    serves = models.CharField(_("who it serves"), max_length=300, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=120, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=32, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    website = models.URLField(_("website"), blank=True)
    # The contact agreed to their details being published: when, and who at the hub recorded it.
    contact_consent_at = models.DateTimeField(_("contact agreed to publication at"), null=True, blank=True)
    contact_consent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("consent recorded by"),
    )
    description_ca = models.TextField(_("description in Catalan"), blank=True)
    description_es = models.TextField(_("description in Spanish"), blank=True)
    description_en = models.TextField(_("description in English"), blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    reviewed_on = models.DateField(_("last reviewed on"), default=timezone.localdate)
    is_published = models.BooleanField(_("published"), default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["hub_id", "kind", "name", "id"]
        verbose_name = _("care resource")
        verbose_name_plural = _("care resources")
        indexes = [models.Index(fields=["hub", "kind"]), models.Index(fields=["reviewed_on"])]
        constraints = [
            models.CheckConstraint(
                condition=(Q(latitude__isnull=True) & Q(longitude__isnull=True))
                | (Q(latitude__gte=-90) & Q(latitude__lte=90) & Q(longitude__gte=-180) & Q(longitude__lte=180)),
                name="guidance_resource_coordinates",
            ),
            models.CheckConstraint(
                condition=Q(contact_consent_at__isnull=False)
                | (Q(contact_name="") & Q(contact_phone="") & Q(contact_email="")),
                name="guidance_resource_contact_needs_consent",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("guidance:resource", kwargs={"pk": self.pk})

    @property
    def description(self) -> str:
        return localized(self, "description")

    @property
    def description_language(self) -> str:
        return localized_language(self, "description")

    @property
    def language_names(self) -> list[str]:
        return [str(RESOURCE_LANGUAGES.get(code, code)) for code in self.languages or []]

    @property
    def map_url(self) -> str:
        """An OpenStreetMap link centred on the entry; the page links to it and fetches nothing."""
        if self.latitude is None or self.longitude is None:
            return ""
        lat, lon = f"{self.latitude:.6f}", f"{self.longitude:.6f}"
        return f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=18/{lat}/{lon}"

    def is_stale(self, today: date) -> bool:
        """Not reviewed for twelve months or more."""
        return self.reviewed_on <= year_before(today)


# --- attentions -----------------------------------------------------------------------------------------
class Channel(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", _("By phone")
    ONLINE = "online", _("Online")
    OUTREACH = "outreach", _("Outreach")


class AgeBand(models.TextChoices):
    UNDER_30 = "under_30", _("Under 30")
    FROM_30 = "30_49", _("30 to 49")
    FROM_50 = "50_64", _("50 to 64")
    FROM_65 = "65_79", _("65 to 79")
    FROM_80 = "80_plus", _("80 or over")


class Attention(models.Model):
    """One consultation at a hub: someone asked, the desk informed and referred them. Seen by the hub's desk and
    coordinators only (carehub.permissions.can_see_attentions_of); planners get counts, never a row.

    Recorded at the desk (`status=recorded`), or asked online (`channel=online`): it waits for an answer
    (`status=waiting`) until the desk answers (`answered`), and the answer reaches the person through their
    channel (carehub.notifications)."""

    class Status(models.TextChoices):
        RECORDED = "recorded", _("Recorded")
        WAITING = "waiting", _("Waiting for an answer")
        ANSWERED = "answered", _("Answered")

    hub = models.ForeignKey(Hub, on_delete=models.PROTECT, related_name="attentions", verbose_name=_("hub"))
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="attentions",
        verbose_name=_("person"), help_text=_("Empty for an anonymous walk-in."),
    )
    # Anonymous walk-ins: these two facts only, for the figures.
    age_band = models.CharField(_("age band"), max_length=8, choices=AgeBand.choices, blank=True)
    is_caregiver = models.BooleanField(_("cares for someone"), null=True, blank=True)
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    topics = models.ManyToManyField(AttentionTopic, related_name="attentions", verbose_name=_("topics"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RECORDED)
    outcome = models.CharField(_("outcome"), max_length=500, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    question = models.TextField(_("question"), blank=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("answered by"),
    )
    # The secret of the page where someone without an account reads the answer (the SMS links to it; an SMS
    # itself never carries a care detail). Empty until answered, and again after an erasure.
    answer_key = models.CharField(max_length=24, blank=True, db_index=True, editable=False)
    follow_up_on = models.DateField(_("follow up on"), null=True, blank=True)
    follow_up_done_at = models.DateTimeField(_("followed up at"), null=True, blank=True)
    attended_at = models.DateTimeField(_("when"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("recorded by"),
    )
    # Disclosure control (carehub/insights/perturbation.py): a fixed random key, never shown anywhere.
    record_key = models.PositiveIntegerField(default=new_record_key, editable=False)

    history = HistoricalRecords(excluded_fields=["record_key", "answer_key"])

    class Meta:
        ordering = ["-attended_at", "-id"]
        verbose_name = _("attention")
        verbose_name_plural = _("attentions")
        indexes = [
            models.Index(fields=["hub", "attended_at"]),
            models.Index(fields=["hub", "follow_up_on"]),
            models.Index(fields=["hub", "status"]),
            models.Index(fields=["person", "attended_at"]),
        ]
        constraints = [
            # A walk-in's two facts belong to anonymous attentions only: a person's are on their record.
            models.CheckConstraint(
                condition=Q(person__isnull=True) | (Q(age_band="") & Q(is_caregiver__isnull=True)),
                name="guidance_attention_walk_in_facts_only_anonymous",
            ),
            models.CheckConstraint(
                condition=~Q(status="answered") | Q(answered_at__isnull=False),
                name="guidance_attention_answered_has_time",
            ),
            # Someone must be answerable: an online question always has a person (docs/guidance.md).
            models.CheckConstraint(
                condition=~Q(channel="online") | ~Q(status__in=["waiting", "answered"]) | Q(person__isnull=False),
                name="guidance_attention_online_request_has_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} · {timezone.localtime(self.attended_at):%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("guidance:attention", kwargs={"pk": self.pk})

    @property
    def is_anonymous(self) -> bool:
        return self.person_id is None

    @property
    def is_request(self) -> bool:
        return self.status in (self.Status.WAITING, self.Status.ANSWERED)

    def follow_up_due(self, today: date) -> bool:
        return self.follow_up_on is not None and self.follow_up_done_at is None and self.follow_up_on <= today


class Referral(models.Model):
    """Where the desk sent the person: an entry of the directory, or one of the hub's own services."""

    class Kind(models.TextChoices):
        RESOURCE = "resource", _("A resource of the directory")
        ADVICE = "advice", _("Legal and employment advice")
        ACTIVITIES = "activities", _("An activity or support group")
        LENDING = "lending", _("The lending bank")

    attention = models.ForeignKey(Attention, on_delete=models.CASCADE, related_name="referrals",
                                  verbose_name=_("attention"))
    kind = models.CharField(_("referred to"), max_length=12, choices=Kind.choices)
    resource = models.ForeignKey(CareResource, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="referrals", verbose_name=_("resource"))
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["attention_id", "id"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="resource") & Q(resource__isnull=False))
                | (~Q(kind="resource") & Q(resource__isnull=True)),
                name="guidance_referral_resource_iff_kind",
            ),
            models.UniqueConstraint(fields=["attention", "resource"], condition=Q(kind="resource"),
                                    name="guidance_referral_resource_once"),
            models.UniqueConstraint(fields=["attention", "kind"], condition=~Q(kind="resource"),
                                    name="guidance_referral_service_once"),
        ]

    def __str__(self) -> str:
        return self.resource.name if self.resource_id else self.get_kind_display()

    @property
    def label(self) -> str:
        return self.resource.name if self.resource_id else str(self.get_kind_display())


# --- the Carer's Card guide ---------------------------------------------------------------------------
class CarersCardGuide(models.Model):
    """The checklist page on the Carer's Card (Targeta de persona cuidadora): what it is, who can apply and
    which documents to bring. One city-wide text (no hub) that a hub's coordinator may replace for their hub.
    Each document to bring is one line of `documents_*`."""

    hub = models.OneToOneField(Hub, on_delete=models.CASCADE, null=True, blank=True, related_name="carers_card_guide",
                               verbose_name=_("hub"), help_text=_("Empty: the city-wide guide."))
    what_ca = models.TextField(_("what the card is (Catalan)"), blank=True)
    what_es = models.TextField(_("what the card is (Spanish)"), blank=True)
    what_en = models.TextField(_("what the card is (English)"), blank=True)
    who_ca = models.TextField(_("who can apply (Catalan)"), blank=True)
    who_es = models.TextField(_("who can apply (Spanish)"), blank=True)
    who_en = models.TextField(_("who can apply (English)"), blank=True)
    documents_ca = models.TextField(_("documents to bring, one per line (Catalan)"), blank=True)
    documents_es = models.TextField(_("documents to bring, one per line (Spanish)"), blank=True)
    documents_en = models.TextField(_("documents to bring, one per line (English)"), blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Carer's Card guide")
        verbose_name_plural = _("Carer's Card guides")
        constraints = [
            models.UniqueConstraint(fields=["hub"], condition=Q(hub__isnull=True), name="guidance_one_city_guide"),
        ]

    def __str__(self) -> str:
        return self.hub.name if self.hub_id else "city-wide"

    @property
    def what(self) -> str:
        return localized(self, "what")

    @property
    def who(self) -> str:
        return localized(self, "who")

    @property
    def documents(self) -> list[str]:
        return [line.strip(" -•\t") for line in localized(self, "documents").splitlines() if line.strip(" -•\t")]
