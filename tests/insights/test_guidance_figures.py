"""The information and guidance figures (issue 17): people attended, attentions and their rate per 1,000
inhabitants, shares by channel and by topic, referrals made and the median days to follow-up — right on known
data before perturbation, perturbed like every other count wherever they are published (API, CSV, XLSX, page,
monthly series), never revealing a day's attentions by differencing, never a person, and unchanged by an
erasure."""

import csv
import io
import random
from datetime import date, datetime, time, timedelta

import pytest
from django.core.cache import cache
from openpyxl import load_workbook

from carehub.insights import metrics, selectors
from carehub.insights.metrics import CHANNELS, COUNT, FIGURES, FIGURES_BY_KEY, GUIDANCE_FIGURES, TOPICS
from carehub.insights.selectors import rounded
from carehub.models import RECORD_KEY_MODULUS, District, Person
from carehub.permissions import access_for
from carehub.privacy import erase_person
from carehub.timezones import LOCAL_TZ
from guidance.models import AgeBand, Attention, AttentionTopic, CareResource, Referral
from tests.conftest import bearer, client_for, make_hub, make_person
from tests.insights.conftest import PERIOD, fix_record_keys, published
from tests.insights.test_differencing import api_row, days, period_pairs

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 6, 2, 10, 0, tzinfo=LOCAL_TZ)  # a Monday after every event below
GUIDANCE_KEYS = [f.key for f in GUIDANCE_FIGURES]
GUIDANCE_COUNTS = [f.key for f in GUIDANCE_FIGURES if f.kind == COUNT]


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


def at(day: date, hour: int = 12, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LOCAL_TZ)


def attend(hub, when, *, person=None, channel="in_person", topics=(), referrals=(), status="recorded",
           follow_up_on=None, done_at=None, **fields):
    """An attention as the desk leaves it (topics by key, referrals by kind), made directly so that its time is
    the one given."""
    if person is None:
        fields.setdefault("age_band", AgeBand.FROM_50)
    if status == "answered":
        fields.setdefault("answered_at", when + timedelta(hours=3))
    attention = Attention.objects.create(hub=hub, person=person, channel=channel, status=status, attended_at=when,
                                         follow_up_on=follow_up_on, follow_up_done_at=done_at, **fields)
    attention.topics.set(AttentionTopic.objects.filter(hub=hub, key__in=topics))
    for kind in referrals:
        resource = None
        if kind == "resource":
            resource = CareResource.objects.create(hub=hub, name=f"Centre de dia {attention.pk}", kind="day_centre")
        Referral.objects.create(attention=attention, kind=kind, resource=resource)
    return attention


@pytest.fixture
def guidance(hub, other_hub):
    """Known attentions at `hub` (population 20,000) in January-March 2025, and some that must not count.

    At `hub`, in the period and attended: 9 attentions of 3 people (A twice, B twice, C twice) and 3 anonymous
    walk-ins, so 6 people attended; in person 4, by phone 3, online 1, outreach 1. Topics: care resources 1,
    respite 2, Carer's Card 2, dependency assessment 1, home help 1, legal 1, housing 1, other 2 (one "other",
    one of the hub's own topics; an attention with both counts once). Referrals 4. Follow-ups done in the
    period after 4, 2 and 10 days (median 4)."""
    a, b, c, d = (make_person(hub) for _ in range(4))
    own_topic = AttentionTopic.objects.create(hub=hub, key="barri", name_ca="Xarxa del barri", position=200)
    attend(hub, at(date(2025, 1, 10)), person=a, topics=["care_resources", "respite"],
           referrals=["resource", "advice"], follow_up_on=date(2025, 1, 20), done_at=at(date(2025, 1, 14)))
    attend(hub, at(date(2025, 1, 15)), channel="in_person", topics=["respite"])  # walk-in 1
    attend(hub, at(date(2025, 2, 3)), person=a, channel="phone", topics=["carers_card"],
           follow_up_on=date(2025, 2, 10), done_at=at(date(2025, 2, 5)))
    b_feb = attend(hub, at(date(2025, 2, 4)), person=b, channel="phone",
                   topics=["dependency_assessment", "other"], referrals=["lending"])
    b_feb.topics.add(own_topic)  # "other" and the hub's own topic: counted once under "other"
    attend(hub, at(date(2025, 2, 20)), person=c, channel="online", status="answered", topics=["carers_card"],
           question="Com demano la targeta?", answer="A l'oficina, amb el DNI.")
    walk_in = attend(hub, at(date(2025, 3, 5)), channel="outreach", referrals=["activities"])  # walk-in 2
    walk_in.topics.add(own_topic)
    attend(hub, at(date(2025, 3, 6)), channel="in_person", topics=["home_help"],  # walk-in 3
           follow_up_on=date(2025, 3, 20), done_at=at(date(2025, 3, 16)))
    attend(hub, at(date(2025, 3, 10)), person=b, topics=["legal"], follow_up_on=date(2025, 4, 10))  # not done
    attend(hub, at(date(2025, 3, 25)), person=c, channel="phone", topics=["housing"],
           follow_up_on=date(2025, 4, 1), done_at=at(date(2025, 4, 2)))  # done after the period
    # Not counted: a question still waiting (D), an attention before the period, one at the other hub.
    attend(hub, at(date(2025, 3, 1)), person=d, channel="online", status="waiting", topics=["respite"],
           question="Hi ha respir els caps de setmana?")
    attend(hub, at(date(2024, 12, 20)), person=a, topics=["respite"], referrals=["advice"])
    attend(other_hub, at(date(2025, 1, 20)), person=make_person(other_hub), topics=["respite"])
    return hub


def raw(hub, period=PERIOD):
    cell = metrics.compute([hub.pk], metrics.period_bucket(*period))[(hub.pk, 0)]
    metrics.add_population_rates(cell, hub.population)
    return cell


# --- the figures, before perturbation -----------------------------------------------------------------------
def test_people_attended_are_different_people_plus_each_anonymous_walk_in(guidance):
    assert raw(guidance)["people_attended"] == 6  # A, B, C and three walk-ins; D's question is still waiting


def test_attentions_and_attentions_per_1000(guidance):
    cell = raw(guidance)
    assert cell["attentions"] == 9
    assert cell["attentions_per_1000"] == pytest.approx(9 * 1000 / 20000)


def test_shares_by_channel(guidance):
    cell = raw(guidance)
    shares = {channel: cell[f"share_{channel}"] for channel in CHANNELS}
    assert shares == pytest.approx({"in_person": 4 / 9, "phone": 3 / 9, "online": 1 / 9, "outreach": 1 / 9})


def test_shares_by_topic_fold_a_hubs_own_topics_into_other(guidance):
    cell = raw(guidance)
    counts = {"care_resources": 1, "respite": 2, "carers_card": 2, "dependency_assessment": 1, "home_help": 1,
              "legal": 1, "housing": 1, "other": 2}
    assert {topic: cell[f"share_topic_{topic}"] for topic in TOPICS} == pytest.approx(
        {topic: counts.get(topic, 0) / 9 for topic in TOPICS})


def test_referrals_made(guidance):
    assert raw(guidance)["referrals"] == 4


def test_median_days_to_follow_up_counts_the_follow_ups_done_in_the_period(guidance):
    cell = raw(guidance)
    assert cell["median_days_to_follow_up"] == pytest.approx(4)  # 4, 2 and 10 days
    assert cell["_follow_ups_done"] == 3


def test_month_by_month(guidance):
    buckets = metrics.month_buckets(*PERIOD)
    cells = metrics.compute([guidance.pk], buckets)
    months = [cells[(guidance.pk, b.index)] for b in buckets]
    assert [m["attentions"] for m in months] == [2, 3, 4]
    assert [m["people_attended"] for m in months] == [2, 3, 4]  # A and walk-in 1; A, B, C; walk-ins 2-3, B, C
    assert [m["referrals"] for m in months] == [2, 1, 1]
    assert [m["_follow_ups_done"] for m in months] == [1, 1, 1]


def test_nothing_counts_at_another_hub_or_outside_the_period(guidance, other_hub):
    assert raw(other_hub)["attentions"] == 1
    before = raw(guidance, (date(2024, 10, 1), date(2024, 12, 31)))
    assert (before["attentions"], before["referrals"]) == (1, 1)
    empty = raw(guidance, (date(2024, 1, 1), date(2024, 9, 30)))
    assert (empty["attentions"], empty["people_attended"], empty["referrals"], empty["_follow_ups_done"]) == (0,) * 4
    assert empty["share_in_person"] is None and empty["median_days_to_follow_up"] is None


# --- published figures ------------------------------------------------------------------------------------
def test_published_counts_are_never_1_to_4_and_within_2_of_the_truth(guidance, other_hub):
    # Every single day of the period, every month, and the period: counts of 0 to 9.
    spans = [(day, day) for day in days()] + [(b.first_day, b.last_day) for b in metrics.month_buckets(*PERIOD)]
    spans.append(PERIOD)
    buckets = [metrics.Bucket(i, first, last) for i, (first, last) in enumerate(spans)]
    cells = metrics.compute([guidance.pk, other_hub.pk], buckets)
    from carehub.insights import perturbation

    seen = set()
    for (hub_id, _index), cell in cells.items():
        shown = perturbation.publish(cell, 20000)
        for key in GUIDANCE_COUNTS:
            assert shown[key] not in (1, 2, 3, 4), key
            assert shown[key] is None or abs(shown[key] - cell[key]) <= 2, key
            assert (shown[key] == 0) == (cell[key] == 0) or shown[key] is None, key  # 0 means none
            seen.add(shown[key])
        for key in GUIDANCE_KEYS:
            if FIGURES_BY_KEY[key].base == "attentions" and perturbation.is_number(shown[key]):
                # A share or rate of 1-4 (perturbed) attentions is never a number.
                assert shown["attentions"] is not None, key
    assert None in seen and 0 in seen


def test_the_api_publishes_the_perturbed_figures_with_bands_for_small_bases(client, guidance, planner):
    rows = client.get("/api/v1/insights/hubs?date_from=2025-01-01&date_to=2025-03-31", **bearer(planner)).json()
    row = next(r for r in rows if r["hub"] == guidance.slug)
    expected = published(guidance)[0]
    assert {key: row[key] for key in GUIDANCE_KEYS} == {key: rounded(FIGURES_BY_KEY[key], expected[key])
                                                          for key in GUIDANCE_KEYS}
    assert row["attentions"] is None or 7 <= row["attentions"] <= 11
    # Under 20 attentions a share near none is a band, not a number ("none of the 9 came by ...").
    for topic in ("childcare", "employment", "emotional_support"):
        key = f"share_topic_{topic}"
        assert row[key] is None and row["bands"][key] == {"at_most": 0.1}


def test_the_monthly_series_has_attentions_and_people_attended(client, guidance, planner):
    body = client.get(f"/api/v1/insights/hubs/{guidance.slug}/monthly?date_from=2024-11-01&date_to=2025-03-31",
                      **bearer(planner)).json()
    months = {m["month"]: m for m in body["months"]}
    assert months["2024-11"]["attentions"] == 0 and months["2024-11"]["people_attended"] == 0
    assert months["2024-11"]["share_in_person"] is None  # nothing to compute it from
    # One to four attentions a month: one or two are never published, three or four only as 5 or 6.
    assert months["2024-12"]["attentions"] is None and months["2025-01"]["attentions"] is None
    assert months["2025-02"]["attentions"] in (None, 5) and months["2025-03"]["attentions"] in (None, 5, 6)


def test_page_csv_and_xlsx_carry_the_same_guidance_figures(guidance, planner):
    client = client_for(planner)
    query = "?date_from=2025-01-01&date_to=2025-03-31&sort=hub"
    expected = published(guidance)[0]
    text = client.get("/insights/hubs.csv" + query, HTTP_ACCEPT_LANGUAGE="en").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    header, body = rows[0], {r[0]: r for r in rows[1:]}
    columns = {f.key: 3 + i for i, f in enumerate(FIGURES)}
    assert header[columns["people_attended"]] == "People attended"
    assert header[columns["share_in_person"]] == "Share in person (%)"
    assert header[columns["share_topic_respite"]] == "Topic: Respite (%)"
    for key in GUIDANCE_KEYS:
        assert body[guidance.name][columns[key]] == str(selectors.export_value(FIGURES_BY_KEY[key], expected[key]))
    sheet = load_workbook(io.BytesIO(client.get("/insights/hubs.xlsx" + query).content)).active
    cells = {r[0]: r for r in sheet.iter_rows(values_only=True)}
    for key in GUIDANCE_KEYS:
        assert cells[guidance.name][columns[key]] == selectors.export_value(FIGURES_BY_KEY[key], expected[key])
    html = client.get("/insights/" + query + "&figure=attentions&trend_hub=" + guidance.slug,
                      HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "People attended" in html and "Median days to follow-up" in html
    assert "Attentions month by month" in html


def test_a_coordinator_sees_the_guidance_figures_of_their_own_hub_only(client, guidance, other_hub, coordinator):
    url = "/api/v1/insights/hubs?date_from=2025-01-01&date_to=2025-03-31"
    own = client.get(url, **bearer(coordinator)).json()
    assert [r["hub"] for r in own] == [guidance.slug]
    # Three follow-ups done (4, 2 and 10 days): the median only when their perturbed count reaches 5.
    assert own[0]["median_days_to_follow_up"] in (None, 4.0)
    assert client.get(f"/api/v1/insights/hubs/{other_hub.slug}/monthly", **bearer(coordinator)).status_code == 403


ALLOWED_KEYS = {"hub", "name", "district", "population", "bands", "at_least", "at_most", "date_from", "date_to",
                "months", "month", "first_day", "last_day"} | {f.key for f in FIGURES}


def keys_of(value) -> set:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in keys_of(v)}
    if isinstance(value, list):
        return {k for v in value for k in keys_of(v)}
    return set()


def test_a_planners_answer_has_no_personal_data(client, guidance, planner):
    attend(guidance, at(date(2025, 2, 14)), person=make_person(guidance, first_name="Remei", last_name="Castells",
                                                               phone="699 123 456"),
           outcome="Derivada a la treballadora social", notes="Viu sola amb la mare")
    secrets = [value for values in Person.objects.values_list("first_name", "last_name", "phone", "email")
               for value in values if value]
    secrets += [text for texts in Attention.objects.values_list("outcome", "notes", "question", "answer")
                for text in texts if text]
    for url in ("/api/v1/insights/hubs?date_from=2025-01-01&date_to=2025-03-31",
                f"/api/v1/insights/hubs/{guidance.slug}/monthly?date_from=2025-01-01&date_to=2025-03-31"):
        response = client.get(url, **bearer(planner))
        assert response.status_code == 200
        body = response.content.decode()
        assert [s for s in secrets if s in body] == []
        # Only figures and the names of hubs, months and bands: no field that could hold a person or an attention.
        assert keys_of(response.json()) <= ALLOWED_KEYS
    # And no attention itself: the attentions API stays closed to planners.
    assert client.get(f"/api/v1/attentions?hub={guidance.slug}", **bearer(planner)).status_code in (403, 404)


# --- differencing -------------------------------------------------------------------------------------------
DAY = date(2025, 2, 12)
KNOWN = {"attentions": 3, "people_attended": 3, "referrals": 2}  # on DAY: three walk-ins, two referred


def fix_attention_keys(seed: int = 17) -> None:
    """Seeded record keys for the attentions (and the other keyed rows), so the test is the same every run."""
    fix_record_keys(seed)
    rng = random.Random(seed)
    rows = list(Attention.objects.order_by("pk").only("pk"))
    for row in rows:
        row.record_key = rng.randrange(RECORD_KEY_MODULUS)
    Attention.objects.bulk_update(rows, ["record_key"], batch_size=500)


@pytest.fixture
def known_day():
    """Every day of January-March 2025 but DAY, at the hub: the same person attended once (referred) and a
    walk-in once; on DAY only the three walk-ins of KNOWN."""
    hub = make_hub(name="Vila Veïna Vallcarca", slug="vallcarca", district="gracia")
    regular = make_person(hub)
    rows, referred = [], []
    for day in days():
        if day == DAY:
            for n in range(KNOWN["attentions"]):
                rows.append(Attention(hub=hub, channel="in_person", age_band=AgeBand.FROM_65,
                                      attended_at=at(day, 10 + n)))
                referred.append(n < KNOWN["referrals"])
            continue
        rows.append(Attention(hub=hub, person=regular, channel="phone", attended_at=at(day, 10)))
        referred.append(True)
        rows.append(Attention(hub=hub, channel="in_person", age_band=AgeBand.UNDER_30, attended_at=at(day, 16)))
        referred.append(False)
    saved = Attention.objects.bulk_create(rows)
    Referral.objects.bulk_create([Referral(attention=a, kind="advice") for a, r in zip(saved, referred) if r])
    fix_attention_keys()
    return hub


def assert_attack_fails(differences: dict, channel: str):
    """As in test_differencing: some pairs may give the count back by chance, never most, and the caller
    cannot tell which."""
    for key, found in differences.items():
        assert len(found) >= 10, f"{channel}: too few published pairs of {key} to attack"
        exact = sum(1 for d in found if d == KNOWN[key])
        assert exact / len(found) < 0.5, f"{channel}: {exact} of {len(found)} pairs give {key} back"
        assert len(set(found)) >= 3, f"{channel}: {key}'s differences {sorted(set(found))} are too telling"


def test_subtracting_two_periods_a_day_apart_never_gives_the_days_attentions(client, known_day, planner):
    headers = bearer(planner)
    differences = {key: [] for key in KNOWN}
    for with_day, without_day in period_pairs():
        a, b = api_row(client, headers, known_day.slug, with_day), api_row(client, headers, known_day.slug,
                                                                             without_day)
        for key in KNOWN:
            if a[key] is not None and b[key] is not None:
                differences[key].append(a[key] - b[key])
        for row in (a, b):
            assert not [key for key in GUIDANCE_COUNTS if row[key] in (1, 2, 3, 4)]
    assert_attack_fails(differences, "API")
    day = api_row(client, headers, known_day.slug, (DAY, DAY))
    assert (day["attentions"], day["people_attended"], day["referrals"]) == (None, None, None)


def test_subtracting_two_monthly_series_never_gives_the_days_attentions(client, known_day, planner):
    headers = bearer(planner)

    def february(period):
        body = client.get(f"/api/v1/insights/hubs/{known_day.slug}/monthly?date_from={period[0]}"
                          f"&date_to={period[1]}", **headers).json()
        return next(m for m in body["months"] if m["month"] == "2025-02")

    differences = {key: [] for key in KNOWN}
    pairs = [((start, DAY), (start, DAY - timedelta(days=1))) for start in days() if start < DAY - timedelta(days=3)]
    pairs += [((DAY, end), (DAY + timedelta(days=1), end)) for end in days() if end > DAY + timedelta(days=3)]
    for with_day, without_day in pairs:
        a, b = february(with_day), february(without_day)
        for key in KNOWN:
            if a[key] is not None and b[key] is not None:
                differences[key].append(a[key] - b[key])
    assert_attack_fails(differences, "monthly series")


# --- erasure ------------------------------------------------------------------------------------------------
@pytest.fixture
def erasure_world(hub, other_hub, coordinator, planner):
    """A person with attentions at `hub` over a year (with topics, referrals, a follow-up done, an online
    question answered), and on each of those days the same by twelve other people, so that the figures are
    numbers; a little at `other_hub`."""
    subject = make_person(hub, first_name="Montserrat", last_name="Garcia Pujol")
    others = [make_person(hub) for _ in range(12)]
    plan = [(date(2024, 9, 3), "in_person", ["respite", "care_resources"], ["advice"], date(2024, 9, 10)),
            (date(2024, 11, 19), "phone", ["carers_card"], ["resource"], None),
            (date(2025, 2, 6), "outreach", ["home_help"], [], date(2025, 2, 20)),
            (date(2025, 4, 15), "online", ["legal", "other"], ["lending", "activities"], None)]
    days_seen = set()
    for day, channel, topics, referrals, follow_up in plan:
        for n, person in enumerate([subject, *others]):
            done = at(follow_up, 9) if follow_up else None
            attend(hub, at(day, 9, n), person=person, channel=channel, topics=topics, referrals=referrals,
                   follow_up_on=follow_up, done_at=done, status="answered" if channel == "online" else "recorded",
                   outcome="Ha demanat el respir", notes="Cuida la mare", question="?" if channel == "online" else "",
                   answer="Sí" if channel == "online" else "")
        days_seen |= {day, follow_up} - {None}
    for n in range(6):
        attend(other_hub, at(date(2024, 11, 19), 10, n), person=make_person(other_hub), topics=["respite"])
    return {"subject": subject, "hubs": [hub, other_hub], "days": sorted(days_seen), "coordinator": coordinator,
            "planner": planner}


def _raw_figures(hub_ids, periods):
    """Raw figures, bases and key sums (before any disclosure control) of every hub and period."""
    buckets = [metrics.Bucket(i, first, last) for i, (first, last) in enumerate(periods)]
    return metrics.compute(hub_ids, buckets)


def _published(world):
    planner, coordinator = access_for(world["planner"]), access_for(world["coordinator"])
    periods = [(day, day) for day in world["days"]] + [
        (date(2024, 9, 1), date(2024, 9, 30)), (date(2024, 6, 1), date(2025, 5, 31)),
        (date(2024, 9, 4), date(2025, 4, 15)), (selectors.default_period(NOW.date()).date_from, NOW.date())]
    seen = {}
    for first, last in periods:
        period = selectors.Period(first, last)
        for district in [None, *District.values]:
            rows, _sort = selectors.hub_rows(planner, period=period, district=district)
            seen["city", district, first, last] = [(r.hub.slug, r.figures) for r in rows]
        rows, _sort = selectors.hub_rows(coordinator, period=period)
        seen["own hub", first, last] = [(r.hub.slug, r.figures) for r in rows]
    for hub in world["hubs"]:
        seen["monthly", hub.slug] = [(m.month, m.figures) for m in selectors.hub_monthly(
            planner, hub, period=selectors.Period(date(2024, 6, 1), NOW.date()))]
    return seen


def test_erasing_a_person_with_attentions_changes_no_figure(erasure_world):
    world = erasure_world
    hub_ids = [hub.pk for hub in world["hubs"]]
    edges = sorted({day + timedelta(days=shift) for day in world["days"] for shift in (-1, 0, 1)})
    periods = sorted({(a, b) for a in edges for b in edges if a <= b})
    raw_before = _raw_figures(hub_ids, periods)
    shown_before = _published(world)
    # The comparison has teeth: the person's day shows 13 people attended, published as a number.
    first_day = periods.index((world["days"][0], world["days"][0]))
    assert raw_before[hub_ids[0], first_day]["people_attended"] == 13
    assert dict(shown_before["city", None, world["days"][0], world["days"][0]])[world["hubs"][0].slug][
        "people_attended"] is not None

    erase_person(access=access_for(world["coordinator"]), person_id=world["subject"].pk, reason="person_request")
    subject = Person.objects.get(pk=world["subject"].pk)
    assert subject.erased_at is not None
    assert not Attention.objects.filter(person=subject).exclude(outcome="", notes="").exists()  # the erasure acted
    cache.clear()

    assert _raw_figures(hub_ids, periods) == raw_before
    shown_after = _published(world)
    assert {key for key in shown_before if shown_before[key] != shown_after[key]} == set()


# --- queries ------------------------------------------------------------------------------------------------
def _attentions_at(hubs: int, per_hub: int):
    for _n in range(hubs):
        hub = make_hub()
        people = [make_person(hub) for _ in range(3)]
        rows = [Attention(hub=hub, person=people[i % 3] if i % 2 else None, channel=CHANNELS[i % 4],
                          age_band="" if i % 2 else AgeBand.FROM_30, attended_at=at(date(2025, 1, 5 + i % 20)),
                          follow_up_on=date(2025, 2, 1), follow_up_done_at=at(date(2025, 2, 1)))
                for i in range(per_hub)]
        saved = Attention.objects.bulk_create(rows)
        topics = list(AttentionTopic.objects.filter(hub=hub))
        Attention.topics.through.objects.bulk_create([
            Attention.topics.through(attention_id=a.pk, attentiontopic_id=topics[i % len(topics)].pk)
            for i, a in enumerate(saved)])
        Referral.objects.bulk_create([Referral(attention=a, kind="advice") for a in saved[::2]])


def test_query_count_does_not_grow_with_attentions_or_hubs(client, planner, django_assert_max_num_queries):
    headers = bearer(planner)
    url = "/api/v1/insights/hubs?date_from=2025-01-01&date_to=2025-03-31"
    client.get(url, **headers)  # the token's first use is recorded once
    _attentions_at(1, 5)
    cache.clear()
    with django_assert_max_num_queries(20) as small:
        assert client.get(url, **headers).status_code == 200
    _attentions_at(8, 60)
    cache.clear()
    with django_assert_max_num_queries(20) as large:
        rows = client.get(url, **headers).json()
    assert len(large.captured_queries) == len(small.captured_queries)
    assert sum(row["attentions"] or 0 for row in rows) >= 8 * 55
