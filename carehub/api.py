"""The API root: /api/v1/. Auth, error mapping, the core endpoints and each app's router."""

from datetime import datetime
from typing import Literal

from axes.exceptions import AxesBackendPermissionDenied
from django.contrib.auth import authenticate, user_logged_in
from django.db import DataError, IntegrityError, OperationalError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Query, Router, Schema
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError
from ninja.pagination import LimitOffsetPagination, paginate

from . import errors, locking, selectors, services
from .api_auth import AUTH, caller
from .schemas import ErrorOut
from .models import ApiToken, Hub, Language, PrivacyRecord

api = NinjaAPI(
    title="carehub API",
    version="1",
    description="Vila Veïna care hubs: lending bank, activities, support groups and advice.",
    auth=AUTH,
    urls_namespace="api",
)


def error_response(request, status: int, detail: str, code: str, **extra):
    return api.create_response(request, {"detail": str(detail), "code": code, **extra}, status=status)


@api.exception_handler(errors.DomainError)
def on_domain_error(request, exc: errors.DomainError):
    body = {"field": exc.field} if exc.field else {}
    return error_response(request, exc.status, exc.message, exc.code, **body)


@api.exception_handler(ValidationError)
def on_validation_error(request, exc: ValidationError):
    first = exc.errors[0] if exc.errors else {}
    where = ".".join(str(part) for part in first.get("loc", ()) if part not in ("body", "payload", "query"))
    message = first.get("msg", "")
    detail = _("Invalid input for %(field)s: %(message)s") % {"field": where, "message": message} if where else message
    return error_response(request, 422, detail or _("Some of the information is not valid."), "invalid",
                          errors=[{"loc": list(map(str, e.get("loc", ()))), "msg": e.get("msg", "")}
                                  for e in exc.errors])


@api.exception_handler(AuthenticationError)
def on_authentication_error(request, exc):
    return error_response(request, 401, _("Please log in or send a valid token."), "not_authenticated")


@api.exception_handler(AuthorizationError)
def on_authorization_error(request, exc):
    return error_response(request, 403, _("You do not have permission to do this."), "permission_denied")


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return error_response(request, 404, _("Not found."), "not_found")


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    code = {400: "bad_request", 403: "permission_denied", 404: "not_found", 405: "method_not_allowed"}.get(
        exc.status_code, "error"
    )
    if exc.status_code == 403 and "CSRF" in str(exc):
        return error_response(request, 403, _("Your session form expired. Reload the page and try again."), "csrf")
    return error_response(request, exc.status_code, str(exc), code)


@api.exception_handler(OverflowError)
@api.exception_handler(DataError)
def on_out_of_range(request, exc):
    """A number too large for the database (an id or an offset of 2**63) is the caller's mistake, not a 500.
    Found by the API fuzz (tests/hardening/test_api_fuzz.py)."""
    return error_response(request, 422, _("A number in the request is out of range."), "out_of_range")


@api.exception_handler(OperationalError)
def on_operational_error(request, exc):
    """A lock timeout or a deadlock the database broke (carehub.locking) is "busy, try again", not a 500."""
    if locking.is_busy_error(exc):
        return on_domain_error(request, errors.Busy())
    raise exc


@api.exception_handler(IntegrityError)
def on_integrity_error(request, exc):
    """SQLite reports a number too large for a column (e.g. `?offset=9223372036854775808`) as an integrity
    error, "datatype mismatch"; PostgreSQL raises DataError (above). Any other integrity error is a real bug."""
    if "datatype mismatch" in str(exc):
        return on_out_of_range(request, exc)
    raise exc


# --- auth -----------------------------------------------------------------------------------------------
class Credentials(Schema):
    username: str = Field(..., max_length=150)
    password: str = Field(..., max_length=4096)


class TokenOut(Schema):
    token: str


@api.post("/auth/token", auth=None, response={200: TokenOut, 401: ErrorOut, 429: ErrorOut}, tags=["auth"])
def issue_token(request, credentials: Credentials):
    """Exchange a username and password for a bearer token (send it as `Authorization: Bearer <token>`)."""
    try:
        user = authenticate(request, username=credentials.username, password=credentials.password)
    except AxesBackendPermissionDenied:
        raise errors.TooManyAttempts()
    if user is None:
        raise errors.NotAuthenticated(_("Wrong user name or password."), code="invalid_credentials")
    # A successful login through the API counts as one: axes resets the failures, last_login is kept.
    user_logged_in.send(sender=user.__class__, request=request, user=user)
    return {"token": ApiToken.issue(user)}


@api.delete("/auth/token", response={204: None, 401: ErrorOut}, tags=["auth"])
def revoke_token(request):
    """Revoke the bearer token this call is made with (log out a program). Other tokens stay."""
    header = request.headers.get("Authorization", "")
    if not header.lower().startswith("bearer "):
        raise errors.ValidationFailed(_("Send the token to revoke as 'Authorization: Bearer <token>'."),
                                      code="token_required")
    ApiToken.objects.filter(key_hash=ApiToken.hash(header[7:].strip()), user=request.auth).delete()
    return 204, None


class RoleOut(Schema):
    role: str
    hub: str | None


class MeOut(Schema):
    username: str
    roles: list[RoleOut]
    person: int | None


@api.get("/me", response=MeOut, tags=["auth"])
def me(request):
    access = caller(request)
    slugs = dict(Hub.objects.filter(pk__in=[h for _, h in access.roles if h]).values_list("pk", "slug"))
    roles = sorted(({"role": role, "hub": slugs.get(hub_id)} for role, hub_id in access.roles),
                   key=lambda r: (r["role"], r["hub"] or ""))
    if access.user.is_superuser and not access.has_role("admin"):
        roles.append({"role": "admin", "hub": None})
    person = access.person
    return {"username": access.user.get_username(), "roles": roles, "person": person.pk if person else None}


# --- hubs -----------------------------------------------------------------------------------------------
class OpeningBlockOut(Schema):
    weekday: int
    opens_at: str
    closes_at: str


class HubOut(Schema):
    slug: str
    name: str
    district: str
    population: int
    address: str
    community_space: str
    phone: str
    email: str
    opening_hours: list[OpeningBlockOut]

    @staticmethod
    def resolve_opening_hours(hub):
        return [
            {"weekday": b.weekday, "opens_at": b.opens_at.strftime("%H:%M"), "closes_at": b.closes_at.strftime("%H:%M")}
            for b in hub.opening_blocks.all()
        ]


hubs_router = Router(tags=["hubs"])


@hubs_router.get("", auth=None, response=list[HubOut])
def list_hubs(request, district: str | None = None):
    hubs = selectors.hubs_public()
    if district:
        hubs = hubs.filter(district=district)
    return hubs


@hubs_router.get("/{slug}", auth=None, response={200: HubOut, 404: ErrorOut})
def get_hub(request, slug: str):
    return selectors.hub_by_slug(slug)


# --- people ---------------------------------------------------------------------------------------------
class PersonOut(Schema):
    id: int
    first_name: str
    last_name: str
    phone: str = Field(..., description="E.164 (+34612345678); as typed only for an old number that does not parse")
    phone_valid: bool
    email: str
    notify_by: str = Field(..., description="How the hub tells them about their plans: email, sms or call")
    preferred_language: str
    hub: str = Field(..., alias="home_hub.slug")
    document_number: str
    birth_year: int | None
    consent_given_at: datetime | None
    has_account: bool

    @staticmethod
    def resolve_has_account(person):
        return person.user_id is not None


class PersonIn(Schema):
    first_name: str = Field(..., min_length=1, max_length=80)
    last_name: str = Field("", max_length=120)
    hub: str = Field(..., max_length=80, description="Slug of the person's home hub")
    phone: str = Field("", max_length=32, description="A Spanish number as typed (612 345 678) or +<country>…; "
                                                      "refused with 422 phone_invalid when it does not parse")
    email: str = Field("", max_length=254)
    notify_by: Literal["email", "sms", "call", ""] = Field(
        "", description="email, sms (needs a mobile), call (the desk's call list); empty: derived from the "
                        "contact data (email, else a mobile, else call)")
    preferred_language: Language = Language.CATALAN
    document_number: str = Field("", max_length=32)
    birth_year: int | None = Field(None, ge=0, le=9999, description="Optional; tells namesakes apart")
    consent: bool = Field(..., description="The person consents to their data being processed")


people_router = Router(tags=["people"])


class PeopleFilter(Schema):
    hub: str | None = Field(None, max_length=80)
    search: str | None = Field(None, max_length=100)


@people_router.get("", response={200: list[PersonOut], 401: ErrorOut, 403: ErrorOut})
@paginate(LimitOffsetPagination)
def list_people(request, filters: Query[PeopleFilter]):
    """People of the caller's hubs (front desk, coordinators, administrators)."""
    access = caller(request)
    hub = selectors.hub_by_slug(filters.hub) if filters.hub else None
    return selectors.search_people(access, query=filters.search or "", hub=hub)


@people_router.post("", response={201: PersonOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut})
def create_person(request, payload: PersonIn):
    access = caller(request)
    hub = selectors.hub_by_slug(payload.hub)
    person = services.register_person(
        access=access,
        hub=hub,
        first_name=payload.first_name,
        last_name=payload.last_name,
        phone=payload.phone,
        email=payload.email,
        notify_by=payload.notify_by,
        preferred_language=payload.preferred_language,
        document_number=payload.document_number,
        birth_year=payload.birth_year,
        consent=payload.consent,
    )
    return 201, person


@people_router.get("/{int:person_id}", response={200: PersonOut, 401: ErrorOut, 404: ErrorOut})
def get_person(request, person_id: int):
    return selectors.person_for(caller(request), person_id)


class PersonPatch(Schema):
    """Only the fields sent change. `birth_year: null` clears the year."""

    first_name: str | None = Field(None, min_length=1, max_length=80)
    last_name: str | None = Field(None, max_length=120)
    phone: str | None = Field(None, max_length=32, description="As typed; refused with 422 phone_invalid")
    email: str | None = Field(None, max_length=254, description="Typed by the desk: counts as confirmed")
    notify_by: Literal["email", "sms", "call", ""] | None = None
    preferred_language: Language | None = None
    document_number: str | None = Field(None, max_length=32)
    birth_year: int | None = Field(None, ge=0, le=9999)
    hub: str | None = Field(None, max_length=80, description="Slug of a new home hub (the desk of both hubs)")


@people_router.patch("/{int:person_id}",
                     response={200: PersonOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut,
                               422: ErrorOut})
def update_person(request, person_id: int, payload: PersonPatch):
    """Correct or update a person's details (the desk and coordinators of the person's hub). Every change is
    in the person's history with who made it."""
    changes = payload.dict(exclude_unset=True)
    hub_slug = changes.pop("hub", None)
    hub = selectors.hub_by_slug(hub_slug) if hub_slug else None
    return services.update_person(access=caller(request), person_id=person_id, hub=hub, **changes)


class DuplicatesFilter(Schema):
    first_name: str = Field("", max_length=80)
    last_name: str = Field("", max_length=120)
    phone: str = Field("", max_length=32)
    document: str = Field("", max_length=32)
    birth_year: int | None = Field(None, ge=0, le=9999)


class DuplicateOut(PersonOut):
    reasons: list[str]

    @staticmethod
    def resolve_reasons(person):
        return [str(reason) for reason in person.reasons]


@people_router.get("/duplicates", response={200: list[DuplicateOut], 401: ErrorOut, 403: ErrorOut})
def person_duplicates(request, filters: Query[DuplicatesFilter]):
    """People of the caller's hubs who are probably the person about to be registered (the same document or
    phone, or the same name and year of birth), strongest match first. Ask before `POST /people`."""
    return selectors.likely_duplicates(
        caller(request), first_name=filters.first_name, last_name=filters.last_name, phone=filters.phone,
        document_number=filters.document, birth_year=filters.birth_year)


class MergeIn(Schema):
    into: int = Field(..., description="The person to keep; the one in the path becomes a pointer to it")


@people_router.post("/{int:person_id}/merge",
                    response={200: PersonOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut,
                              422: ErrorOut})
def merge_person(request, person_id: int, payload: MergeIn):
    """Merge a duplicate into the person kept (a coordinator of both hubs): loans, holds, bookings,
    appointments, group memberships and messages move; 409 with the reason when that would break a rule."""
    return services.merge_people(access=caller(request), duplicate_id=person_id, kept_id=payload.into)



# --- privacy: export and erasure of a person's data (coordinators of the person's hub, administrators) ---
class ErasureIn(Schema):
    reason: PrivacyRecord.Reason = Field(..., description="The ground for the erasure")
    confirm: bool = Field(..., description="Must be true: an erasure cannot be undone")


class ErasureOut(Schema):
    person: int
    erased_at: datetime
    erased_by: str


@people_router.get("/{int:person_id}/export",
                   response={200: dict, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut})
def export_person_data(request, person_id: int, reason: PrivacyRecord.Reason = PrivacyRecord.Reason.PERSON_REQUEST):
    """Everything held about a person, from every app, as JSON. Each export is recorded (who, when, why)."""
    from . import privacy

    return privacy.export_person(access=caller(request), person_id=person_id, reason=reason)


@people_router.post("/{int:person_id}/erase",
                    response={200: ErasureOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut,
                              422: ErrorOut})
def erase_person_data(request, person_id: int, payload: ErasureIn):
    """Erase a person's personal data everywhere, keeping what aggregates need. Cannot be undone."""
    from . import privacy

    if not payload.confirm:
        raise errors.ValidationFailed(_("Confirm that you want to erase this person's data."),
                                      code="confirmation_required", field="confirm")
    access = caller(request)
    record = privacy.erase_person(access=access, person_id=person_id, reason=payload.reason)
    return {"person": person_id, "erased_at": record.done_at, "erased_by": access.user.get_username()}


api.add_router("/hubs", hubs_router)
api.add_router("/people", people_router)
api.add_router("/lending", "lending.api.router")
api.add_router("/activities", "activities.api.router")
api.add_router("/advice", "advice.api.router")
api.add_router("", "news.api.router")  # /hubs/{slug}/news and /news/subscription
api.add_router("/resources", "guidance.api.resources_router")
api.add_router("/attention-topics", "guidance.api.topics_router")
api.add_router("/attentions", "guidance.api.attentions_router")
api.add_router("/insights", "carehub.insights.api.router")
api.add_router("/me/profile", "carehub.accounts.api.router")
