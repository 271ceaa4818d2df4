"""Demo programme for `manage.py load_demo`: a year of sessions behind every hub and six weeks ahead.

Each hub has a weekly walk, a fortnightly workshop and a weekly caregivers' support group that have run all
year, a monthly talk (popular: a waitlist most months), and ahead a talk on caring for someone with dementia
(full, with a waitlist) and a one-off talk on the Carer's Card (with childcare, so that parents can come). The coming activities are programmed through
the services (as the demo administrator); the past sessions, their bookings (confirmed, waitlisted, cancelled)
with attendance, the group's members and their attendance are inserted in bulk with their history
(`DemoContext.bulk`), with the counters the services would have kept. The `carer` account books through the
services: one confirmed place, one place on a waitlist, and open seats to book.
"""

from datetime import datetime, time, timedelta

from django.db import transaction

from carehub.locking import lock_rows
from carehub.permissions import access_for
from carehub.timezones import LOCAL_TZ, local_datetime

from . import services
from .models import (
    Activity,
    ActivityKind,
    Booking,
    Frequency,
    GroupAttendance,
    GroupMembership,
    Session,
)

WEEKS = 6
PAST_WEEKS = 52
MONTHLY_TALKS = [
    "Drets de les persones cuidadores", "Alimentació i disfàgia a casa", "Com demanar la Llei de dependència",
    "Cuidar sense deixar de cuidar-se", "Primers auxilis per a cuidadores", "Medicació: com organitzar-la",
    "Prevenir caigudes a casa", "El dol quan la persona cuidada mor", "Tecnologia que ajuda a cuidar",
    "Descans i respir: serveis del barri", "Parlem de la incontinència", "Cuidar a distància",
]
# The same talks in Spanish and in English (the programme's texts are typed in Catalan, then translated).
MONTHLY_TALKS_ES = [
    "Derechos de las personas cuidadoras", "Alimentación y disfagia en casa", "Cómo pedir la Ley de dependencia",
    "Cuidar sin dejar de cuidarse", "Primeros auxilios para cuidadoras", "Medicación: cómo organizarla",
    "Prevenir caídas en casa", "El duelo cuando la persona cuidada muere", "Tecnología que ayuda a cuidar",
    "Descanso y respiro: servicios del barrio", "Hablemos de la incontinencia", "Cuidar a distancia",
]
MONTHLY_TALKS_EN = [
    "Caregivers' rights", "Eating and swallowing difficulties at home", "How to apply under the Dependency Act",
    "Caring without forgetting yourself", "First aid for caregivers", "Medication: how to organise it",
    "Preventing falls at home", "Grief when the person you cared for dies", "Technology that helps you care",
    "Rest and respite: services in the neighbourhood", "Let's talk about incontinence", "Caring from a distance",
]
TALK_DESCRIPTION = {
    "description_es": "Charla abierta a todas las personas cuidadoras del barrio.",
    "description_en": "An open talk for every caregiver in the neighbourhood.",
}
CANCEL_SHARE = 0.07  # booked places given up before the session
NO_SHOW_SHARE = 0.13


def _next_weekday(after, weekday: int):
    """The first date after `after` (exclusive) falling on `weekday` (0 = Monday)."""
    day = after + timedelta(days=1)
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def _at(day, hour: int, minute: int = 0) -> datetime:
    return local_datetime(day, time(hour, minute))


def load(ctx) -> None:
    """The whole demo is one transaction (load_demo), in which carehub.locking only lets rows be locked in its
    global order: the carer's bookings (through the services) come last, after their hub's activities and
    sessions are locked in that order."""
    admin = access_for(ctx.users["admin"])
    today = ctx.today
    facilitator = ctx.users.get("facilitator")
    carer_person = ctx.people[ctx.first_hub.slug][0]

    first_programme = None
    for index, hub in enumerate(ctx.hubs):
        walk_day = _next_weekday(today, 1)  # Tuesday
        walk = services.create_activity(
            access=admin, hub=hub, title="Passejada saludable pel barri", kind=ActivityKind.OUTDOOR,
            language="ca", capacity=15, starts_at=_at(walk_day, 10), ends_at=_at(walk_day, 11, 30),
            frequency=Frequency.WEEKLY, occurrences=WEEKS,
            place=f"Sortida des de {hub.community_space}",
            description="Una hora i mitja caminant a ritme tranquil, amb parades. Per a persones cuidadores i "
                        "les persones que cuiden, si poden caminar.",
            accessibility_notes="Recorregut pla, apte per a cadira de rodes.",
            translations={
                "title_es": "Paseo saludable por el barrio", "title_en": "Healthy walk around the neighbourhood",
                "place_es": f"Salida desde {hub.community_space}", "place_en": f"Starting from {hub.community_space}",
                "description_es": "Una hora y media caminando a ritmo tranquilo, con paradas. Para personas "
                                  "cuidadoras y las personas a las que cuidan, si pueden caminar.",
                "description_en": "An hour and a half of walking at an easy pace, with stops. For caregivers and "
                                  "the people they care for, if they can walk.",
                "accessibility_notes_es": "Recorrido llano, apto para silla de ruedas.",
                "accessibility_notes_en": "A flat route, suitable for wheelchairs.",
            },
        )

        talk_day = _next_weekday(today + timedelta(days=3 + index % 4), 3)  # a Thursday
        talk = services.create_activity(
            access=admin, hub=hub, title="Cuidar una persona amb demència: el dia a dia", kind=ActivityKind.TALK,
            language="ca" if index % 3 else "es", capacity=12, starts_at=_at(talk_day, 18),
            ends_at=_at(talk_day, 19, 30),
            description="Xerrada amb una infermera especialista: comunicació, rutines, seguretat a casa i "
                        "com cuidar-se un mateix. Hi haurà temps per a preguntes.",
            accessibility_notes="Bucle magnètic. Accés sense graons.",
            translations={
                "title_es": "Cuidar a una persona con demencia: el día a día",
                "title_en": "Caring for someone with dementia: day to day",
                "description_es": "Charla con una enfermera especialista: comunicación, rutinas, seguridad en "
                                  "casa y cómo cuidarse uno mismo. Habrá tiempo para preguntas.",
                "description_en": "A talk with a specialist nurse: communication, routines, safety at home and "
                                  "looking after yourself. There will be time for questions.",
                "accessibility_notes_es": "Bucle magnético. Acceso sin escalones.",
                "accessibility_notes_en": "Induction loop. Step-free access.",
            },
        )

        workshop_day = _next_weekday(today, 4)  # Friday
        workshop = services.create_activity(
            access=admin, hub=hub, title="Taller: mobilitzacions i transferències segures", kind=ActivityKind.WORKSHOP,
            language="es" if index % 2 else "ca", capacity=8, starts_at=_at(workshop_day, 10),
            ends_at=_at(workshop_day, 12), frequency=Frequency.FORTNIGHTLY, occurrences=3,
            description="Com ajudar a aixecar-se, asseure's i canviar de posició sense fer-se mal a l'esquena.",
            translations={
                "title_es": "Taller: movilizaciones y transferencias seguras",
                "title_en": "Workshop: moving and transferring someone safely",
                "description_es": "Cómo ayudar a levantarse, sentarse y cambiar de posición sin hacerse daño en "
                                  "la espalda.",
                "description_en": "How to help someone stand up, sit down and change position without hurting "
                                  "your back.",
            },
        )

        card_day = _next_weekday(today + timedelta(days=14), 0)  # a Monday, in a few weeks
        services.create_activity(
            access=admin, hub=hub, title="La Targeta Cuidadora: què és i com demanar-la", kind=ActivityKind.TALK,
            language="ca", capacity=25, starts_at=_at(card_day, 17), ends_at=_at(card_day, 18),
            booking_opens_days_before=21, childcare_places=6, childcare_max_age=10,
            translations={"title_es": "La Tarjeta Cuidadora: qué es y cómo pedirla",
                          "title_en": "The Carer's Card: what it is and how to apply"},
        )

        group_day = _next_weekday(today, 2)  # Wednesday
        group = services.create_activity(
            access=admin, hub=hub, title="Grup de suport emocional per a persones cuidadores",
            kind=ActivityKind.SUPPORT_GROUP, language="ca", capacity=12, starts_at=_at(group_day, 17),
            ends_at=_at(group_day, 18, 30), frequency=Frequency.WEEKLY, occurrences=WEEKS,
            description="Un espai tancat i confidencial per compartir el que suposa cuidar, amb una psicòloga.",
            facilitator=facilitator if hub.pk == ctx.first_hub.pk else None,
            translations={
                "title_es": "Grupo de apoyo emocional para personas cuidadoras",
                "title_en": "Emotional support group for caregivers",
                "description_es": "Un espacio cerrado y confidencial para compartir lo que supone cuidar, con "
                                  "una psicóloga.",
                "description_en": "A closed, confidential space to share what caring means, with a psychologist.",
            },
        )
        _coming_weeks(ctx, hub, admin.user, walk, talk, workshop)
        _past_year(ctx, hub, admin.user, walk, workshop, group)
        if hub.pk == ctx.first_hub.pk:
            first_programme = (walk, talk)

    # Its own block when load() runs without load_demo's transaction (locks only exist inside one).
    with transaction.atomic():
        walk, talk = first_programme
        lock_rows(Activity.objects.filter(hub=ctx.first_hub))
        lock_rows(Session.objects.filter(activity__hub=ctx.first_hub))
        # The carer: on the waitlist of the full talk, a confirmed place in a walk, seats left elsewhere.
        carer = access_for(carer_person.user)
        services.book_session(access=carer, session_id=talk.sessions.get().pk)
        second_walk = walk.sessions.filter(starts_at__gt=ctx.now).order_by("starts_at")[1]
        if second_walk.seats_left:
            services.book_session(access=carer, session_id=second_walk.pk)


def _bookings(ctx, people, *, starts_at, ends_at, capacity, booked_from, booked_until, held: bool,
              cancel_share: float = CANCEL_SHARE) -> tuple[list[dict], int]:
    """(booking rows, confirmed places): the final state of `people`'s requests for a session, as the services
    leave it. In order of asking, places confirmed up to the capacity, then the waitlist; some gave their place
    up (cancelled); for a session held, attendance recorded for the confirmed ones (except in the last two
    days: not yet recorded)."""
    rng = ctx.rng
    span = max((booked_until - booked_from).total_seconds(), 3600)
    asked = sorted(booked_from + timedelta(seconds=rng.uniform(0, span)) for _person in people)
    rows, confirmed = [], 0
    recorded = held and ends_at < ctx.now - timedelta(days=2)
    for person, created_at in zip(people, asked):
        booking = {"person_id": person.pk, "created_at": created_at, "attendance": Booking.Attendance.UNKNOWN}
        if rng.random() < cancel_share:
            booking["status"] = Booking.Status.CANCELLED
            booking["cancelled_at"] = created_at + (min(starts_at, ctx.now) - created_at) * rng.random()
        elif confirmed < capacity:
            confirmed += 1
            booking["status"], booking["confirmed_at"] = Booking.Status.CONFIRMED, created_at
            if recorded:
                booking["attendance"] = (Booking.Attendance.NO_SHOW if rng.random() < NO_SHOW_SHARE
                                         else Booking.Attendance.ATTENDED)
        else:
            booking["status"] = Booking.Status.WAITLISTED
        rows.append(booking)
    return rows, confirmed


# A booking's versions (for `DemoContext.insert`): asked for, then given up or marked after the session.
_SESSION_ENDS = (f"(SELECT s.ends_at FROM {Session._meta.db_table} s "
                 f"WHERE s.id = {Booking._meta.db_table}.session_id)")
BOOKING_CHANGED = f"COALESCE(cancelled_at, CASE WHEN attendance <> 'unknown' THEN {_SESSION_ENDS} END)"
BOOKING_BEFORE = {"status": "CASE WHEN status = 'cancelled' THEN 'confirmed' ELSE status END",
                  "attendance": "'unknown'", "cancelled_at": "NULL"}


def _weekly_before(session, weeks: int, step: int = 1):
    """(starts_at, ends_at) of the `weeks` occurrences before `session`, every `step` weeks, Madrid time."""
    start, end = session.starts_at, session.ends_at
    local_start = start.astimezone(LOCAL_TZ)
    duration = end - start
    for n in range(1, weeks + 1):
        day = local_start.date() - timedelta(weeks=n * step)
        starts_at = _at(day, local_start.hour, local_start.minute)
        yield starts_at, starts_at + duration


def _past_year(ctx, hub, admin, walk, workshop, group) -> None:
    """A year of the hub's programme before today: the same series going back, a talk a month, bookings and
    attendance, the support group's members and their attendance."""
    rng, now = ctx.rng, ctx.now
    began = ctx.history_starts - timedelta(days=14)
    Activity.objects.filter(pk__in=[walk.pk, workshop.pk, group.pk]).update(created_at=began)
    Activity.history.model.objects.filter(id__in=[walk.pk, workshop.pk, group.pk]).update(history_date=began)

    planned = []  # (session row, demand: how many ask for a place)
    for activity, step, demand in ((walk, 1, (4, 11)), (workshop, 2, (7, 13)), (group, 1, None)):
        anchor = activity.sessions.filter(starts_at__gt=now).order_by("starts_at").first()
        for starts_at, ends_at in _weekly_before(anchor, PAST_WEEKS // step, step):
            if not (ctx.history_starts <= starts_at and ends_at < now):
                continue
            cancelled = activity is walk and rng.random() < 0.04  # rain
            planned.append(({"activity_id": activity.pk, "starts_at": starts_at, "ends_at": ends_at,
                             "capacity": activity.capacity, "updated_at": starts_at - timedelta(days=30),
                             "status": Session.Status.CANCELLED if cancelled else Session.Status.SCHEDULED},
                            None if cancelled or demand is None else rng.randint(*demand)))

    talks = []
    for month in range(12, 0, -1):
        day = _next_weekday(ctx.today - timedelta(days=30 * month + rng.randint(0, 6)), 3)  # a Thursday
        starts_at = _at(day, 18)
        if starts_at < ctx.history_starts or starts_at > now - timedelta(hours=3):
            continue
        capacity = rng.choice((12, 15, 20))
        which = month % len(MONTHLY_TALKS)
        talk = Activity(hub=hub, title_ca=MONTHLY_TALKS[which], title_es=MONTHLY_TALKS_ES[which],
                        title_en=MONTHLY_TALKS_EN[which], kind=ActivityKind.TALK,
                        language=rng.choice(["ca", "ca", "es"]), capacity=capacity, created_by=admin,
                        created_at=starts_at - timedelta(days=35),
                        description_ca="Xerrada oberta a totes les persones cuidadores del barri.", **TALK_DESCRIPTION)
        talks.append((talk, starts_at, capacity + rng.randint(5, 12)))
    ctx.bulk(Activity, [talk for talk, _starts, _demand in talks], user=admin)
    for talk, starts_at, demand in talks:
        planned.append(({"activity_id": talk.pk, "starts_at": starts_at,
                         "ends_at": starts_at + timedelta(minutes=90), "capacity": talk.capacity,
                         "updated_at": talk.created_at, "status": Session.Status.SCHEDULED}, demand))

    requests = []
    for session, demand in planned:
        rows = []
        if demand:
            asking_from = session["starts_at"] - timedelta(days=20)
            people = ctx.registered_before(hub, asking_from)
            people = rng.sample(people, min(demand, len(people)))
            rows, session["confirmed_count"] = _bookings(
                ctx, people, starts_at=session["starts_at"], ends_at=session["ends_at"],
                capacity=session["capacity"], booked_from=asking_from,
                booked_until=session["starts_at"] - timedelta(hours=2), held=True)
        requests.append(rows)
    session_ids = ctx.insert(Session, [session for session, _demand in planned], user=admin, created="updated_at")
    bookings = [dict(row, session_id=session_id) for session_id, rows in zip(session_ids, requests) for row in rows]
    ctx.insert(Booking, bookings, user=admin, changed=BOOKING_CHANGED, before=BOOKING_BEFORE)

    # The support group: its members joined a year ago (regulars of the hub); attendance every week.
    regulars = [p for p in ctx.registered_before(hub, began) if p.user_id is None]
    members = rng.sample(regulars, min(7, len(regulars)))
    ctx.bulk(GroupMembership, [
        GroupMembership(activity=group, person=person, status=GroupMembership.Status.MEMBER, created_at=began,
                        decided_by=admin, decided_at=began + timedelta(days=1)) for person in members
    ], user=admin)
    # Attendance as the facilitator records it, for the last half year (before that it was kept on paper).
    held = [(session_id, session) for session_id, (session, _demand) in zip(session_ids, planned)
            if session["activity_id"] == group.pk
            and now - timedelta(weeks=26) < session["ends_at"] < now - timedelta(days=2)]
    ctx.insert(GroupAttendance, [
        {"session_id": session_id, "person_id": person.pk, "attended": rng.random() > 0.15,
         "recorded_by_id": admin.pk, "recorded_at": session["ends_at"] + timedelta(hours=1)}
        for session_id, session in held for person in members
    ], user=admin, created="recorded_at")


def _coming_weeks(ctx, hub, admin, walk, talk, workshop) -> None:
    """Bookings already made for the coming weeks: the dementia talk is full with a waitlist; the walks and
    the workshop have some."""
    rng, now = ctx.rng, ctx.now
    people = [p for p in ctx.people[hub.slug] if p.user_id is None]
    rng.shuffle(people)
    requests = [(talk.sessions.get(), people[7:7 + 15])]
    for position, session in enumerate(walk.sessions.order_by("starts_at")):
        requests.append((session, rng.sample(people, rng.randint(3, 9 if position else 15))))
    requests.append((workshop.sessions.order_by("starts_at").first(), rng.sample(people, 5)))
    bookings = []
    for session, asking in requests:
        # Nobody has given a place up yet: the talk stays full, so the carer's request goes on its waitlist.
        rows, session.confirmed_count = _bookings(
            ctx, asking, starts_at=session.starts_at, ends_at=session.ends_at, capacity=session.capacity,
            booked_from=now - timedelta(days=10), booked_until=now, held=False, cancel_share=0)
        bookings += [dict(row, session_id=session.pk, booked_by_id=admin.pk) for row in rows]
    ctx.insert(Booking, bookings, user=admin)
    Session.objects.bulk_update([session for session, _asking in requests], ["confirmed_count"])
