"""The guidance API, three routers mounted at the API root (carehub/api.py):

- /api/v1/resources: the directory (public list; coordinators create and change their hub's entries);
- /api/v1/attention-topics: a hub's topics (public: they are the words of the form, not data about anyone);
- /api/v1/attentions: the desk's attentions (staff of that hub only; 404 elsewhere; never planners) and
  `POST /requests`, the online question anyone may ask (rate-limited).

Thin: parse, call a selector or a service; the root's handlers map domain errors to `{"detail", "code"}`.
"""

from datetime import date, datetime
from decimal import Decimal

from axes.helpers import get_client_ip_address
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from pydantic import ConfigDict

from carehub import selectors as core_selectors
from carehub.api_auth import caller, user_for_token
from carehub.permissions import access_for
from carehub.schemas import ErrorOut

from . import errors, selectors, services
from .models import Attention, CareResource

resources_router = Router(tags=["guidance"])
topics_router = Router(tags=["guidance"])
attentions_router = Router(tags=["guidance"])

ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
ID = Field(..., ge=1, le=2**31 - 1)


def _hub(slug: str):
    return core_selectors.hub_by_slug(slug)


class Strict(Schema):
    """Unknown fields are refused (422), so a walk-in's name or phone sent by mistake is never silently kept."""

    model_config = ConfigDict(extra="forbid")


# --- the directory --------------------------------------------------------------------------------------
class ResourcesFilter(Schema):
    hub: str | None = Field(None, max_length=80, description="Slug of a hub")
    kind: str | None = Field(None, max_length=16)
    q: str = Field("", max_length=selectors.MAX_QUERY, description="Words in the name, address or description")


class ResourceRow(Schema):
    id: int
    name: str
    kind: str
    hub: str
    address: str
    languages: list[str]


class ResourceOut(ResourceRow):
    weekly_hours: str
    serves: str
    contact_name: str
    contact_phone: str
    contact_email: str
    website: str
    description_ca: str
    description_es: str
    description_en: str
    latitude: Decimal | None
    longitude: Decimal | None
    map_url: str
    reviewed_on: date
    is_published: bool


def _row(resource: CareResource) -> dict:
    return {"id": resource.pk, "name": resource.name, "kind": resource.kind, "hub": resource.hub.slug,
            "address": resource.address, "languages": list(resource.languages or [])}


def _resource_out(resource: CareResource) -> dict:
    return {**_row(resource), **{name: getattr(resource, name) for name in (
        "weekly_hours", "serves", "contact_name", "contact_phone", "contact_email", "website", "description_ca",
        "description_es", "description_en", "latitude", "longitude", "map_url", "reviewed_on", "is_published")}}


class ResourceIn(Strict):
    hub: str = Field(..., max_length=80)
    name: str = Field(..., max_length=160)
    kind: str = Field(..., max_length=16)
    address: str = Field("", max_length=200)
    weekly_hours: str = Field("", max_length=300)
    languages: list[str] = Field(default_factory=list, max_length=20)
    serves: str = Field("", max_length=300)
    contact_name: str = Field("", max_length=120)
    contact_phone: str = Field("", max_length=32)
    contact_email: str = Field("", max_length=254)
    website: str = Field("", max_length=200)
    contact_consent: bool = Field(False, description="The contact agreed to their details being published")
    description_ca: str = Field("", max_length=4000)
    description_es: str = Field("", max_length=4000)
    description_en: str = Field("", max_length=4000)
    latitude: Decimal | None = Field(None, ge=-90, le=90)
    longitude: Decimal | None = Field(None, ge=-180, le=180)
    is_published: bool = True


class ResourcePatch(Strict):
    name: str | None = Field(None, max_length=160)
    kind: str | None = Field(None, max_length=16)
    address: str | None = Field(None, max_length=200)
    weekly_hours: str | None = Field(None, max_length=300)
    languages: list[str] | None = Field(None, max_length=20)
    serves: str | None = Field(None, max_length=300)
    contact_name: str | None = Field(None, max_length=120)
    contact_phone: str | None = Field(None, max_length=32)
    contact_email: str | None = Field(None, max_length=254)
    website: str | None = Field(None, max_length=200)
    contact_consent: bool | None = None
    description_ca: str | None = Field(None, max_length=4000)
    description_es: str | None = Field(None, max_length=4000)
    description_en: str | None = Field(None, max_length=4000)
    latitude: Decimal | None = Field(None, ge=-90, le=90)
    longitude: Decimal | None = Field(None, ge=-180, le=180)
    is_published: bool | None = None


@resources_router.get("", auth=None, response={200: list[ResourceRow], 404: ErrorOut, 422: ErrorOut})
def list_resources(request, filters: Query[ResourcesFilter]):
    """Published entries of the directory, optionally of one hub and kind, matching every word of `q`."""
    hub = _hub(filters.hub) if filters.hub else None
    if filters.kind and filters.kind not in services.ResourceKind.values:
        raise errors.ValidationFailed(code="kind_invalid")
    return [_row(r) for r in selectors.resources_public(hub=hub, kind=filters.kind, query=filters.q)[:500]]


@resources_router.get("/{int:resource_id}", auth=None, response={200: ResourceOut, **ERRORS})
def get_resource(request, resource_id: int):
    return _resource_out(selectors.resource_public(resource_id))


@resources_router.post("", response={201: ResourceOut, **ERRORS})
def create_resource(request, payload: ResourceIn):
    """Add an entry to a hub's directory (that hub's coordinator). A contact needs `contact_consent: true`."""
    data = payload.dict()
    hub = _hub(data.pop("hub"))
    consent = data.pop("contact_consent")
    resource = services.create_resource(access=caller(request), hub=hub, contact_consent=consent, **data)
    return 201, _resource_out(resource)


@resources_router.patch("/{int:resource_id}", response={200: ResourceOut, **ERRORS})
def patch_resource(request, resource_id: int, payload: ResourcePatch):
    """Change an entry (the coordinator of its hub); only the fields sent. Saving counts as reviewing it."""
    changes = payload.dict(exclude_unset=True)
    consent = changes.pop("contact_consent", None)
    for name in [n for n, v in changes.items() if v is None and n not in ("latitude", "longitude")]:
        changes.pop(name)
    resource = services.update_resource(access=caller(request), resource_id=resource_id, contact_consent=consent,
                                        **changes)
    return _resource_out(resource)


# --- topics ---------------------------------------------------------------------------------------------
class TopicsFilter(Schema):
    hub: str = Field(..., max_length=80)


class TopicOut(Schema):
    id: int
    key: str
    name: str
    name_ca: str
    name_es: str
    name_en: str


@topics_router.get("", auth=None, response={200: list[TopicOut], 404: ErrorOut, 422: ErrorOut})
def list_topics(request, filters: Query[TopicsFilter]):
    """The topics a hub's desk chooses from (in use), in the hub's order; `name` in the caller's language."""
    return [{"id": t.pk, "key": t.key, "name": t.name, "name_ca": t.name_ca, "name_es": t.name_es,
             "name_en": t.name_en} for t in selectors.topics_for(_hub(filters.hub))]


# --- attentions -----------------------------------------------------------------------------------------
class ReferralIn(Strict):
    resource: int | None = Field(None, ge=1, le=2**31 - 1)
    service: str | None = Field(None, max_length=16, description="advice, lending or activities")


class AttentionIn(Strict):
    hub: str = Field(..., max_length=80)
    channel: str = Field(..., max_length=12, description="in_person, phone, online or outreach")
    topics: list[int | str] = Field(..., max_length=50, description="Topic ids or keys of the hub")
    person: int | None = Field(None, ge=1, le=2**31 - 1, description="Empty for an anonymous walk-in")
    age_band: str = Field("", max_length=8, description="Anonymous walk-ins only")
    is_caregiver: bool | None = Field(None, description="Anonymous walk-ins only")
    outcome: str = Field("", max_length=services.OUTCOME_MAX)
    notes: str = Field("", max_length=services.NOTES_MAX)
    referrals: list[ReferralIn] = Field(default_factory=list, max_length=services.REFERRALS_MAX)
    follow_up_on: date | None = None


class IdOut(Schema):
    id: int


class TopicRef(Schema):
    id: int
    key: str
    name: str


class ReferralOut(Schema):
    kind: str
    resource: int | None
    name: str


class AttentionOut(Schema):
    id: int
    hub: str
    person: int | None
    channel: str
    status: str
    attended_at: datetime
    topics: list[TopicRef]
    age_band: str
    is_caregiver: bool | None
    outcome: str
    notes: str
    question: str
    answer: str
    answered_at: datetime | None
    referrals: list[ReferralOut]
    follow_up_on: date | None
    followed_up_at: datetime | None


def _attention_out(a: Attention) -> dict:
    return {
        "id": a.pk, "hub": a.hub.slug, "person": a.person_id, "channel": a.channel, "status": a.status,
        "attended_at": a.attended_at,
        "topics": [{"id": t.pk, "key": t.key, "name": t.name} for t in a.topics.all()],
        "age_band": a.age_band, "is_caregiver": a.is_caregiver, "outcome": a.outcome, "notes": a.notes,
        "question": a.question, "answer": a.answer, "answered_at": a.answered_at,
        "referrals": [{"kind": r.kind, "resource": r.resource_id, "name": r.label} for r in a.referrals.all()],
        "follow_up_on": a.follow_up_on, "followed_up_at": a.follow_up_done_at,
    }


class AttentionsFilter(Schema):
    hub: str | None = Field(None, max_length=80)
    date_from: date | None = None
    date_to: date | None = None
    follow_up_due: bool = Field(False, description="Only those whose follow-up date has come and is not done")
    status: str | None = Field(None, max_length=10, description="recorded, waiting or answered")
    limit: int = Field(100, ge=1, le=500)
    offset: int = Field(0, ge=0, le=10**9)


@attentions_router.post("", response={201: IdOut, **ERRORS})
def create_attention(request, payload: AttentionIn):
    """Record a consultation (the desk or coordinator of `hub`). Without `person` it is an anonymous walk-in:
    only `age_band` and `is_caregiver` are kept; there is no field for a name, phone, email or document."""
    access = caller(request)
    hub = _hub(payload.hub)
    attention = services.record_attention(
        access=access, hub=hub, channel=payload.channel, topics=payload.topics, person_id=payload.person,
        age_band=payload.age_band, is_caregiver=payload.is_caregiver, outcome=payload.outcome,
        notes=payload.notes, referrals=[r.dict(exclude_none=True) for r in payload.referrals],
        follow_up_on=payload.follow_up_on)
    return 201, {"id": attention.pk}


@attentions_router.get("", response={200: list[AttentionOut], **ERRORS})
def list_attentions(request, filters: Query[AttentionsFilter]):
    """Attentions at the caller's hubs (desk and coordinators), newest first."""
    access = caller(request)
    hub = _hub(filters.hub) if filters.hub else None
    if filters.status and filters.status not in Attention.Status.values:
        raise errors.ValidationFailed(code="status_invalid")
    rows = selectors.attentions_at(
        access, hub=hub, date_from=filters.date_from, date_to=filters.date_to,
        follow_up_due=timezone.localdate() if filters.follow_up_due else None, status=filters.status)
    rows = selectors.with_details(rows)[filters.offset:filters.offset + filters.limit]
    return [_attention_out(a) for a in rows]


class RequestIn(Strict):
    hub: str = Field(..., max_length=80)
    question: str = Field(..., max_length=services.QUESTION_MAX)
    contact: str = Field("", max_length=254, description="A phone number (not needed with a caregiver's token)")
    name: str = Field("", max_length=80, description="First name (optional)")
    consent: bool = Field(False, description="Must be true without a token: the hub keeps the phone to answer")


@attentions_router.post("/requests", auth=None, response={201: IdOut, 404: ErrorOut, 422: ErrorOut,
                                                          429: ErrorOut})
def create_request(request, payload: RequestIn):
    """Ask the hub a question (anyone; rate-limited per client address and per phone number). With a caregiver's
    bearer token it is asked as them. The session is not used here (this endpoint has no CSRF check)."""
    header = request.headers.get("Authorization", "")
    user = user_for_token(header[7:].strip()) if header.lower().startswith("bearer ") else None
    access = access_for(user or AnonymousUser())
    attention = services.submit_request(
        access=access, hub=_hub(payload.hub), question=payload.question, contact=payload.contact,
        name=payload.name, consent=payload.consent, client_address=get_client_ip_address(request) or "")
    return 201, {"id": attention.pk}


@attentions_router.get("/{int:attention_id}", response={200: AttentionOut, **ERRORS})
def get_attention(request, attention_id: int):
    return _attention_out(selectors.attention_for(caller(request), attention_id))
