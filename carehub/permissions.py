"""Who may see or do what, by role and hub. Every selector and service asks this module.

The rules (docs/roles.md explains them for people):
- front desk and coordinators see and register the people of their own hubs;
- advisors and facilitators see people only through their own appointments and groups
  (those apps scope that with the helpers below);
- planners see aggregates only, never a person;
- administrators see everything;
- a caregiver with an online account sees their own person record.
"""

from dataclasses import dataclass, field
from functools import cached_property

from django.contrib.auth.models import AnonymousUser

from . import errors
from .models import CITY_ROLES, Hub, Role, StaffRole


@dataclass(frozen=True)
class Access:
    """What one user is, loaded once per request: roles by hub and the person they are."""

    user: object
    roles: frozenset = field(default_factory=frozenset)  # {(role, hub_id or None)}

    @property
    def is_authenticated(self) -> bool:
        return bool(getattr(self.user, "is_authenticated", False))

    @property
    def is_admin(self) -> bool:
        return bool(getattr(self.user, "is_superuser", False)) or (Role.ADMIN, None) in self.roles

    @property
    def is_planner(self) -> bool:
        return (Role.PLANNER, None) in self.roles

    def hubs_with(self, *roles: str) -> frozenset:
        """Ids of the hubs where the user holds any of `roles`."""
        return frozenset(hub_id for role, hub_id in self.roles if role in roles and hub_id is not None)

    def has_role(self, role: str, hub_id: int | None = None) -> bool:
        if hub_id is None:
            return any(r == role for r, _ in self.roles)
        return (role, hub_id) in self.roles

    @cached_property
    def person(self):
        """The Person linked to this user's online account, if any."""
        if not self.is_authenticated:
            return None
        from .models import Person

        return Person.objects.filter(user=self.user, erased_at__isnull=True).first()


PEOPLE_ROLES = (Role.DESK, Role.COORDINATOR)


def access_for(user) -> Access:
    """Build (and cache on the user object) the caller's access. One query per request."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Access(user=user or AnonymousUser())
    cached = getattr(user, "_carehub_access", None)
    if cached is not None:
        return cached
    roles = frozenset(StaffRole.objects.filter(user=user).values_list("role", "hub_id"))
    access = Access(user=user, roles=roles)
    user._carehub_access = access
    return access


def require_login(access: Access, message=None) -> None:
    """Refuse an anonymous caller with 401 (the API) or a log-in prompt (pages)."""
    if not access.is_authenticated:
        raise errors.NotAuthenticated(message) if message else errors.NotAuthenticated()


# --- people ---------------------------------------------------------------------------------------------
def people_hub_ids(access: Access) -> frozenset | None:
    """Hubs whose people the caller may list; None means every hub (administrators)."""
    if access.is_admin:
        return None
    return access.hubs_with(*PEOPLE_ROLES)


def can_list_people(access: Access) -> bool:
    return access.is_admin or bool(access.hubs_with(*PEOPLE_ROLES))


def can_act_for_people_at(access: Access, hub_id: int) -> bool:
    """Staff who may act on behalf of a person of this hub (lend, book, make appointments)."""
    return access.is_admin or hub_id in access.hubs_with(*PEOPLE_ROLES)


def can_edit_person(access: Access, person) -> bool:
    """Correct a person's details: the desk and coordinators of the person's home hub."""
    return can_act_for_people_at(access, person.home_hub_id)


def can_merge_people(access: Access, duplicate, kept) -> bool:
    """Merging moves everything of one person onto another, across apps: the coordinator of both people's
    home hubs decides (and administrators), not the desk."""
    return access.is_admin or all((Role.COORDINATOR, p.home_hub_id) in access.roles for p in (duplicate, kept))


def can_issue_reset_code(access: Access, person) -> bool:
    """Give a person a one-time code to set a new password (carehub.accounts): the desk and coordinators of
    their home hub, who know them; whether the account may be reset that way is the service's rule."""
    return can_act_for_people_at(access, person.home_hub_id)


def can_coordinate(access: Access, hub_id: int) -> bool:
    """Programme, stock and configuration of a hub."""
    return access.is_admin or (Role.COORDINATOR, hub_id) in access.roles


def can_see_insights(access: Access) -> bool:
    return access.is_admin or access.is_planner or bool(access.hubs_with(Role.COORDINATOR))


def is_city_wide(role: str) -> bool:
    return role in CITY_ROLES


# --- activities and support groups ---------------------------------------------------------------------
# Open activities: the hub's desk and coordinators see who booked and take attendance; anyone may read the
# programme. Support groups are closed circles: their members and attendance are visible ONLY to the group's
# facilitator and the coordinators of its hub (and administrators, who see everything) — never to the desk,
# other facilitators, other caregivers or planners.
def is_group_facilitator(access: Access, activity) -> bool:
    return (
        access.is_authenticated
        and activity.facilitator_id is not None
        and activity.facilitator_id == access.user.pk
        and (Role.FACILITATOR, activity.hub_id) in access.roles
    )


def can_manage_support_group(access: Access, activity) -> bool:
    """See members and attendance, enrol and approve members, take attendance of a support group."""
    return can_coordinate(access, activity.hub_id) or is_group_facilitator(access, activity)


def can_see_session_participants(access: Access, session) -> bool:
    """Who booked a session (or, for a support group, who came)."""
    activity = session.activity
    if activity.is_support_group:
        return can_manage_support_group(access, activity)
    return can_act_for_people_at(access, activity.hub_id)


# --- lending bank ---------------------------------------------------------------------------------------
# Loans, holds and the stock of a hub: its front desk and coordinators (and administrators) see and act on
# them. A caregiver sees only their own loans and holds (on their account page). Planners see no loan,
# hold or borrower, only aggregates. The public sees how many items of each type are available per hub.
# Lending, stock and holds use `can_act_for_people_at` / `people_hub_ids`; retiring an item, `can_coordinate`.


# --- advice (legal and employment) ----------------------------------------------------------------------
# Services and slots are public. Appointments: the person (their own), the hub's desk and coordinators (the
# appointments at their hubs and of their hubs' people, WITHOUT case notes), the appointment's advisor, and
# administrators. Case notes: ONLY the appointment's advisor — not the desk, the coordinator, the person, a
# planner, nor an administrator through the API or the pages. Planners see no appointment at all.
def is_advisor_at(access: Access, hub_id: int) -> bool:
    return (Role.ADVISOR, hub_id) in access.roles


def can_manage_availability(access: Access, *, advisor_id: int, hub_id: int) -> bool:
    """An advisor publishes their own hours at a hub where they advise; the hub's coordinator may too."""
    if can_coordinate(access, hub_id):
        return True
    return access.is_authenticated and access.user.pk == advisor_id and is_advisor_at(access, hub_id)


def is_appointment_advisor(access: Access, appointment) -> bool:
    """The appointment's advisor, while they still advise at its hub: a removed role ends their access to it
    (its case notes included) from the next request."""
    return (access.is_authenticated and appointment.advisor_id == access.user.pk
            and is_advisor_at(access, appointment.hub_id))


def is_appointment_person(access: Access, appointment) -> bool:
    person = access.person
    return person is not None and appointment.person_id == person.pk


def can_see_case_notes(access: Access, appointment) -> bool:
    """Case notes stay between the person and the advisor: only the appointment's advisor reads them."""
    return is_appointment_advisor(access, appointment)


def can_change_appointment_reason(access: Access, appointment) -> bool:
    return is_appointment_person(access, appointment) or can_act_for_people_at(access, appointment.hub_id)


def can_cancel_appointment(access: Access, appointment) -> bool:
    return (
        is_appointment_person(access, appointment)
        or is_appointment_advisor(access, appointment)
        or can_act_for_people_at(access, appointment.hub_id)
        or can_act_for_people_at(access, appointment.person.home_hub_id)
    )


# --- news and the monthly digest (news/) ------------------------------------------------------------------
# A hub's news is public. Its coordinators (and administrators) publish, edit and withdraw it; nobody else,
# not the desk of that hub nor the coordinator of another. A person's monthly-digest subscription is theirs
# (My page, the API) and, as for their other details, the desk and coordinators of their home hub may change
# it for them (the person's page).
def can_publish_news(access: Access, hub_id: int) -> bool:
    return can_coordinate(access, hub_id)


def news_hub_ids(access: Access) -> frozenset:
    """Hubs whose news the caller edits (administrators: see `can_publish_news`, every hub)."""
    return access.hubs_with(Role.COORDINATOR)


def can_manage_digest_of(access: Access, person) -> bool:
    own = access.person
    return (own is not None and own.pk == person.pk) or can_act_for_people_at(access, person.home_hub_id)


# --- privacy (export and erasure of a person's data) ----------------------------------------------------
# Exporting everything held about a person and erasing them are the coordinator's call at the person's home
# hub (and administrators'). Not the desk: an export gathers loans, bookings, group memberships and
# appointments from every hub, more than the desk may see; an erasure cannot be undone.
def can_manage_privacy_of(access: Access, person) -> bool:
    return access.is_admin or (Role.COORDINATOR, person.home_hub_id) in access.roles


# --- insights (aggregates for planners) -----------------------------------------------------------------
# Planners and administrators see the figures of every hub; a coordinator those of their own hub(s); nobody
# else any. Figures are aggregates under cell-key perturbation (carehub.insights.perturbation): no person, ever.
def insights_hub_ids(access: Access) -> frozenset | None:
    """Hubs whose figures the caller may see; None means every hub."""
    if access.is_admin or access.is_planner:
        return None
    return access.hubs_with(Role.COORDINATOR)


# --- information and guidance (guidance/) ---------------------------------------------------------------
# Attentions (the desk's record of a consultation) and online questions belong to the hub where they were
# made: its desk and coordinators see and record them (and administrators). Not other hubs' staff (404), not
# advisors or facilitators, never planners (figures only). A caregiver sees the questions they asked online
# and the hub's answers, never the desk's notes. The directory of care resources and the Carer's Card guide
# are public; a hub's coordinator edits its directory, its topics and its guide; administrators the city's.
def attention_hub_ids(access: Access) -> frozenset | None:
    """Hubs whose attentions the caller may see; None means every hub (administrators)."""
    if access.is_admin:
        return None
    return access.hubs_with(*PEOPLE_ROLES)


def can_record_attention_at(access: Access, hub_id: int) -> bool:
    return can_act_for_people_at(access, hub_id)


def can_edit_directory_of(access: Access, hub_id: int) -> bool:
    """Resources, attention topics and the Carer's Card guide of a hub."""
    return can_coordinate(access, hub_id)


def can_edit_city_carers_card_guide(access: Access) -> bool:
    return access.is_admin
