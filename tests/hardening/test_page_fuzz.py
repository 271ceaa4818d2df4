"""Property-based test of the server-rendered pages: no query string and no posted form gives a 5xx, for
anyone, and the database's invariants (`manage.py check_integrity`) still hold afterwards.

What it covers is read from the project, not kept by hand:
- the pages: every named URL pattern of the resolver (the admin and the API are left out: Django's admin is
  not ours, and the API has its own fuzz in test_api_fuzz.py), each tried with GET and with POST;
- path parameters: ids, slugs, tags and secrets of objects that exist (and one that does not, and a huge id);
  `<slug:action>` takes the actions found in the forms of the rendered pages;
- field names and valid values: the forms and links of every page, rendered once for each role (a form's
  names, prefixes, hidden fields and choices), plus the names the views read from `request.GET` and names of
  no form at all. Values are a valid one, or one of NASTY (huge numbers, impossible dates, NUL, markup,
  very long text, negatives…), or generated text.

Each page is first sent, as each of the five callers — anonymous, a caregiver, the front desk, a coordinator
(who is also an advisor and facilitator at the hub, so that the advice and activity staff forms render for
them) and a city planner — its forms as the page submits them; then FUZZ_EXAMPLES generated requests, each
as one caller drawn mostly among those who may open the page (the others meet its guard). A POST sometimes
carries a query string too (views read `next` from it). The data are made once for the module, in a transaction rolled back at
the end; each test runs in its own savepoint on top, so one test's posts never reach the next.

The clock is frozen (a Tuesday morning in Madrid), so results do not depend on the day; the examples are
derandomized, so a run is reproducible. FUZZ_EXAMPLES=50 for a long hunt.
"""

import io
import os
import re
import traceback
from datetime import datetime, time, timedelta
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urlsplit
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, transaction
from django.test import Client
from django.urls import NoReverseMatch, Resolver404, URLPattern, URLResolver, get_resolver, resolve, reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from activities.models import CalendarFeedToken, GroupMembership
from advice.models import Availability
from carehub.models import Role
from lending.models import Hold, Transfer
from tests.conftest import make_caregiver, make_hub, make_person, make_user

from .conftest import book, make_appointment, make_item, make_loan, make_service, make_session

ON_POSTGRES = django_settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "4" if ON_POSTGRES else "6"))
MADRID = ZoneInfo("Europe/Madrid")
NOW = datetime(2026, 12, 1, 10, 30, tzinfo=MADRID)  # a Tuesday, a hub's opening morning
ROLES = ("anonymous", "caregiver", "desk", "coordinator", "planner")

# 500s in the lending, activities and advice apps, reported to their owners and being fixed there. Each pair
# is left out of the fuzz until its fix lands; remove it then (test_known_elsewhere_are_real_pages keeps
# the list honest: every entry must still name a fuzzed page).
# 500s found by this fuzz in code fixed elsewhere are listed here while their fix is pending (none now: the
# `next` that was not a path, the login redirection loop and an id too large for SQLite are all fixed).
KNOWN_ELSEWHERE: list[tuple[str, str]] = []

# Values that have broken pages before, or break pages elsewhere: numbers beyond any column, dates no
# calendar has, NUL (refused by PostgreSQL in any text), markup, text longer than any field, odd spacing.
NASTY = [
    "99999999999999999999", "-99999999999999999999", "-1", "0", "1.5", "1e309", "NaN", "9999-12-31",
    "0000-00-00", "2026-02-30", "31/12/9999", "25:61", "%00", "\x00", "a\x00b", " ", "a b", " x ", "é", "ñ" * 300,
    "<script>alert(1)</script>", "\"><b>", "x" * 5000, "", "on", "true", "null", "[]", "{}", "../..", "/", "\\",
    "1;DROP TABLE x", "\u202e", "😀", "-", "--", "SA-WC-001", "wc-001",
]
# Names the views read from `request.GET` / `request.POST` directly (grep request.GET in the apps' views),
# and names of no form at all.
KNOWN_NAMES = [
    "page", "next", "person", "q", "hub", "date", "from", "to", "type", "status", "what", "id", "action",
    "decision", "attended", "borrower", "item_type", "district", "sort", "figure", "trend_hub", "date_from",
    "date_to", "kind", "service", "advisor", "lang", "language", "format", "month", "week", "tag", "asset_tag",
    "starts_at", "ends_at", "reason", "zzz", "__proto__",
]
FALLBACK_ACTIONS = ["clean", "repair", "safety-check", "retire", "send", "return", "renew", "cancel",
                    "not-collected", "receive", "reorder", "approve", "nothing-like-this"]
SKIPPED_PREFIXES = ("admin/", "api/")


# --- the pages, from the resolver -------------------------------------------------------------------------
def _walk(patterns, prefix="", namespace="", params=()):
    for entry in patterns:
        route = prefix + str(entry.pattern)
        here = [*params, *getattr(entry.pattern, "converters", {})]
        if isinstance(entry, URLResolver):
            if route.startswith(SKIPPED_PREFIXES):
                continue
            ns = entry.namespace or ""
            yield from _walk(entry.url_patterns, route, f"{namespace}{ns}:" if ns else namespace, here)
        elif isinstance(entry, URLPattern) and entry.name:
            yield {"name": namespace + entry.name, "route": route, "params": here}


def pages() -> list[dict]:
    seen, found = set(), []
    for page in _walk(get_resolver().url_patterns):
        if page["name"] not in seen:
            seen.add(page["name"])
            found.append(page)
    return found


PAGES = pages()
CASES = [(method, page["name"]) for page in PAGES for method in ("GET", "POST")
         if (method, page["name"]) not in KNOWN_ELSEWHERE]
PAGE_BY_NAME = {page["name"]: page for page in PAGES}


# --- the data -----------------------------------------------------------------------------------------------
def build_world() -> dict:
    hub = make_hub(name="Vila Veïna Fuzz", slug="fuzz-hub", district="gracia")
    other = make_hub(name="Vila Veïna Altra", slug="fuzz-other", district="sants-montjuic")
    desk = make_user("fuzz-desk", roles=[(Role.DESK, hub)])
    coordinator = make_user("fuzz-coordinator", roles=[(Role.COORDINATOR, hub), (Role.ADVISOR, hub),
                                                       (Role.FACILITATOR, hub)])
    planner = make_user("fuzz-planner", roles=[(Role.PLANNER, None)])
    carer_user, carer = make_caregiver(hub, "fuzz-carer")
    person = make_person(hub)
    make_person(other)
    item = make_item(hub, "FZ-001")
    make_item(other, "FZ-101")
    loan = make_loan(make_item(hub, "FZ-002", status="on_loan"), carer, returned=False)
    hold = Hold.objects.create(item_type=item.item_type, hub=hub, person=person)
    transfer = Transfer.objects.create(item=item, from_hub=hub, to_hub=other, requested_by=desk)
    session = make_session(hub, capacity=3)
    booking = book(session, carer)
    group = make_session(hub, title="Grup de suport", kind="support_group", days=2)
    membership = GroupMembership.objects.create(activity=group.activity, person=carer, status="member")
    pending = GroupMembership.objects.create(activity=group.activity, person=person, status="requested")
    feed = CalendarFeedToken.objects.create(person=carer)
    service = make_service(hub)
    Availability.objects.create(advisor=coordinator, service=service, weekday=NOW.weekday(),
                                start_time=time(9, 0), end_time=time(14, 0), valid_from=NOW.date() - timedelta(30))
    appointment = make_appointment(service, coordinator, carer, starts_at=NOW + timedelta(days=7))
    ids = {
        "people/": [carer.pk, person.pk],
        "lending/loans/": [loan.pk], "lending/holds/": [hold.pk], "lending/transfers/": [transfer.pk],
        "activities/sessions/": [session.pk, group.pk], "activities/bookings/": [booking.pk],
        "activities/memberships/": [pending.pk, membership.pk], "activities/groups/": [group.activity_id],
        "activities/": [session.activity_id, group.activity_id],
        "advice/services/": [service.pk], "advice/appointments/": [appointment.pk], "advice/manage/": [service.pk],
    }
    users = {"caregiver": carer_user, "desk": desk, "coordinator": coordinator, "planner": planner}
    return {"ids": ids, "slugs": [hub.slug, other.slug], "tags": [item.asset_tag, loan.item.asset_tag, "FZ-101"],
            "secrets": [feed.secret], "users": users}


def clients(world) -> dict[str, Client]:
    found = {"anonymous": Client()}
    for role, user in world["users"].items():
        found[role] = Client()
        found[role].force_login(user)
    return found


def kwargs_choices(page: dict, world: dict, harvest: dict) -> list[dict]:
    """Path parameters that name existing objects, then one unknown and one huge id."""
    seen = [k for k in harvest["kwargs"].get(page["name"], []) if set(k) == set(page["params"])]
    if not page["params"]:
        return [{}]
    built = {}
    for param in page["params"]:
        if param == "pk":
            prefix = max((p for p in world["ids"] if page["route"].startswith(p)), key=len, default=None)
            built[param] = (world["ids"][prefix] if prefix else []) + [987654, 99999999999999999999]
        elif param == "slug":
            built[param] = world["slugs"] + ["no-such-hub"]
        elif param == "tag":
            built[param] = world["tags"] + ["NO-SUCH-TAG"]
        elif param == "secret":
            built[param] = world["secrets"] + ["not-a-secret"]
        elif param == "action":
            actions = [k["action"] for k in harvest["kwargs"].get(page["name"], []) if "action" in k]
            built[param] = list(dict.fromkeys(actions + FALLBACK_ACTIONS))
        else:
            built[param] = ["1", "x"]
    combos = [dict(zip(built, values)) for values in zip(*[v for v in built.values()])]
    # zip stops at the shortest list: add every value of each parameter with the others' first value
    for param, values in built.items():
        for value in values:
            combos.append({**{p: v[0] for p, v in built.items()}, param: value})
    unique = []
    for combo in seen + combos:
        if combo not in unique:
            unique.append(combo)
    return unique


def url_for(name: str, kwargs: dict) -> str | None:
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return None


# --- what the rendered pages offer: forms, their fields and values, links with their query ------------------
def valid_value(tag: str, input_type: str) -> str:
    """What a person would type in an empty field of this kind."""
    day = (NOW + timedelta(days=7)).date()
    return {"date": day.isoformat(), "time": "10:00", "datetime-local": f"{day.isoformat()}T10:00",
            "number": "1", "email": "fuzz@example.org", "tel": "600 000 000", "password": "a-long-test-password",
            "hidden": "", "search": "Garcia", "url": "https://example.org/"}.get(input_type, "Prova")


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms, self.links, self._form, self._select = [], [], None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._form = {"action": attrs.get("action") or "", "method": (attrs.get("method") or "get").upper(),
                          "fields": {}}
            self.forms.append(self._form)
        elif tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif self._form is not None and tag in ("input", "select", "textarea", "button") and attrs.get("name"):
            name = attrs["name"]
            if name == "csrfmiddlewaretoken":
                return  # the test Client does not check CSRF
            values = self._form["fields"].setdefault(name, [])
            if tag == "select":
                self._select = values
            elif tag == "input" and attrs.get("type") in ("checkbox", "radio"):
                values.append(attrs.get("value") or "on")
            elif attrs.get("value"):
                values.append(attrs["value"])
            elif tag != "button":
                values.append(valid_value(tag, attrs.get("type") or "text"))
        elif tag == "option" and self._select is not None and attrs.get("value") is not None:
            self._select.append(attrs["value"])

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            if self._select is not None and len(self._select) > 1 and self._select[0] == "":
                self._select.append(self._select.pop(0))  # a real choice first: the "valid" draw's favourite
            self._select = None


def _resolved(url: str, here: str):
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        return None, parts
    try:
        return resolve(parts.path or urlsplit(here).path), parts
    except Resolver404:
        return None, parts


def _dedupe(fields: dict) -> dict:
    return {name: list(dict.fromkeys(values)) for name, values in fields.items()}


def harvest_pages(world: dict, callers: dict[str, Client]) -> dict:
    """Render every GET page once per role, and note, by the URL name (and path) they lead to: the forms
    (method, fields, values) and who saw them, path parameters and query names met in form actions and links,
    and which roles may open each page."""
    found = {"forms": {}, "forms_at": {}, "kwargs": {}, "query": {}, "reach": {}}
    empty = {"kwargs": {}}

    def note(method, match, parts, role, fields=None):
        name = match.view_name
        found["kwargs"].setdefault(name, []).append(match.kwargs)
        found["reach"].setdefault((method, name), set()).add(role)
        if fields is not None:
            fields = _dedupe(fields)
            for bucket in (found["forms"].setdefault((method, name), []),
                           found["forms_at"].setdefault((method, parts.path), [])):
                if fields not in bucket:
                    bucket.append(fields)
        for key, value in parse_qsl(parts.query, keep_blank_values=True):
            values = found["query"].setdefault(name, {}).setdefault(key, [])
            if value not in values:
                values.append(value)

    for page in PAGES:
        if "action" in page["params"]:
            continue  # a button's target (POST only): its forms are on the object's page
        for kwargs in kwargs_choices(page, world, empty)[:2 if page["route"].startswith("activities/") else 1]:
            url = url_for(page["name"], kwargs)
            if url is None:
                continue
            for role, client in callers.items():
                response = isolated(client, "GET", url, {})
                if isinstance(response, BaseException) or response.status_code != 200:
                    continue
                found["reach"].setdefault(("GET", page["name"]), set()).add(role)
                if "html" not in response.get("Content-Type", ""):
                    continue
                parser = _FormParser()
                parser.feed(response.content.decode(errors="replace"))
                for form in parser.forms:
                    match, parts = _resolved(form["action"], url)
                    if match is not None and match.url_name:
                        note(form["method"], match, parts, role, form["fields"])
                for href in parser.links:
                    match, parts = _resolved(href, url)
                    if match is not None and match.url_name:
                        note("GET", match, parts, role)
    return found


def fields_for(method: str, name: str, harvest: dict, path: str | None = None) -> list[dict[str, list[str]]]:
    """The field sets a request to `name` (at `path`, when a form was seen for it) may carry: each form
    rendered for it (GET also: the query names of links to it); at least one, possibly empty, set."""
    forms = list(harvest["forms_at"].get((method, path), [])) or list(harvest["forms"].get((method, name), []))
    if method == "GET" and harvest["query"].get(name):
        forms.append(harvest["query"][name])
    return forms or [{}]


# --- one request, isolated ------------------------------------------------------------------------------------
def isolated(client: Client, method: str, url: str, data: dict):
    """One request in its own savepoint: in production each request has its own transaction; here they all
    share the test's, and on PostgreSQL one refused statement would abort it for every later request.
    Returns the response, or the exception the view raised (the test Client re-raises it)."""
    savepoint = transaction.savepoint()
    try:
        response = client.get(url, data) if method == "GET" else client.post(url, data)
    except Exception as exc:  # noqa: BLE001 - a view's crash is what this test looks for
        transaction.savepoint_rollback(savepoint)
        return exc
    try:
        transaction.savepoint_commit(savepoint)
    except DatabaseError:
        transaction.savepoint_rollback(savepoint)
    return response


def last_frame(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if "/site-packages/" not in f.filename] or frames
    where = ours[-1]
    return (f"{type(exc).__name__}: {str(exc)[:300]}\n    at {where.filename}:{where.lineno} in {where.name}"
            f"\n    deepest frame {frames[-1].filename}:{frames[-1].lineno}")


def assert_no_server_error(method, url, role, data, outcome):
    shown = {k: (v if len(str(v)) < 80 else f"{str(v)[:20]}…({len(str(v))} chars)") for k, v in data.items()}
    where = f"{method} {url} as {role} with {shown!r}"
    if isinstance(outcome, BaseException):
        raise AssertionError(f"500: {where}\n  {last_frame(outcome)}") from outcome
    assert outcome.status_code < 500, f"{outcome.status_code}: {where}"


# --- the generated input ---------------------------------------------------------------------------------------
VALUE = st.one_of(st.sampled_from(NASTY), st.text(max_size=20), st.integers().map(str),
                  st.dates().map(str), st.sampled_from(["1", "2", "3"]))
NAME = st.one_of(st.sampled_from(KNOWN_NAMES), st.text(alphabet="abcdefghijklmnopqrstuvwxyz_-", min_size=1,
                                                        max_size=12))


@st.composite
def request_data(draw, field_sets: list[dict[str, list[str]]]):
    """One of the page's field sets, each field valid, mangled or left out; plus a few other names."""
    fields = draw(st.sampled_from(field_sets))
    data: dict[str, object] = {}
    for name, values in fields.items():
        how = draw(st.sampled_from(["valid", "valid", "nasty", "drop"]))
        if how == "valid" and values:
            data[name] = draw(st.sampled_from(values))
        elif how != "drop":
            data[name] = draw(VALUE)
    for name, value in draw(st.lists(st.tuples(NAME, VALUE), max_size=2)):
        data.setdefault(name, value)
    if draw(st.integers(0, 3)) == 0 and data:  # a list where one value is expected (getlist and friends)
        name = draw(st.sampled_from(sorted(data)))
        data[name] = [data[name], draw(VALUE)]
    return data


def as_submitted(fields: dict[str, list[str]]) -> dict[str, str]:
    """The form as the page submits it: the first (valid) value of every field."""
    return {name: values[0] for name, values in fields.items() if values}


# --- the tests --------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The module's data and rendered-page harvest, made once, frozen in time, rolled back at the end."""
    wrapping = transaction.atomic()
    # Like a TestCase's own transaction, this one is not the application's: carehub.locking then treats each
    # request's service call as its own transaction, as in production.
    wrapping._from_testcase = True
    with time_machine.travel(NOW, tick=False), django_db_blocker.unblock(), wrapping:
        made = build_world()
        made["harvest"] = harvest_pages(made, clients(made))
        yield made
        transaction.set_rollback(True)


@pytest.fixture
def callers(world, db):
    """A fresh, logged-in client per role for each test: one test's logout, signup or language switch must not
    change who the next test's requests come from."""
    return clients(world)


def assert_integrity_holds():
    out = io.StringIO()
    try:
        call_command("check_integrity", stdout=out)
    except CommandError as exc:
        raise AssertionError(f"check_integrity after the fuzz: {exc}\n{out.getvalue()}") from None


@pytest.mark.django_db
@pytest.mark.parametrize("method,name", CASES, ids=[f"{m} {n}" for m, n in CASES])
def test_no_generated_input_gives_a_server_error(method, name, world, callers):
    page = PAGE_BY_NAME[name]
    harvest = world["harvest"]
    urls = [u for u in (url_for(name, k) for k in kwargs_choices(page, world, harvest)) if u]
    assert urls, f"no URL could be built for {name} ({page['route']})"

    # Every role once, with each form as its page submits it (valid values): the pages' own paths.
    for url in urls[:1]:
        for fields in fields_for(method, name, harvest, urlsplit(url).path)[:2]:
            for role in ROLES:
                data = as_submitted(fields)
                assert_no_server_error(method, url, role, data, isolated(callers[role], method, url, data))

    # Then generated input, mostly as the roles that may open the page (the others meet its guard).
    reach = sorted(harvest["reach"].get((method, name), ()))
    role_strategy = st.sampled_from(reach * 3 + list(ROLES)) if reach else st.sampled_from(ROLES)

    @given(st.data())
    @hypothesis_settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                         suppress_health_check=list(HealthCheck))
    def fuzz(draw):
        role = draw.draw(role_strategy, label="role")
        url = draw.draw(st.sampled_from(urls), label="url")
        data = draw.draw(request_data(fields_for(method, name, harvest, urlsplit(url).path)), label="data")
        if method == "POST" and draw.draw(st.booleans(), label="with a query"):
            # what a POST view reads from request.GET (e.g. `next`), as links to its page carry it
            query = draw.draw(request_data([harvest["query"].get(name) or {"next": ["/"]}]), label="query")
            url = f"{url}?{urlencode(query, doseq=True)}"
        assert_no_server_error(method, url, role, data, isolated(callers[role], method, url, data))

    fuzz()
    assert_integrity_holds()


def test_every_page_is_fuzzed():
    """The fuzz follows whatever the apps add: it reads the resolver, not a list kept by hand."""
    names = {page["name"] for page in PAGES}
    assert len(PAGES) >= 50
    for expected in ("people-search", "person-privacy", "lending:loans", "activities:programme",
                     "advice:services", "insights:dashboard", "signup"):
        assert expected in names


def test_known_elsewhere_are_real_pages():
    names = {page["name"] for page in PAGES}
    for method, name in KNOWN_ELSEWHERE:
        assert method in ("GET", "POST") and name in names, (method, name)


@pytest.mark.django_db
def test_the_harvest_finds_the_forms(world):
    """The generated posts reach the forms: the harvest saw the staff's and the caregiver's forms."""
    forms = world["harvest"]["forms"]
    assert ("POST", "person-register") in forms
    assert ("GET", "insights:dashboard") in forms
    assert any(method == "POST" and re.match(r"lending:", name) for method, name in forms)
    assert any(method == "POST" and name.startswith("activities:") for method, name in forms)
    assert any(method == "POST" and name.startswith("advice:") for method, name in forms)
