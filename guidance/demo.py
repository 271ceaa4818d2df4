"""Demo guidance for `manage.py load_demo`: every hub gets 10–20 entries in its directory (of every kind, a few
of them not reviewed for over a year, so the coordinator sees the flag), half a year of attentions at the desk
(people of the hub and anonymous walk-ins, in person, by phone, online and outreach, with topics and
referrals), a few follow-ups due, two online questions waiting for an answer, and one answered question of the
demo caregiver (`carer`).

Rows go in with bulk_create and their history rows are written in bulk too (dated when they happened), so the
whole demo stays fast.
"""

from datetime import timedelta
from decimal import Decimal

from carehub.models import Role, StaffRole

from .models import AgeBand, Attention, AttentionTopic, CareResource, Channel, Referral, ResourceKind

# (kind, name pattern, who it serves, languages, description in Catalan)
RESOURCES = [
    (ResourceKind.SERVICE, "Centre de Serveis Socials {district}", "Veïns i veïnes del districte",
     ["ca", "es"], "Atenció social, valoració de la dependència i tràmits d'ajuts."),
    (ResourceKind.SERVICE, "Punt d'Informació i Atenció a les Dones {district}", "Dones i persones cuidadores",
     ["ca", "es", "en"], "Informació, assessorament i acompanyament."),
    (ResourceKind.SERVICE, "CAP {street}", "Veïns i veïnes del barri", ["ca", "es"],
     "Atenció primària de salut i treball social sanitari."),
    (ResourceKind.DAY_CENTRE, "Centre de Dia {street}", "Persones grans amb dependència", ["ca", "es"],
     "Estades de dia amb transport adaptat, àpats i activitats."),
    (ResourceKind.DAY_CENTRE, "Casal de Gent Gran {street}", "Persones de més de 60 anys", ["ca", "es"],
     "Activitats, tallers i espai de trobada."),
    (ResourceKind.RESPITE, "Respir Plus {district}", "Famílies que cuiden una persona gran", ["ca", "es"],
     "Estades temporals en residència per descansar de la cura."),
    (ResourceKind.RESPITE, "Caps de setmana de respir", "Persones cuidadores", ["ca", "es", "en"],
     "Un cap de setmana al mes amb suport professional a casa."),
    (ResourceKind.BABYSITTING, "Cangur Solidari {street}", "Famílies amb infants de 0 a 12 anys",
     ["ca", "es", "ar"], "Canguratge a preu social mentre la família cuida o participa en activitats."),
    (ResourceKind.BABYSITTING, "Espai Familiar {street}", "Famílies amb infants de 0 a 3 anys", ["ca", "es", "ur"],
     "Espai de criança compartida amb educadores."),
    (ResourceKind.HOME_HELP, "Servei d'Atenció Domiciliària {district}", "Persones amb dependència",
     ["ca", "es"], "Suport a la higiene, l'alimentació i les tasques de la llar."),
    (ResourceKind.HOME_HELP, "Teleassistència", "Persones grans que viuen soles", ["ca", "es", "en"],
     "Un botó per demanar ajuda les 24 hores."),
    (ResourceKind.HOME_HELP, "Àpats a domicili {district}", "Persones grans amb poca autonomia", ["ca", "es"],
     "Dinar a casa cada dia feiner."),
    (ResourceKind.ASSOCIATION, "Associació de Familiars d'Alzheimer {district}", "Famílies que cuiden",
     ["ca", "es"], "Grups d'ajuda mútua, formació i orientació."),
    (ResourceKind.ASSOCIATION, "Associació de Treballadores de la Llar i de Cura", "Treballadores de la cura",
     ["es", "en", "tl", "ro"], "Drets laborals, formació i acompanyament."),
    (ResourceKind.ASSOCIATION, "Banc del Temps {street}", "Tothom", ["ca", "es"],
     "Intercanvi d'hores de suport entre veïns."),
    (ResourceKind.COLLECTIVE, "Xarxa de Suport Veïnal {street}", "Veïns i veïnes del barri", ["ca", "es", "ar"],
     "Veïnes que s'acompanyen a fer encàrrecs i visites mèdiques."),
    (ResourceKind.COLLECTIVE, "Grup de criança compartida {street}", "Famílies amb infants petits",
     ["ca", "es", "en"], "Famílies que es reparteixen la cura dels infants."),
    (ResourceKind.COLLECTIVE, "Cooperativa de cura {district}", "Persones grans i famílies", ["ca", "es"],
     "Cooperativa de treballadores que ofereix cura a domicili."),
]
STREETS = ["Sant Antoni", "Poble-sec", "la Sagrera", "Sants", "Gràcia", "el Clot", "Horta", "la Verneda",
           "Sant Andreu", "el Carmel", "Les Corts", "Vallcarca", "la Marina", "el Raval"]
OUTCOMES = ["Informada del Servei d'Atenció Domiciliària", "Li hem donat el full de recursos",
            "Derivada a serveis socials per la valoració", "Ha demanat informació del respir",
            "Inscrita al grup de suport", "Li hem explicat la Targeta de persona cuidadora",
            "Cal tornar a trucar la setmana vinent", ""]
QUESTIONS = ["La meva mare ja no pot viure sola. Quins ajuts hi ha al barri?",
             "Com puc demanar la Targeta de persona cuidadora?",
             "Hi ha algun servei de canguratge mentre vaig al grup de suport?"]
ATTENTIONS_PER_HUB = (25, 45)
DAYS_BACK = 180


def load(ctx) -> None:
    rng, now, today = ctx.rng, ctx.now, ctx.today
    desk_by_hub = {role.hub_id: role.user for role in StaffRole.objects.filter(role=Role.DESK).select_related("user")}
    resources = _directory(ctx, rng, today)
    topics_by_hub = {}
    for topic in AttentionTopic.objects.filter(hub__in=ctx.hubs, is_active=True):
        topics_by_hub.setdefault(topic.hub_id, []).append(topic)
    rows, topic_links, referral_plan = [], [], []
    for hub_index, hub in enumerate(ctx.hubs):
        desk = desk_by_hub.get(hub.pk) or ctx.users["admin"]
        people = ctx.people.get(hub.slug, [])
        hub_resources = resources.get(hub.pk, [])
        for n in range(rng.randint(*ATTENTIONS_PER_HUB)):
            when = now - timedelta(days=rng.uniform(0, DAYS_BACK))
            when = when.replace(hour=rng.randint(9, 18), minute=rng.choice((0, 10, 20, 30, 40, 50)))
            if when > now:
                when = now - timedelta(hours=1)
            anonymous = rng.random() < 0.35 or not people
            channel = rng.choices([Channel.IN_PERSON, Channel.PHONE, Channel.ONLINE, Channel.OUTREACH],
                                  weights=[55, 30, 5, 10])[0]
            attention = Attention(
                hub=hub, person=None if anonymous else rng.choice(people), channel=channel,
                age_band=rng.choice(AgeBand.values) if anonymous else "",
                is_caregiver=rng.random() < 0.7 if anonymous else None,
                outcome=rng.choice(OUTCOMES), attended_at=when, recorded_by=desk,
            )
            if not anonymous and rng.random() < 0.15:
                attention.follow_up_on = today + timedelta(days=rng.randint(-6, 20))
                if attention.follow_up_on < today - timedelta(days=3):
                    attention.follow_up_done_at = now - timedelta(days=1)
            rows.append(attention)
            chosen = rng.sample(topics_by_hub.get(hub.pk, []), k=min(rng.choice((1, 1, 2, 3)),
                                                                   len(topics_by_hub.get(hub.pk, []))))
            topic_links.append(chosen)
            plan = []
            if hub_resources and rng.random() < 0.5:
                plan.append((Referral.Kind.RESOURCE, rng.choice(hub_resources)))
            if rng.random() < 0.25:
                plan.append((rng.choice([Referral.Kind.ADVICE, Referral.Kind.ACTIVITIES, Referral.Kind.LENDING]),
                             None))
            referral_plan.append(plan)
        # A follow-up due today and one overdue at every hub with people, so the desk's day shows them.
        if people:
            for days in (0, 2):
                rows.append(Attention(hub=hub, person=rng.choice(people), channel=Channel.PHONE,
                                      outcome="Trucar per saber si ha pogut demanar la valoració",
                                      attended_at=now - timedelta(days=10 + days), recorded_by=desk,
                                      follow_up_on=today - timedelta(days=days)))
                topic_links.append(topics_by_hub.get(hub.pk, [])[2:3])
                referral_plan.append([])
        # Two questions waiting for an answer at the first two hubs.
        if hub_index < 2 and people:
            for question in QUESTIONS[:2]:
                rows.append(Attention(hub=hub, person=rng.choice(people), channel=Channel.ONLINE,
                                      status=Attention.Status.WAITING, question=question,
                                      attended_at=now - timedelta(hours=rng.randint(2, 40))))
                topic_links.append([])
                referral_plan.append([])
    carer = ctx.people[ctx.first_hub.slug][0]
    asked = now - timedelta(days=12)
    rows.append(Attention(hub=ctx.first_hub, person=carer, channel=Channel.ONLINE, status=Attention.Status.ANSWERED,
                          question=QUESTIONS[1], attended_at=asked, answered_at=asked + timedelta(days=1),
                          answered_by=ctx.users["desk"],
                          answer="Pots demanar-la a l'oficina d'atenció ciutadana amb el DNI i el padró. "
                                 "Et podem ajudar a omplir la sol·licitud dimarts al matí."))
    topic_links.append([t for t in topics_by_hub.get(ctx.first_hub.pk, []) if t.key == "carers_card"])
    referral_plan.append([])

    saved = Attention.objects.bulk_create(rows, batch_size=500)
    for attention in saved:
        attention._history_date = attention.attended_at
    Attention.history.bulk_history_create(saved, batch_size=500)
    Through = Attention.topics.through
    Through.objects.bulk_create([Through(attention_id=a.pk, attentiontopic_id=t.pk)
                                 for a, chosen in zip(saved, topic_links) for t in chosen], batch_size=1000)
    referrals = [Referral(attention=a, kind=kind, resource=resource, created_at=a.attended_at,
                          created_by=a.recorded_by)
                 for a, plan in zip(saved, referral_plan) for kind, resource in plan]
    Referral.objects.bulk_create(referrals, batch_size=1000)


def _directory(ctx, rng, today) -> dict:
    rows = []
    coordinator = ctx.users.get("coordinator")
    for index, hub in enumerate(ctx.hubs):
        count = rng.randint(10, 16)
        base_lat, base_lon = 41.375 + (index % 7) * 0.009, 2.130 + (index // 7) * 0.012 + (index % 3) * 0.01
        for kind, pattern, serves, languages, description in rng.sample(RESOURCES, count):
            street = rng.choice(STREETS)
            district = hub.get_district_display()
            with_contact = kind in (ResourceKind.ASSOCIATION, ResourceKind.COLLECTIVE) and rng.random() < 0.7
            reviewed = today - timedelta(days=rng.choice((20, 60, 120, 200, 300, 400, 500)))
            rows.append(CareResource(
                hub=hub, name=pattern.format(street=street, district=district), kind=kind,
                address=f"Carrer de {street}, {rng.randint(1, 180)}", weekly_hours=rng.choice(
                    ["Dilluns a divendres, 9:00–14:00", "Dimarts i dijous, 16:00–19:00",
                     "Dilluns a dissabte, 8:00–20:00", "Amb cita prèvia"]),
                languages=languages, serves=serves, description_ca=description,
                description_es="", description_en="",
                contact_name="Coordinació" if with_contact else "",
                contact_phone=f"93 {rng.randint(200, 499)} {rng.randint(10, 99)} {rng.randint(10, 99)}"
                if with_contact else "",
                contact_consent_at=ctx.now - timedelta(days=400) if with_contact else None,
                contact_consent_by=coordinator if with_contact else None,
                latitude=Decimal(f"{base_lat + rng.uniform(-0.004, 0.004):.6f}"),
                longitude=Decimal(f"{base_lon + rng.uniform(-0.004, 0.004):.6f}"),
                reviewed_on=reviewed, created_at=ctx.now - timedelta(days=600),
            ))
    saved = CareResource.objects.bulk_create(rows, batch_size=500)
    for resource in saved:
        resource._history_date = resource.created_at
    CareResource.history.bulk_history_create(saved, batch_size=500)
    by_hub = {}
    for resource in saved:
        by_hub.setdefault(resource.hub_id, []).append(resource)
    return by_hub
