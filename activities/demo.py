"""Demo programme for `manage.py load_demo`: six weeks of activities in every hub.

Each hub gets a weekly walk, a talk on caring for someone with dementia (full, with a waitlist), a fortnightly
workshop, a weekly caregivers' support group with members, and a one-off talk on the Carer's Card. Everything is
made through the services (as the demo administrator), so counters, history and invariants are what real use
leaves. The `carer` account has one confirmed place, one place on a waitlist, and open seats to book.
"""

from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from carehub.locking import lock_rows
from carehub.permissions import access_for
from carehub.timezones import local_datetime

from . import services
from .models import Activity, ActivityKind, Frequency, Session

WEEKS = 6


def _next_weekday(after, weekday: int):
    """The first date after `after` (exclusive) falling on `weekday` (0 = Monday)."""
    day = after + timedelta(days=1)
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def _at(day, hour: int, minute: int = 0) -> datetime:
    return local_datetime(day, time(hour, minute))


def load(ctx) -> None:
    """The whole demo is one transaction (load_demo), in which carehub.locking only lets rows be locked in its
    global order: so first every activity is created (no locks), then they and all their sessions are locked in
    that order, and the enrolments and bookings that follow only re-lock rows already held."""
    admin = access_for(ctx.users["admin"])
    rng = ctx.rng
    today = timezone.localdate()
    facilitator = ctx.users.get("facilitator")
    carer_person = ctx.people[ctx.first_hub.slug][0]

    programmes = []
    for index, hub in enumerate(ctx.hubs):
        people = [p for p in ctx.people[hub.slug] if p.user_id is None]
        rng.shuffle(people)

        walk_day = _next_weekday(today, 1)  # Tuesday
        walk = services.create_activity(
            access=admin, hub=hub, title="Passejada saludable pel barri", kind=ActivityKind.OUTDOOR,
            language="ca", capacity=15, starts_at=_at(walk_day, 10), ends_at=_at(walk_day, 11, 30),
            frequency=Frequency.WEEKLY, occurrences=WEEKS,
            place=f"Sortida des de {hub.community_space}",
            description="Una hora i mitja caminant a ritme tranquil, amb parades. Per a persones cuidadores i "
                        "les persones que cuiden, si poden caminar.",
            accessibility_notes="Recorregut pla, apte per a cadira de rodes.",
        )

        talk_day = _next_weekday(today + timedelta(days=3 + index % 4), 3)  # a Thursday
        talk = services.create_activity(
            access=admin, hub=hub, title="Cuidar una persona amb demència: el dia a dia", kind=ActivityKind.TALK,
            language="ca" if index % 3 else "es", capacity=12, starts_at=_at(talk_day, 18),
            ends_at=_at(talk_day, 19, 30),
            description="Xerrada amb una infermera especialista: comunicació, rutines, seguretat a casa i "
                        "com cuidar-se un mateix. Hi haurà temps per a preguntes.",
            accessibility_notes="Bucle magnètic. Accés sense graons.",
        )

        workshop_day = _next_weekday(today, 4)  # Friday
        workshop = services.create_activity(
            access=admin, hub=hub, title="Taller: mobilitzacions i transferències segures", kind=ActivityKind.WORKSHOP,
            language="es" if index % 2 else "ca", capacity=8, starts_at=_at(workshop_day, 10),
            ends_at=_at(workshop_day, 12), frequency=Frequency.FORTNIGHTLY, occurrences=3,
            description="Com ajudar a aixecar-se, asseure's i canviar de posició sense fer-se mal a l'esquena.",
        )

        card_day = _next_weekday(today + timedelta(days=14), 0)  # a Monday, in a few weeks
        services.create_activity(
            access=admin, hub=hub, title="La Targeta Cuidadora: què és i com demanar-la", kind=ActivityKind.TALK,
            language="ca", capacity=25, starts_at=_at(card_day, 17), ends_at=_at(card_day, 18),
            booking_opens_days_before=21,
        )

        group_day = _next_weekday(today, 2)  # Wednesday
        group = services.create_activity(
            access=admin, hub=hub, title="Grup de suport emocional per a persones cuidadores",
            kind=ActivityKind.SUPPORT_GROUP, language="ca", capacity=12, starts_at=_at(group_day, 17),
            ends_at=_at(group_day, 18, 30), frequency=Frequency.WEEKLY, occurrences=WEEKS,
            description="Un espai tancat i confidencial per compartir el que suposa cuidar, amb una psicòloga.",
            facilitator=facilitator if hub.pk == ctx.first_hub.pk else None,
        )
        programmes.append((hub, people, walk, talk, workshop, group))

    # Its own block when load() runs without load_demo's transaction (locks only exist inside one).
    with transaction.atomic():
        activity_ids = [activity.pk for _hub, _people, *activities in programmes for activity in activities]
        lock_rows(Activity.objects.filter(pk__in=activity_ids))
        lock_rows(Session.objects.filter(activity_id__in=activity_ids))
        for programme in programmes:
            _book_and_enrol(ctx, admin, rng, carer_person, *programme)


def _book_and_enrol(ctx, admin, rng, carer_person, hub, people, walk, talk, workshop, group) -> None:
    for person in people[:7]:
        services.enrol_member(access=admin, activity_id=group.pk, person_id=person.pk)

    # The dementia talk is full with a waitlist; the walks and the workshop have some bookings.
    sessions = list(talk.sessions.all())
    for person in people[7:7 + 15]:
        services.book_session(access=admin, session_id=sessions[0].pk, person_id=person.pk)
    for position, session in enumerate(walk.sessions.order_by("starts_at")):
        for person in rng.sample(people, rng.randint(3, 9 if position else 15)):
            services.book_session(access=admin, session_id=session.pk, person_id=person.pk)
    first_workshop = workshop.sessions.order_by("starts_at").first()
    for person in rng.sample(people, 5):
        services.book_session(access=admin, session_id=first_workshop.pk, person_id=person.pk)

    if hub.pk == ctx.first_hub.pk:
        # The carer: on the waitlist of the full talk, a confirmed place in a walk, seats left elsewhere.
        carer = access_for(carer_person.user)
        services.book_session(access=carer, session_id=sessions[0].pk)
        second_walk = walk.sessions.order_by("starts_at")[1]
        if second_walk.seats_left:
            services.book_session(access=carer, session_id=second_walk.pk)
