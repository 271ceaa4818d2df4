"""Demo advice for `manage.py load_demo`: services at every hub, advisors' weekly hours (held all year, and
filling the coming weeks), a few appointments ahead (one of them the `carer`'s), one past appointment with a
case note, and a year of past appointments (most attended, some missed, a few cancelled) on the advisors' slots.

The first hub (where `advisor` works, as at hubs[2]) offers legal and employment advice; every other hub offers
at least one service, given by a demo advisor who covers two or three hubs on different days. Rows are saved one
by one (history is written); appointments are placed on free slots computed by the same code as the pages,
the past year's inserted in bulk with their history (`DemoContext.bulk`).
"""

from datetime import time, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from carehub.models import Role, StaffRole

from . import selectors
from .models import AdviceService, Appointment, Availability, CaseNote, Mode, ServiceKind

# (name, description) in Catalan, the original, then Spanish and English.
LEGAL = {
    "ca": ("Assessorament jurídic", "Dret de família, herències, dependència, contractes de cura."),
    "es": ("Asesoramiento jurídico", "Derecho de familia, herencias, dependencia, contratos de cuidados."),
    "en": ("Legal advice", "Family law, inheritance, dependency, care contracts."),
}
EMPLOYMENT = {
    "ca": ("Assessorament laboral", "Contractes de treballadores de la llar i de cura, drets, atur."),
    "es": ("Asesoramiento laboral", "Contratos de trabajadoras del hogar y de cuidados, derechos, paro."),
    "en": ("Employment advice", "Contracts for home and care workers, rights, unemployment."),
}
PAST_FILL = 0.75  # share of the past year's slots that someone booked…
MONTHLY_CAP = 18  # …up to this many a month at a hub (the hubs with several advisors' hours fill less)
PAST_REASONS = ["", "", "Herència i habitatge", "Contracte de la cuidadora", "Incapacitació i tutela",
                "Reducció de jornada per cura", "Prestació de dependència", "Acomiadament"]


def _service(hub, kind, minutes=45, buffer=15, **fields):
    texts = LEGAL if kind == ServiceKind.LEGAL else EMPLOYMENT
    for code, (name, description) in texts.items():
        fields[f"name_{code}"], fields[f"description_{code}"] = name, description
    service = AdviceService(hub=hub, kind=kind, appointment_minutes=minutes,
                            buffer_minutes=buffer, in_person=True, by_phone=True, **fields)
    service.save()
    return service


def _window(advisor, service, weekday, start, end, valid_from):
    Availability(advisor=advisor, service=service, weekday=weekday, start_time=time.fromisoformat(start),
                 end_time=time.fromisoformat(end), valid_from=valid_from).save()


def _book(service, slot, person, *, by, reason="", status=Appointment.Status.BOOKED):
    appointment = Appointment(service=service, advisor_id=slot.advisor_id, hub=service.hub, person=person,
                              starts_at=slot.starts_at, ends_at=slot.ends_at, blocked_until=slot.blocked_until,
                              mode="in_person", reason=reason, status=status, booked_by=by)
    appointment.save()
    return appointment


def load(ctx) -> None:
    today = ctx.today
    start = today - timedelta(days=400)  # the advisors' hours were the same all the demo's year
    first, third = ctx.first_hub, ctx.hubs[2]
    advisor = ctx.users["advisor"]

    legal = _service(first, ServiceKind.LEGAL, minutes=45, buffer=15, cancel_notice_hours=0)
    employment = _service(first, ServiceKind.EMPLOYMENT, minutes=30, buffer=0, by_video=True)
    for weekday, begin, end in ((0, "10:00", "13:00"), (1, "10:00", "13:00"), (1, "16:00", "19:00"),
                                (3, "10:00", "13:00")):
        _window(advisor, legal, weekday, begin, end, start)
    for weekday, begin, end in ((2, "09:30", "13:30"), (3, "16:00", "19:00"), (4, "10:00", "13:00")):
        _window(advisor, employment, weekday, begin, end, start)
    third_legal = _service(third, ServiceKind.LEGAL)
    _window(advisor, third_legal, 0, "16:00", "19:00", start)
    _window(advisor, third_legal, 4, "16:00", "18:00", start)

    # Every other hub: one service, alternating legal and employment, given by a demo advisor per three hubs.
    User = get_user_model()
    others = [hub for hub in ctx.hubs if hub.pk not in (first.pk, third.pk)]
    for index, hub in enumerate(others):
        if index % 3 == 0:
            colleague = User(username=f"advisor{index // 3 + 2}", first_name=ctx.rng.choice(
                ["Núria", "Jordi", "Carme", "Pau", "Rosa", "Albert"]), last_name=ctx.rng.choice(
                ["Serra", "Mas", "Font", "Riera", "Bosch"]), email=f"advisor{index // 3 + 2}@vilaveina.example.org")
            colleague.set_unusable_password()  # demo colleagues: data only, no login
            colleague.save()
        StaffRole.objects.create(user=colleague, role=Role.ADVISOR, hub=hub)
        kind = ServiceKind.LEGAL if index % 2 == 0 else ServiceKind.EMPLOYMENT
        service = _service(hub, kind, minutes=45 if kind == ServiceKind.LEGAL else 30, buffer=0)
        weekday = index % 3 + 1  # Tuesday, Wednesday or Thursday: one day per hub of this advisor
        _window(colleague, service, weekday, "10:00", "13:00", start)

    # A few appointments at the first hub, one for the demo caregiver, and a past one with a case note.
    people = ctx.people[first.slug]
    carer = people[0]
    desk = ctx.users["desk"]
    slots = selectors.free_slots(service=legal, date_from=today + timedelta(days=2), date_to=today + timedelta(days=20))
    used = set()
    if slots:
        _book(legal, slots[0], carer, by=ctx.users["carer"], reason="Reconeixement de la dependència de la meva mare")
        used.add(slots[0])
    for person in people[1:6]:
        candidates = [s for s in slots if s not in used and not any(
            s.starts_at < u.blocked_until and u.starts_at < s.blocked_until for u in used)]
        if not candidates:
            break
        slot = ctx.rng.choice(candidates)
        used.add(slot)
        _book(legal, slot, person, by=desk, reason=ctx.rng.choice(
            ["Herència i habitatge", "Contracte de la cuidadora", "Incapacitació i tutela", ""]))
    past = selectors.free_slots(service=employment, date_from=today - timedelta(days=14),
                                date_to=today - timedelta(days=8), now=timezone.now() - timedelta(days=30))
    if past:
        attended = _book(employment, past[0], people[6], by=desk, reason="Acomiadament",
                         status=Appointment.Status.ATTENDED)
        CaseNote(appointment=attended, advisor=advisor,
                 text="Demo: treballava 30 h/setmana sense contracte; revisar cotitzacions.").save()
    _past_year(ctx)


def _past_year(ctx) -> None:
    """The year behind: on each service's slots of the year, one after the other for each advisor (buffer
    included, as the booking service requires), a person of the hub already registered when they asked."""
    rng, now = ctx.rng, ctx.now
    desk_by_hub = {role.hub_id: role.user for role in StaffRole.objects.filter(role=Role.DESK).select_related("user")}
    candidates = []
    for service in AdviceService.objects.select_related("hub").order_by("pk"):
        slots = selectors.free_slots(service=service, date_from=timezone.localdate(ctx.history_starts),
                                     date_to=ctx.today - timedelta(days=1), now=ctx.history_starts)
        candidates += [(slot, service) for slot in slots if slot.ends_at < now]
    candidates.sort(key=lambda pair: (pair[0].advisor_id, pair[0].starts_at))
    busy_until, per_month, rows = {}, {}, []
    for slot, service in candidates:
        if slot.advisor_id in busy_until and slot.starts_at < busy_until[slot.advisor_id]:
            continue
        month = (service.hub_id, slot.starts_at.year, slot.starts_at.month)
        if rng.random() > PAST_FILL or per_month.get(month, 0) >= MONTHLY_CAP:
            continue
        per_month[month] = per_month.get(month, 0) + 1
        busy_until[slot.advisor_id] = slot.blocked_until
        asked = slot.starts_at - timedelta(days=rng.randint(2, 28), hours=rng.randint(0, 8))
        status = rng.choices([Appointment.Status.ATTENDED, Appointment.Status.NO_SHOW,
                              Appointment.Status.CANCELLED], weights=[80, 12, 8])[0]
        desk = desk_by_hub.get(service.hub_id)
        appointment = {
            "service_id": service.pk, "advisor_id": slot.advisor_id, "hub_id": service.hub_id,
            "person_id": rng.choice(ctx.registered_before(service.hub, asked)).pk, "starts_at": slot.starts_at,
            "ends_at": slot.ends_at, "blocked_until": slot.blocked_until, "status": status,
            "booked_by_id": getattr(desk, "pk", None),
            "mode": Mode.PHONE if service.by_phone and rng.random() < 0.2 else Mode.IN_PERSON,
            "reason": rng.choice(PAST_REASONS), "created_at": asked,
        }
        if status == Appointment.Status.CANCELLED:
            appointment["cancelled_at"] = asked + (slot.starts_at - asked) * rng.random()
            appointment["cancelled_by_id"] = appointment["booked_by_id"]
        rows.append(appointment)
    ctx.insert(Appointment, rows, user=ctx.users["admin"], changed="COALESCE(cancelled_at, ends_at)",
               before={"status": f"'{Appointment.Status.BOOKED}'", "cancelled_at": "NULL", "cancelled_by_id": "NULL"})
