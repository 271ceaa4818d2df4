"""Read queries for hubs and people, already scoped to what the caller may see."""

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from . import errors, permissions
from .models import Hub, OpeningBlock, Person, fold
from .permissions import Access


def hubs_public() -> QuerySet[Hub]:
    return Hub.objects.filter(is_active=True).prefetch_related(
        Prefetch("opening_blocks", queryset=OpeningBlock.objects.order_by("weekday", "opens_at"))
    )


def hub_by_slug(slug: str) -> Hub:
    hub = hubs_public().filter(slug=slug).first()
    if hub is None:
        raise errors.NotFound(code="hub_not_found")
    return hub


def people_visible_to(access: Access) -> QuerySet[Person]:
    """Every person the caller may see. The one gate for listing personal data."""
    people = Person.objects.filter(erased_at__isnull=True, merged_into__isnull=True).select_related("home_hub")
    if not access.is_authenticated:
        return people.none()
    hub_ids = permissions.people_hub_ids(access)
    if hub_ids is None:
        return people
    scope = Q(home_hub_id__in=hub_ids)
    if access.person is not None:
        scope |= Q(pk=access.person.pk)
    return people.filter(scope)


def search_people(access: Access, *, query: str = "", hub: Hub | None = None) -> QuerySet[Person]:
    """People matching every word of `query` in name, phone or document number (accents ignored)."""
    if not permissions.can_list_people(access):
        raise errors.PermissionDenied(code="people_forbidden")
    people = people_visible_to(access)
    if hub is not None:
        people = people.filter(home_hub=hub)
    for word in fold(query).split():
        digits = "".join(ch for ch in word if ch.isdigit())
        # A phone typed with spaces or dashes still matches the stored digits.
        term = digits if digits and len(digits) == len(word.replace("-", "").replace("+", "")) else word
        people = people.filter(search_text__contains=term)
    return people


def person_for(access: Access, person_id: int) -> Person:
    """One person, or NotFound when it does not exist or is outside the caller's scope (no leak)."""
    if not access.is_authenticated:
        raise errors.NotAuthenticated()
    person = people_visible_to(access).filter(pk=person_id).first()
    if person is None:
        raise errors.NotFound(_("No person with this number in your hub."), code="person_not_found")
    return person



def merged_into_for(access: Access, person_id: int) -> Person | None:
    """The person a merged duplicate now lives on, if the caller may see them: an old link to the duplicate
    (a bookmark, a printed list) leads there instead of to "not found"."""
    kept_id = Person.objects.filter(pk=person_id, merged_into__isnull=False).values_list("merged_into", flat=True).first()
    seen = set()
    while kept_id is not None and kept_id not in seen:  # a chain of merges ends at a person not merged
        seen.add(kept_id)
        successor = Person.objects.filter(pk=kept_id).values_list("merged_into", flat=True).first()
        if successor is None:
            break
        kept_id = successor
    if kept_id is None:
        return None
    return people_visible_to(access).filter(pk=kept_id).first()


# --- likely duplicates: shown to the desk before a new person is registered --------------------------------
DUPLICATES_SHOWN = 10


def likely_duplicates(access: Access, *, first_name: str = "", last_name: str = "", phone: str = "",
                      document_number: str = "", birth_year: int | None = None,
                      exclude_pk: int | None = None) -> list[Person]:
    """People the caller may see who are probably the person being registered: the same document, the same
    phone, or the same name (accents and case ignored) born the same year. Each comes with `.reasons`, the
    matches in words, strongest first. At most DUPLICATES_SHOWN; one query."""
    from . import documents
    from carehub.notifications import phones

    if not permissions.can_list_people(access):
        raise errors.PermissionDenied(code="people_forbidden")
    try:
        document = documents.normalise(document_number or "")
    except documents.InvalidDocument:
        document = ""
    parsed = phones.parse(phone) if phone else None
    number = phones.normalise(phone)[0] if parsed is not None else ""
    name = (fold(first_name).split(), fold(last_name).split())
    matches = Q()
    if document:
        matches |= Q(document_number=document)
    if number:
        matches |= Q(phone=number)
    if name[0] and name[1]:
        # Narrowed in SQL by the words of the name; the exact folded comparison is made below.
        words = Q()
        for word in name[0] + name[1]:
            words &= Q(search_text__contains=word)
        matches |= words
    if not matches:
        return []
    candidates = people_visible_to(access).filter(matches)
    if exclude_pk is not None:
        candidates = candidates.exclude(pk=exclude_pk)
    found = []
    for person in candidates[:200]:
        reasons = []
        if document and person.document_number == document:
            reasons.append(_("same document number"))
        if number and person.phone == number:
            reasons.append(_("same phone number"))
        same_name = (fold(person.first_name).split(), fold(person.last_name).split()) == name
        if same_name and birth_year and person.birth_year == birth_year:
            reasons.append(_("same name and year of birth"))
        elif same_name and (reasons or not (birth_year and person.birth_year)):
            # A name alone is weak, but unless two different years of birth tell them apart the desk should look.
            reasons.append(_("same name"))
        if reasons:
            person.reasons = reasons
            found.append(person)
    found.sort(key=lambda p: (-len(p.reasons), p.last_name, p.first_name, p.pk))
    return found[:DUPLICATES_SHOWN]


SIGNUPS_TO_CHECK_SHOWN = 30


def signups_to_check(access: Access, hub_ids) -> list[Person]:
    """People who signed up online with the name of someone already registered at the hub, for the desk's
    day (one query)."""
    return list(people_visible_to(access).filter(home_hub_id__in=hub_ids, needs_duplicate_check=True)
                .order_by("created_at", "pk")[:SIGNUPS_TO_CHECK_SHOWN])


# --- messages: the desk's call list and what was sent to a person ------------------------------------------
PERSON_MESSAGES_SHOWN = 20


def _call_hubs(access: Access) -> QuerySet[Hub]:
    from .web import desk_hubs

    return desk_hubs(access).order_by("name", "pk")


def call_lists(access: Access) -> list[Hub]:
    """Each hub the caller works at, with `.calls`: its messages waiting for a phone call, oldest first, each
    with `.phone_display` and `.reason`. Two queries whatever the number of hubs or calls (an administrator
    sees every hub): the notifications selector `call_list(access, hub)` is one query per hub, so the same
    filter is prefetched here for all the caller's hubs at once."""
    from carehub.notifications.models import Message, MessageStatus

    if not permissions.can_list_people(access):
        raise errors.PermissionDenied(code="people_forbidden")
    calls = Message.objects.filter(status=MessageStatus.TO_CALL).select_related("person").order_by("created_at", "pk")
    hubs = list(_call_hubs(access).prefetch_related(Prefetch("messages", queryset=calls, to_attr="calls")))
    for hub in hubs:
        for message in hub.calls:
            describe_call(message)
    return hubs


def call_for(access: Access, message_id: int):
    """One message of a hub the caller works at (whatever its status: marking it twice is the service's
    refusal, not a 404), or NotFound: another hub's message does not exist for them."""
    from carehub.notifications.models import Message

    hub_ids = permissions.people_hub_ids(access)
    messages = Message.objects.select_related("person")
    if hub_ids is not None:
        messages = messages.filter(hub_id__in=hub_ids)
    message = messages.filter(pk=message_id).first()
    if message is None:
        raise errors.NotFound(code="message_not_found")
    return message


class CallListSummary:
    """Calls waiting per hub the caller works at (`hubs`, each with `.to_call`) and in all (`total`)."""

    def __init__(self, hubs: list[Hub]):
        self.hubs = hubs
        self.total = sum(hub.to_call for hub in hubs)


def call_list_summary(access: Access) -> CallListSummary:
    """For the desk's landing page and the "Calls (3)" menu entry: one query (a count per hub)."""
    from django.db.models import Count

    from carehub.notifications.models import MessageStatus

    if not permissions.can_list_people(access):
        return CallListSummary([])
    hubs = _call_hubs(access).annotate(
        to_call=Count("messages", filter=Q(messages__status=MessageStatus.TO_CALL))
    )
    return CallListSummary(list(hubs))


class PersonMessages:
    def __init__(self, shown: list, count: int):
        self.shown = shown
        self.count = count


def person_messages(access: Access, person: Person) -> PersonMessages | None:
    """The last messages sent to `person` (newest first, at most PERSON_MESSAGES_SHOWN) and how many in all,
    or None for a caller who may not act for the person's hub (the section is then not shown). Two queries."""
    from carehub.notifications import selectors as notifications

    if not permissions.can_act_for_people_at(access, person.home_hub_id):
        return None
    messages = notifications.messages_for_person(access, person)
    shown = list(messages[:PERSON_MESSAGES_SHOWN])
    count = len(shown) if len(shown) < PERSON_MESSAGES_SHOWN else messages.count()
    for message in shown:
        describe_call(message)
    return PersonMessages(shown, count)


def describe_call(message):
    """Adds what the pages show: the number as read aloud and why the message is (or was) for the desk."""
    from carehub.notifications import phones

    # The person's number now (the desk may have corrected it since), else where the message went.
    message.phone_display = phones.for_display(message.person.phone or message.recipient)
    message.reason = delivery_problem(message)
    return message


def delivery_problem(message) -> str:
    """`last_error` in plain words for the desk (the worker records it in technical English for the logs)."""
    error = message.last_error or ""
    if not error:
        return _("Reachable only by phone.") if message.channel == "call" else ""
    if error.startswith("gave up after"):
        # "gave up after 8 attempts: <reason>" (carehub.notifications.delivery)
        attempts = next((word for word in error.split() if word.isdigit()), "?")
        if "SMS" in error:
            return _("The SMS could not be sent after %(n)s tries: the SMS service was not answering.") % {"n": attempts}
        return _("The email could not be sent after %(n)s tries: the mail server was not answering.") % {"n": attempts}
    if "refused the address" in error:
        return _("The email address was refused: it may be wrong or no longer in use.")
    if "refused the message" in error and error.startswith("SMS"):
        return _("The SMS service refused this number: it may be wrong or unable to receive SMS.")
    if "refused the message" in error:
        return _("The mail server refused the email.")
    if "SMS_URL is not set" in error:
        return _("Sending SMS is not set up on this server.")
    if "erased" in error:
        return _("The person's data was erased.")
    if message.channel == "sms":
        return _("The SMS could not be sent.")
    return _("The email could not be sent.")
