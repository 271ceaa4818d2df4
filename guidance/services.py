"""Every write in guidance. One function = one business operation = one transaction.

Locks (carehub.locking only): answering an online question locks the attention row, so two desk users who
press "Send the answer" at once send one answer. Nothing else here needs a lock: recording an attention adds
rows; directory edits are last-writer-wins with history.

The answer to an online question is written as a message with `carehub.notifications.notify` inside the
transaction; the worker delivers it after commit. Nothing here sends mail.

Every audited write names its actor (`_history_user`), also when called outside a request.
"""

import re
import secrets
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from carehub import permissions
from carehub import selectors as core_selectors
from carehub.accounts import ratelimit
from carehub.locking import lock_row
from carehub.models import Hub, Language, Person
from carehub.notifications import notify, phones
from carehub.permissions import Access

from . import errors, selectors
from .defaults import DEFAULT_TOPICS
from .models import (
    RESOURCE_LANGUAGES,
    AgeBand,
    Attention,
    AttentionTopic,
    CareResource,
    CarersCardGuide,
    Channel,
    Referral,
    ResourceKind,
)

OUTCOME_MAX = 500
NOTES_MAX = 5000
QUESTION_MAX = 2000
ANSWER_MAX = 2000
FOLLOW_UP_MAX_DAYS = 366
REFERRALS_MAX = 20
# Online questions: per client address and per phone number, sliding windows (carehub.accounts.ratelimit).
REQUESTS_PER_ADDRESS_PER_HOUR = 5
REQUESTS_PER_PHONE_PER_DAY = 3
SERVICES = (Referral.Kind.ADVICE, Referral.Kind.ACTIVITIES, Referral.Kind.LENDING)


def _actor(user):
    return user if getattr(user, "is_authenticated", False) else None


def _save(instance, user, reason: str = "") -> None:
    instance._history_user = _actor(user)
    if reason:
        instance._change_reason = reason
    instance.save()


def _text(value, *, limit: int, field: str, required_code: str | None = None) -> str:
    value = (value or "").strip()
    if required_code and not value:
        raise errors.ValidationFailed(_("This field is required."), code=required_code, field=field)
    if len(value) > limit:
        raise errors.ValidationFailed(_("Keep it under %(n)d characters.") % {"n": limit},
                                      code=f"{field}_too_long", field=field)
    return value


# --- topics ---------------------------------------------------------------------------------------------
def seed_default_topics(hub: Hub) -> list[AttentionTopic]:
    """Give a hub the default topics it does not have yet (by key). Called when a hub is created."""
    have = set(AttentionTopic.objects.filter(hub=hub).values_list("key", flat=True))
    rows = [AttentionTopic(hub=hub, key=key, name_ca=ca, name_es=es, name_en=en, position=(index + 1) * 10)
            for index, (key, ca, es, en) in enumerate(DEFAULT_TOPICS) if key not in have]
    return bulk_create_with_history(rows, AttentionTopic) if rows else []


def _topic_names(name_ca, name_es, name_en) -> dict:
    names = {"name_ca": _text(name_ca, limit=80, field="name_ca", required_code="name_required"),
             "name_es": _text(name_es, limit=80, field="name_es"),
             "name_en": _text(name_en, limit=80, field="name_en")}
    return names


@transaction.atomic
def create_topic(*, access: Access, hub: Hub, name_ca: str, name_es: str = "", name_en: str = "") -> AttentionTopic:
    if not permissions.can_edit_directory_of(access, hub.pk):
        raise errors.PermissionDenied(_("Only the hub's coordinator keeps its list of topics."),
                                      code="topics_forbidden")
    names = _topic_names(name_ca, name_es, name_en)
    base = (slugify(names["name_ca"]).replace("-", "_") or "topic")[:34]
    taken = set(AttentionTopic.objects.filter(hub=hub, key__startswith=base).values_list("key", flat=True))
    key, n = base, 2
    while key in taken:
        key, n = f"{base}_{n}", n + 1
    last = AttentionTopic.objects.filter(hub=hub).order_by("-position").values_list("position", flat=True).first()
    topic = AttentionTopic(hub=hub, key=key, position=min((last or 0) + 10, 32000), **names)
    _save(topic, access.user)
    return topic


@transaction.atomic
def update_topic(*, access: Access, topic_id: int, name_ca: str, name_es: str = "", name_en: str = "",
                 is_active: bool = True, position: int | None = None) -> AttentionTopic:
    topic = AttentionTopic.objects.filter(pk=topic_id).first()
    if topic is None or not permissions.can_edit_directory_of(access, topic.hub_id):
        raise errors.NotFound(_("No such topic at your hubs."), code="topic_not_found")
    for name, value in _topic_names(name_ca, name_es, name_en).items():
        setattr(topic, name, value)
    topic.is_active = bool(is_active)
    if position is not None:
        topic.position = max(0, min(int(position), 32000))
    _save(topic, access.user)
    return topic


# --- attentions -----------------------------------------------------------------------------------------
def _clean_topics(hub: Hub, topics) -> list[AttentionTopic]:
    """Topics by id or by key, of this hub and in use; at least one."""
    topics = list(topics or [])
    if not topics:
        raise errors.ValidationFailed(_("Choose at least one topic."), code="topics_required", field="topics")
    if len(topics) > 50:
        raise errors.TopicInvalid(field="topics")
    ids = {t for t in topics if isinstance(t, int) and not isinstance(t, bool)}
    keys = {t for t in topics if isinstance(t, str)}
    if len(ids) + len(keys) != len(set(topics)):
        raise errors.TopicInvalid(field="topics")
    found = list(selectors.topics_for(hub).filter(pk__in=[i for i in ids if 0 < i < 2**31])) + \
        list(selectors.topics_for(hub).filter(key__in=keys))
    unique = {topic.pk: topic for topic in found}
    if len(found) != len(ids) + len(keys) or len(unique) != len(found):
        raise errors.TopicInvalid(field="topics")
    return list(unique.values())


def _clean_referrals(referrals) -> list[tuple[str, CareResource | None]]:
    """[{"resource": id} | {"service": "advice"|"lending"|"activities"}] → [(kind, resource)]."""
    referrals = list(referrals or [])
    if len(referrals) > REFERRALS_MAX:
        raise errors.ValidationFailed(_("Too many referrals for one attention."), code="referrals_invalid",
                                      field="referrals")
    cleaned, seen = [], set()
    for referral in referrals:
        resource_id = referral.get("resource") if isinstance(referral, dict) else None
        service = referral.get("service") if isinstance(referral, dict) else None
        if (resource_id is None) == (service is None):
            raise errors.ValidationFailed(
                _("Refer either to a resource of the directory or to one of the hub's services."),
                code="referral_invalid", field="referrals")
        if resource_id is not None:
            if not isinstance(resource_id, int) or isinstance(resource_id, bool) or not 0 < resource_id < 2**31:
                raise errors.ResourceNotFound(field="referrals")
            resource = selectors.resource_public(resource_id)
            key = ("resource", resource.pk)
            entry = (Referral.Kind.RESOURCE, resource)
        else:
            if service not in SERVICES:
                raise errors.ValidationFailed(_("Refer to advice, activities or the lending bank."),
                                              code="referral_service_invalid", field="referrals")
            key = ("service", service)
            entry = (service, None)
        if key not in seen:
            seen.add(key)
            cleaned.append(entry)
    return cleaned


def _clean_follow_up(value: date | None) -> date | None:
    if value is None:
        return None
    today = timezone.localdate()
    if not today <= value <= today + timedelta(days=FOLLOW_UP_MAX_DAYS):
        raise errors.ValidationFailed(_("Choose a follow-up date from today to a year ahead."),
                                      code="follow_up_invalid", field="follow_up_on")
    return value


def _add_referrals(attention: Attention, referrals, user) -> list[Referral]:
    existing = {(r.kind, r.resource_id) for r in Referral.objects.filter(attention=attention)}
    rows = [Referral(attention=attention, kind=kind, resource=resource, created_by=_actor(user))
            for kind, resource in referrals if (kind, resource.pk if resource else None) not in existing]
    if rows:
        bulk_create_with_history(rows, Referral, default_user=_actor(user))
    return rows


@transaction.atomic
def record_attention(*, access: Access, hub: Hub, channel: str, topics, person_id: int | None = None,
                     age_band: str = "", is_caregiver: bool | None = None, outcome: str = "", notes: str = "",
                     referrals=(), follow_up_on: date | None = None) -> Attention:
    """The desk records a consultation at `hub`: for a person of the caller's hubs, or an anonymous walk-in (of
    whom only the age band and whether they care for someone are kept; nothing that names them)."""
    if not permissions.can_record_attention_at(access, hub.pk):
        raise errors.PermissionDenied(_("You cannot record attentions at this hub."), code="hub_forbidden",
                                      field="hub")
    if channel not in Channel.values:
        raise errors.ValidationFailed(_("Choose in person, by phone, online or outreach."), code="channel_invalid",
                                      field="channel")
    person = core_selectors.person_for(access, person_id) if person_id is not None else None
    if person is not None:
        age_band, is_caregiver = "", None  # on the person's record already
    elif age_band and age_band not in AgeBand.values:
        raise errors.ValidationFailed(_("Choose an age band from the list."), code="age_band_invalid",
                                      field="age_band")
    chosen = _clean_topics(hub, topics)
    outcome = _text(outcome, limit=OUTCOME_MAX, field="outcome")
    notes = _text(notes, limit=NOTES_MAX, field="notes")
    cleaned = _clean_referrals(referrals)
    follow_up_on = _clean_follow_up(follow_up_on)
    attention = Attention(hub=hub, person=person, age_band=age_band or "", is_caregiver=is_caregiver,
                          channel=channel, outcome=outcome, notes=notes, follow_up_on=follow_up_on,
                          recorded_by=_actor(access.user))
    _save(attention, access.user)
    attention.topics.set(chosen)
    _add_referrals(attention, cleaned, access.user)
    return attention


def _locked(access: Access, attention_id: int) -> Attention:
    """The attention under a row lock, if the caller may see it (else 404): the scope is part of the query."""
    attention = lock_row(selectors.attentions_visible_to(access).filter(pk=attention_id))
    if attention is None or not permissions.can_record_attention_at(access, attention.hub_id):
        raise errors.AttentionNotFound()
    return attention


UNSET = object()


@transaction.atomic
def update_attention(*, access: Access, attention_id: int, outcome=UNSET, notes=UNSET, follow_up_on=UNSET,
                     topics=UNSET) -> Attention:
    """The desk completes or corrects an attention: outcome, notes, follow-up date, topics."""
    attention = _locked(access, attention_id)
    if outcome is not UNSET:
        attention.outcome = _text(outcome, limit=OUTCOME_MAX, field="outcome")
    if notes is not UNSET:
        attention.notes = _text(notes, limit=NOTES_MAX, field="notes")
    if follow_up_on is not UNSET:
        if follow_up_on != attention.follow_up_on:
            attention.follow_up_on = _clean_follow_up(follow_up_on)
            attention.follow_up_done_at = None
    chosen = _clean_topics(attention.hub, topics) if topics is not UNSET else None
    _save(attention, access.user)
    if chosen is not None:
        attention.topics.set(chosen)
    return attention


@transaction.atomic
def complete_follow_up(*, access: Access, attention_id: int) -> Attention:
    attention = _locked(access, attention_id)
    if attention.follow_up_on is None:
        raise errors.Conflict(_("This attention has no follow-up to do."), code="no_follow_up")
    if attention.follow_up_done_at is None:
        attention.follow_up_done_at = timezone.now()
        _save(attention, access.user, "followed up")
    return attention


@transaction.atomic
def add_referral(*, access: Access, attention_id: int, resource_id: int | None = None,
                 service: str | None = None) -> Attention:
    """One click on the attention page: refer to an entry of the directory or a service (once each)."""
    attention = _locked(access, attention_id)
    entry = {"resource": resource_id} if resource_id is not None else {"service": service}
    _add_referrals(attention, _clean_referrals([entry]), access.user)
    return attention


# --- online questions -----------------------------------------------------------------------------------
def _requester_language() -> str:
    language = (translation.get_language() or "ca")[:2]
    return language if language in Language.values else Language.CATALAN


@transaction.atomic
def submit_request(*, access: Access, hub: Hub, question: str, contact: str = "", name: str = "",
                   consent: bool = False, client_address: str = "") -> Attention:
    """Someone asks the hub a question online. It becomes an attention (channel online) waiting for an answer.

    A caregiver logged in asks as themselves: the answer goes through their channel and shows on their
    questions page. Anyone else leaves a phone number and consents to the hub keeping it (and their first
    name, if they give it) to answer: a minimal person record is created at the hub, and the answer reaches
    them by SMS (a mobile) or the desk calls them (a landline). An email address alone is refused: carehub
    writes nothing but its confirmation link to an address nobody has confirmed (docs/guidance.md)."""
    if not hub.is_active:
        raise errors.NotFound(code="hub_not_found", field="hub")
    question = _text(question, limit=QUESTION_MAX, field="question", required_code="question_required")
    person = access.person
    phone = ""
    if person is None:
        contact = (contact or "").strip()
        if not contact:
            raise errors.ValidationFailed(_("Leave a phone number so the hub can answer you."),
                                          code="contact_required", field="contact")
        if "@" in contact:
            raise errors.ValidationFailed(
                _("Leave a phone number: the answer comes by SMS or a call. To get it by email, log in or "
                  "create an account."), code="contact_phone_required", field="contact")
        if phones.parse(contact[:32]) is None:
            raise errors.ValidationFailed(_("Enter a valid phone number, for example 612 345 678."),
                                          code="contact_invalid", field="contact")
        phone, _valid = phones.normalise(contact[:32])
        if not consent:
            raise errors.ValidationFailed(
                _("Agree to the hub keeping your phone number to answer you."), code="consent_required",
                field="consent")
        name = _text(name, limit=80, field="name")
    if not ratelimit.allow("guidance_request", client_address or "-", limit=REQUESTS_PER_ADDRESS_PER_HOUR,
                           window=timedelta(hours=1)):
        raise errors.RequestRateLimited()
    if phone and not ratelimit.allow("guidance_request_phone", phone, limit=REQUESTS_PER_PHONE_PER_DAY,
                                     window=timedelta(days=1)):
        raise errors.RequestRateLimited()
    if person is None:
        # Never matched to an existing record by the number: a stranger must not attach a question to
        # someone else's record. The desk merges a real duplicate with the usual tools.
        person = Person(home_hub=hub, first_name=name or _("Neighbour"), phone=phone,
                        preferred_language=_requester_language(), consent_given_at=timezone.now())
        _save(person, None, "asked a question online")
    attention = Attention(hub=hub, person=person, channel=Channel.ONLINE, status=Attention.Status.WAITING,
                          question=question, recorded_by=_actor(access.user))
    _save(attention, access.user, "asked online")
    return attention


@transaction.atomic
def answer_request(*, access: Access, attention_id: int, answer: str, topics=UNSET,
                   outcome: str | None = None) -> Attention:
    """The desk answers an online question. The answer is written to the person as a message on their
    channel (email, SMS, or the hub's call list); a caregiver with an account also reads it on their page."""
    attention = _locked(access, attention_id)
    if attention.status != Attention.Status.WAITING:
        raise errors.AlreadyAnswered()
    answer = _text(answer, limit=ANSWER_MAX, field="answer", required_code="answer_required")
    chosen = _clean_topics(attention.hub, topics) if topics is not UNSET else None
    attention.answer = answer
    attention.answer_key = secrets.token_urlsafe(12)
    attention.status = Attention.Status.ANSWERED
    attention.answered_at = timezone.now()
    attention.answered_by = _actor(access.user)
    if outcome is not None:
        attention.outcome = _text(outcome, limit=OUTCOME_MAX, field="outcome")
    _save(attention, access.user, "answered")
    if chosen is not None:
        attention.topics.set(chosen)
    person = attention.person
    # Someone with an account reads it on their questions page; anyone else on the answer's own page, whose
    # address only the message they get carries (docs/guidance.md).
    link = settings.SITE_URL + (reverse("guidance:mine") if person.user_id else
                                reverse("guidance:answer", kwargs={"key": attention.answer_key}))
    notify(person, kind="guidance_answer", hub=attention.hub, related=attention,
           context={"answer": answer, "link": link})
    return attention


# --- the directory --------------------------------------------------------------------------------------
RESOURCE_FIELDS = ("name", "kind", "address", "weekly_hours", "languages", "serves", "contact_name",
                   "contact_phone", "contact_email", "website", "description_ca", "description_es",
                   "description_en", "latitude", "longitude", "is_published")
_LIMITS = {"name": 160, "address": 200, "weekly_hours": 300, "serves": 300, "contact_name": 120,
           "contact_phone": 32, "contact_email": 254, "website": 200, "description_ca": 4000,
           "description_es": 4000, "description_en": 4000}
_LANGUAGE_CODE = re.compile(r"^[a-z]{2}$")


def _coordinate(value, *, field: str, bound: int) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal("0.000001"))
    except (InvalidOperation, ValueError):
        number = None
    if number is None or not number.is_finite() or not -bound <= number <= bound:
        raise errors.ValidationFailed(_("Enter the coordinates as decimal degrees, e.g. 41.3784 and 2.1634."),
                                      code="coordinates_invalid", field=field)
    return number


def _clean_resource(values: dict) -> dict:
    cleaned = {}
    for name, limit in _LIMITS.items():
        cleaned[name] = _text(values.get(name), limit=limit, field=name,
                              required_code="name_required" if name == "name" else None)
    if values.get("kind") not in ResourceKind.values:
        raise errors.ValidationFailed(_("Choose the kind of resource."), code="kind_invalid", field="kind")
    cleaned["kind"] = values["kind"]
    languages = values.get("languages") or []
    if isinstance(languages, str):
        languages = [code.strip() for code in languages.split(",") if code.strip()]
    if not isinstance(languages, (list, tuple)) or any(
            not isinstance(code, str) or code not in RESOURCE_LANGUAGES for code in languages):
        raise errors.ValidationFailed(_("Choose languages from the list."), code="languages_invalid",
                                      field="languages")
    cleaned["languages"] = sorted(set(languages), key=list(RESOURCE_LANGUAGES).index)
    if cleaned["contact_phone"] and phones.parse(cleaned["contact_phone"]) is None:
        raise errors.ValidationFailed(_("Enter a valid phone number, for example 612 345 678."),
                                      code="contact_phone_invalid", field="contact_phone")
    if cleaned["contact_email"]:
        try:
            validate_email(cleaned["contact_email"])
        except ValidationError:
            raise errors.ValidationFailed(_("Enter a valid email address."), code="contact_email_invalid",
                                          field="contact_email")
    if cleaned["website"]:
        try:
            URLValidator(schemes=["http", "https"])(cleaned["website"])
        except ValidationError:
            raise errors.ValidationFailed(_("Enter a web address that starts with https://."),
                                          code="website_invalid", field="website")
    cleaned["latitude"] = _coordinate(values.get("latitude"), field="latitude", bound=90)
    cleaned["longitude"] = _coordinate(values.get("longitude"), field="longitude", bound=180)
    if (cleaned["latitude"] is None) != (cleaned["longitude"] is None):
        raise errors.ValidationFailed(_("Give both the latitude and the longitude, or neither."),
                                      code="coordinates_incomplete", field="longitude")
    cleaned["is_published"] = bool(values.get("is_published", True))
    return cleaned


def _apply_contact_consent(resource: CareResource, consent: bool, user) -> None:
    """A contact is published only with their consent; who recorded it and when is kept."""
    has_contact = bool(resource.contact_name or resource.contact_phone or resource.contact_email)
    if not has_contact:
        resource.contact_consent_at, resource.contact_consent_by = None, None
        return
    if not consent:
        raise errors.ValidationFailed(
            _("Tick that the contact agreed to publish their details, or leave the contact empty."),
            code="contact_consent_required", field="contact_consent")
    if resource.contact_consent_at is None:
        resource.contact_consent_at, resource.contact_consent_by = timezone.now(), _actor(user)


@transaction.atomic
def create_resource(*, access: Access, hub: Hub, contact_consent: bool = False, **values) -> CareResource:
    if not permissions.can_edit_directory_of(access, hub.pk):
        raise errors.PermissionDenied(_("Only the hub's coordinator edits its directory."),
                                      code="directory_forbidden", field="hub")
    unknown = set(values) - set(RESOURCE_FIELDS)
    if unknown:
        raise errors.ValidationFailed(_("These details cannot be set here."), code="field_not_editable",
                                      field=sorted(unknown)[0])
    resource = CareResource(hub=hub, reviewed_on=timezone.localdate(), **_clean_resource(values))
    _apply_contact_consent(resource, contact_consent, access.user)
    _save(resource, access.user)
    return resource


@transaction.atomic
def update_resource(*, access: Access, resource_id: int, contact_consent: bool | None = None,
                    **changes) -> CareResource:
    """Change an entry (only the fields given). Saving it counts as reviewing it today."""
    resource = selectors.resources_editable_by(access).filter(pk=resource_id).first()
    if resource is None:
        raise errors.ResourceNotFound()
    unknown = set(changes) - set(RESOURCE_FIELDS)
    if unknown:
        raise errors.ValidationFailed(_("These details cannot be set here."), code="field_not_editable",
                                      field=sorted(unknown)[0])
    values = {name: getattr(resource, name) for name in RESOURCE_FIELDS}
    values.update(changes)
    for name, value in _clean_resource(values).items():
        setattr(resource, name, value)
    consent = resource.contact_consent_at is not None if contact_consent is None else contact_consent
    _apply_contact_consent(resource, consent, access.user)
    resource.reviewed_on = timezone.localdate()
    _save(resource, access.user)
    return resource


@transaction.atomic
def mark_reviewed(*, access: Access, resource_id: int) -> CareResource:
    """The coordinator checked the entry and it is still right."""
    resource = selectors.resources_editable_by(access).filter(pk=resource_id).first()
    if resource is None:
        raise errors.ResourceNotFound()
    resource.reviewed_on = timezone.localdate()
    _save(resource, access.user, "reviewed")
    return resource


# --- the Carer's Card guide ---------------------------------------------------------------------------
GUIDE_FIELDS = tuple(f"{part}_{code}" for part in ("what", "who", "documents") for code in ("ca", "es", "en"))


@transaction.atomic
def save_carers_card_guide(*, access: Access, hub: Hub | None, **texts) -> CarersCardGuide:
    """Write the hub's guide (its coordinator) or the city-wide one (administrators)."""
    allowed = (permissions.can_edit_directory_of(access, hub.pk) if hub is not None
               else permissions.can_edit_city_carers_card_guide(access))
    if not allowed:
        raise errors.PermissionDenied(_("You cannot edit this guide."), code="guide_forbidden")
    unknown = set(texts) - set(GUIDE_FIELDS)
    if unknown:
        raise errors.ValidationFailed(_("These details cannot be set here."), code="field_not_editable",
                                      field=sorted(unknown)[0])
    guide = (CarersCardGuide.objects.filter(hub=hub).first() if hub is not None
             else CarersCardGuide.objects.filter(hub__isnull=True).first()) or CarersCardGuide(hub=hub)
    for name in GUIDE_FIELDS:
        if name in texts:
            setattr(guide, name, _text(texts[name], limit=6000, field=name))
    guide.updated_at, guide.updated_by = timezone.now(), _actor(access.user)
    try:
        with transaction.atomic():
            _save(guide, access.user)
    except IntegrityError as exc:  # two first saves at once: the other one won; save over it
        raise errors.Busy() from exc
    return guide
