"""Read queries for guidance, already scoped to what the caller may see (carehub.permissions)."""

from datetime import date

from django.db.models import Prefetch, Q, QuerySet

from carehub import permissions
from carehub.models import Hub, Role, fold
from carehub.permissions import Access

from . import errors
from .models import Attention, AttentionTopic, CareResource, CarersCardGuide, Referral, year_before

MAX_QUERY = 100


# --- attentions -----------------------------------------------------------------------------------------
def attentions_visible_to(access: Access) -> QuerySet[Attention]:
    """Every attention the caller may see as staff: those of the hubs where they are desk or coordinator.
    Planners, advisors, facilitators, caregivers and strangers see none (a caregiver's own questions come
    through `my_requests`, without the desk's notes)."""
    rows = Attention.objects.select_related("hub", "person", "recorded_by", "answered_by")
    if not access.is_authenticated:
        return rows.none()
    hub_ids = permissions.attention_hub_ids(access)
    if hub_ids is None:
        return rows
    return rows.filter(hub_id__in=hub_ids)


def with_details(rows: QuerySet[Attention]) -> QuerySet[Attention]:
    """Topics and referrals in two more queries, whatever the number of rows."""
    return rows.prefetch_related(
        Prefetch("topics", queryset=AttentionTopic.objects.order_by("position", "id")),
        Prefetch("referrals", queryset=Referral.objects.select_related("resource").order_by("id")),
    )


def attention_for(access: Access, attention_id: int) -> Attention:
    """One attention with its topics and referrals, or 404 outside the caller's hubs (no leak)."""
    attention = with_details(attentions_visible_to(access)).filter(pk=attention_id).first()
    if attention is None:
        raise errors.AttentionNotFound()
    return attention


def attentions_at(access: Access, *, hub: Hub | None = None, date_from: date | None = None,
                  date_to: date | None = None, follow_up_due: date | None = None,
                  status: str | None = None) -> QuerySet[Attention]:
    """The caller's attentions, narrowed (dates are local days, inclusive). `follow_up_due=today` keeps those
    whose follow-up date has come and that nobody has followed up yet."""
    if not permissions.can_list_people(access):
        raise errors.PermissionDenied(code="attentions_forbidden")
    rows = attentions_visible_to(access)
    if hub is not None:
        rows = rows.filter(hub=hub)
    if date_from is not None:
        rows = rows.filter(attended_at__date__gte=date_from)
    if date_to is not None:
        rows = rows.filter(attended_at__date__lte=date_to)
    if follow_up_due is not None:
        rows = rows.filter(follow_up_on__lte=follow_up_due, follow_up_done_at__isnull=True)
    if status:
        rows = rows.filter(status=status)
    return rows


def follow_ups_due(access: Access, *, hub_ids, today: date) -> QuerySet[Attention]:
    return attentions_visible_to(access).filter(
        hub_id__in=hub_ids, follow_up_on__lte=today, follow_up_done_at__isnull=True,
    ).order_by("follow_up_on", "pk")


def waiting_requests(access: Access, *, hub_ids) -> QuerySet[Attention]:
    return attentions_visible_to(access).filter(hub_id__in=hub_ids, status=Attention.Status.WAITING) \
        .order_by("attended_at", "pk")


def attentions_of_person(access: Access, person) -> QuerySet[Attention]:
    return with_details(attentions_visible_to(access).filter(person=person))


def my_requests(access: Access) -> QuerySet[Attention]:
    """The questions the caller asked online, with the hub's answers. Never another person's."""
    person = access.person
    if person is None:
        return Attention.objects.none()
    return Attention.objects.select_related("hub").filter(
        person=person, status__in=[Attention.Status.WAITING, Attention.Status.ANSWERED],
    ).order_by("-attended_at", "-pk")


# --- topics ---------------------------------------------------------------------------------------------
def topics_for(hub: Hub, *, active_only: bool = True) -> QuerySet[AttentionTopic]:
    topics = AttentionTopic.objects.filter(hub=hub)
    if active_only:
        topics = topics.filter(is_active=True)
    return topics.order_by("position", "id")


# --- the directory --------------------------------------------------------------------------------------
def resources_public(*, hub: Hub | None = None, kind: str | None = None, query: str = "") -> QuerySet[CareResource]:
    """Published entries of active hubs, optionally of one hub and kind, matching every word of `query` in
    the name, address, who it serves or a description (accents and case ignored on PostgreSQL and SQLite
    alike for the words typed without accents)."""
    rows = CareResource.objects.select_related("hub").filter(is_published=True, hub__is_active=True)
    if hub is not None:
        rows = rows.filter(hub=hub)
    if kind:
        rows = rows.filter(kind=kind)
    for word in (query or "")[:MAX_QUERY].split():
        folded = fold(word)
        matches = Q()
        for term in {word, folded}:
            matches |= (Q(name__icontains=term) | Q(address__icontains=term) | Q(serves__icontains=term)
                        | Q(description_ca__icontains=term) | Q(description_es__icontains=term)
                        | Q(description_en__icontains=term))
        rows = rows.filter(matches)
    return rows.order_by("kind", "name", "pk")


def resource_public(resource_id: int) -> CareResource:
    resource = resources_public().filter(pk=resource_id).first()
    if resource is None:
        raise errors.ResourceNotFound()
    return resource


def resources_editable_by(access: Access) -> QuerySet[CareResource]:
    rows = CareResource.objects.select_related("hub")
    if access.is_admin:
        return rows
    return rows.filter(hub_id__in=access.hubs_with(Role.COORDINATOR))


def stale_resources(*, hub_ids, today: date) -> QuerySet[CareResource]:
    """Entries not reviewed for twelve months or more (flagged to the hub's coordinator)."""
    return CareResource.objects.select_related("hub").filter(
        hub_id__in=hub_ids, reviewed_on__lte=year_before(today),
    ).order_by("reviewed_on", "pk")


# --- the Carer's Card guide ---------------------------------------------------------------------------
def carers_card_guide(hub: Hub | None) -> dict:
    """The guide's parts ("what", "who", "documents") for a hub: each from the hub's own guide, else the
    city-wide one; a part neither has is missing (the page then shows the built-in text)."""
    guides = {g.hub_id: g for g in CarersCardGuide.objects.filter(Q(hub__isnull=True) | Q(hub=hub))}
    order = [guides.get(hub.pk) if hub is not None else None, guides.get(None)]
    parts = {}
    for part in ("what", "who", "documents"):
        for guide in order:
            value = getattr(guide, part) if guide is not None else None
            if value:
                parts[part] = value
                break
    return parts
