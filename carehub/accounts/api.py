"""The caregiver's own profile over the API: /api/v1/me/profile (GET, PATCH)."""

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from carehub import errors
from carehub.api_auth import caller
from carehub.schemas import ErrorOut

from . import services

router = Router(tags=["auth"])


class ProfileOut(Schema):
    first_name: str
    last_name: str
    phone: str = Field(..., description="E.164 (+34612345678)")
    email: str
    email_verified: bool = Field(..., description="False until the link sent to the address is opened; "
                                                  "meanwhile nothing but that link goes to it")
    notify_by: str = Field(..., description="email, sms or call")
    preferred_language: str
    hub: str = Field(..., alias="home_hub.slug")

    @staticmethod
    def resolve_email_verified(person):
        return bool(person.email) and person.email_verified_at is not None


class ProfileIn(Schema):
    """Only the fields sent change. Checked by the same rules as at the desk; refusals are 422 (or 409 for an
    address or phone already registered to someone else) with `field`."""

    phone: str | None = Field(None, description="A Spanish number as typed (612 345 678) or +<country>…")
    email: str | None = Field(None, description="A new address is confirmed by a link sent to it")
    notify_by: str | None = Field(None, description="email, sms (needs a mobile) or call")
    preferred_language: str | None = Field(None, description="ca, es or en")


def _own_person(access):
    if access.person is None:
        raise errors.NotFound(_("This account has no contact details: it is a staff account."), code="no_person")
    return access.person


@router.get("", response={200: ProfileOut, 401: ErrorOut, 404: ErrorOut})
def get_profile(request):
    """The caller's own contact details, language and channel (a caregiver's account)."""
    return _own_person(caller(request))


@router.patch("", response={200: ProfileOut, 401: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut,
                            429: ErrorOut})
def patch_profile(request, payload: ProfileIn):
    access = caller(request)
    _own_person(access)
    return services.update_own_profile(access=access, **payload.dict(exclude_unset=True))
