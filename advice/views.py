"""Advice pages. Thin: plain forms, POST then redirect, the same services and selectors as the API. Everything
works without JavaScript on a 360 px phone.

Case notes are shown only on the appointment page, only to its advisor (`selectors.case_note_for`).
"""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from carehub import permissions
from carehub import selectors as core_selectors
from carehub.content import form_initial
from carehub.forms import PersonSearchForm, add_domain_error
from carehub.models import Role, StaffRole
from carehub.permissions import access_for
from carehub.timezones import LOCAL_TZ, aware
from carehub.web import coordinated_hubs, forbidden, login_redirect, run_service, safe_next_url

from . import errors, selectors, services
from . import slots as slot_math
from .ical import ics_for
from .forms import (
    AvailabilityForm,
    BookForm,
    ChooseServiceForm,
    ExceptionForm,
    NotesForm,
    OutcomeForm,
    ReasonForm,
    ServiceForm,
)
from .models import AdviceService, Appointment

WEEK = timedelta(days=7)


def _parse_day(value, default):
    try:
        day = parse_date(value) if value else None
    except ValueError:  # well formed but impossible, e.g. 2026-02-31
        day = None
    return day or default


def _or_404(lookup, *args):
    """A selector's answer, or the 404 page when it refuses (not there, or not for the caller's eyes)."""
    try:
        return lookup(*args)
    except errors.DomainError:
        raise Http404


# --- choose a service, see free slots, book -------------------------------------------------------------
def service_list(request):
    """Choose a hub, then one of its services. Open to everyone (the slots are public)."""
    access = access_for(request.user)
    for_person = _person_for(request, access)
    data = request.GET.copy()
    if not data.get("hub") and for_person is not None:  # the desk booking for someone: at their hub
        data["hub"] = for_person.home_hub.slug
    elif not data.get("hub") and access.person is not None:  # a caregiver starts at their own hub
        data["hub"] = access.person.home_hub.slug
    form = ChooseServiceForm(data or None)
    hub = form.cleaned_data["hub"] if form.is_bound and form.is_valid() else None
    offered = selectors.services_offered(hub=hub) if hub else selectors.services_offered().none()
    return render(request, "advice/service_list.html", {
        "form": form, "hub": hub, "services": offered, "access": access, "person_id": _person_param(request),
        "for_person": for_person,
        "can_see_agenda": selectors.sees_agenda(access),
        "can_publish_hours": access.is_admin or bool(access.hubs_with(Role.ADVISOR, Role.COORDINATOR)),
        "can_manage_services": access.is_admin or bool(access.hubs_with(Role.COORDINATOR)),
    })


def _person_param(request) -> str:
    """The desk's `?person=<id>` carried from page to page (checked against its scope by `_person_for`)."""
    value = request.GET.get("person", "")
    return value if value.isascii() and value.isdigit() and len(value) < 10 else ""


def _person_for(request, access):
    """The person the desk is making an appointment for, from `?person=<id>` (carried from their page through
    the services and the free times), or None. Someone outside the caller's scope is a 404, as their page is."""
    person_id = _person_param(request)
    if not person_id:
        return None
    try:
        return core_selectors.person_for(access, int(person_id))
    except errors.DomainError:
        raise Http404


def service_slots(request, pk):
    """Free slots of one service over the coming weeks, grouped by day; each slot links to its booking page."""
    service = _or_404(selectors.service_by_id, pk)
    access = access_for(request.user)
    for_person = _person_for(request, access)
    today = timezone.localdate()
    date_from = max(_parse_day(request.GET.get("from"), today), today)
    date_from = min(date_from, today + timedelta(days=slot_math.MAX_RANGE_DAYS - 14))
    date_from, date_to = selectors.bounded_range(date_from, date_from + timedelta(days=13))
    staff = permissions.can_act_for_people_at(access, service.hub_id)
    found = selectors.free_slots(service=service, date_from=date_from, date_to=date_to,
                                 min_notice=timedelta(0) if staff else selectors.MIN_BOOKING_NOTICE)
    next_from = date_to + timedelta(days=1)
    return render(request, "advice/service_slots.html", {
        "service": service, "days": selectors.slots_by_day(found), "date_from": date_from, "date_to": date_to,
        "next_from": next_from if next_from <= today + timedelta(days=slot_math.MAX_RANGE_DAYS - 14) else None,
        "prev_from": date_from - timedelta(days=14) if date_from > today else None,
        "person_id": _person_param(request), "for_person": for_person,
    })


def _slot_from_request(data):
    try:
        advisor_id = int(data.get("advisor", ""))
    except ValueError:
        return None, None
    try:
        starts_at = parse_datetime(data.get("starts", "") or "")
    except ValueError:
        return None, None
    if starts_at is None or not 0 < advisor_id < 2**31:
        return None, None
    starts_at = aware(starts_at)
    now = timezone.now()
    if not now - timedelta(days=7) < starts_at < now + timedelta(days=366):  # no slot there; no date overflow
        return None, None
    return advisor_id, starts_at


@require_http_methods(["GET", "POST"])
def book(request, pk):
    """Confirm one slot: reason, mode and, for the desk, the person. POST books and shows the appointment."""
    service = _or_404(selectors.service_by_id, pk)
    if not request.user.is_authenticated:
        return login_redirect(request)
    access = access_for(request.user)
    data = request.POST if request.method == "POST" else request.GET
    advisor_id, starts_at = _slot_from_request(data)
    # Only an advisor of this service's hub is named here: any other id is treated as no slot at all, so the
    # page cannot be used to look up the name behind an account.
    advisor = selectors.advisor_of(service, advisor_id) if advisor_id is not None else None
    if advisor is None:
        messages.error(request, _("Choose one of the free slots."))
        return redirect("advice:slots", pk=service.pk)
    staff = permissions.can_list_people(access)
    person = None
    person_id = data.get("person") or ""
    if person_id:
        try:
            person = core_selectors.person_for(access, int(person_id))
        except (ValueError, errors.DomainError):
            raise Http404
    elif not staff and access.person is None:
        messages.error(request, _("Your account is not linked to a person of a hub. Ask the hub's desk."))
        return redirect("advice:slots", pk=service.pk)
    search = PersonSearchForm(request.GET if staff and person is None else None,
                              label=_("Find the person: name, phone or document number"))
    searched = bool(search.query)
    people = list(core_selectors.search_people(access, query=search.query)[:20]) if searched else []
    form = BookForm(request.POST or None, service=service)
    if request.method == "POST" and form.is_valid():
        try:
            appointment = services.book_appointment(
                access=access, service=service, advisor_id=advisor_id, starts_at=starts_at,
                person_id=person.pk if person else None, reason=form.cleaned_data["reason"],
                mode=form.cleaned_data["mode"],
            )
        except errors.DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Your appointment is booked. You will get a confirmation.")
                             if person is None else _("The appointment is booked."))
            return redirect("advice:appointment", pk=appointment.pk)
    return render(request, "advice/book.html", {
        "service": service, "form": form, "advisor": advisor, "advisor_id": advisor_id,
        "starts_at": starts_at, "starts_value": starts_at.isoformat(),
        "ends_at": starts_at + timedelta(minutes=service.appointment_minutes),
        "staff": staff, "person": person, "search": search, "people": people, "searched": searched,
    }, status=422 if form.errors else 200)


# --- appointments ---------------------------------------------------------------------------------------
@login_required
def appointment_detail(request, pk):
    access = access_for(request.user)
    appointment = _or_404(selectors.appointment_for, access, pk)
    is_advisor = permissions.can_see_case_notes(access, appointment)
    note = selectors.case_note_for(access, appointment) if is_advisor else None
    notes_form = NotesForm(initial={"notes": note.text if note else ""}) if is_advisor else None
    can_record = (is_advisor or permissions.can_act_for_people_at(access, appointment.hub_id)) and \
        appointment.status != Appointment.Status.CANCELLED and appointment.starts_at <= timezone.now()
    can_edit_reason = permissions.can_change_appointment_reason(access, appointment) and \
        appointment.status == Appointment.Status.BOOKED
    return render(request, "advice/appointment_detail.html", {
        "appointment": appointment, "is_advisor": is_advisor, "notes_form": notes_form,
        "can_cancel": selectors.can_cancel_now(access, appointment),
        "can_record": can_record, "outcome_form": OutcomeForm(),
        "reason_form": ReasonForm(initial={"reason": appointment.reason}) if can_edit_reason else None,
        "is_person": permissions.is_appointment_person(access, appointment),
    })


@login_required
def appointment_ics(request, pk):
    """The appointment as an .ics file, to add it to a calendar (the same file as in the email)."""
    access = access_for(request.user)
    appointment = _or_404(selectors.appointment_for, access, pk)
    response = HttpResponse(ics_for(appointment, cancelled=appointment.status == Appointment.Status.CANCELLED),
                            content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="appointment-{appointment.pk}.ics"'
    response["Cache-Control"] = "private, no-store"
    return response


def _back(request, appointment_id):
    """Back to the page the button was on (`next`, if it stays on this site), else the appointment."""
    default = reverse("advice:appointment", args=[appointment_id])
    return redirect(safe_next_url(request, request.POST.get("next"), default))


def _change(request, pk, action, success_message):
    """Run a service on one appointment from a button, then go back: 404 when the caller may not see it, its
    refusal or `success_message` as a message otherwise."""
    def action_or_404():
        try:
            action()
        except errors.NotFound:
            raise Http404

    run_service(request, action_or_404, success_message)
    return _back(request, pk)


@login_required
@require_POST
def appointment_cancel(request, pk):
    access = access_for(request.user)
    return _change(request, pk, lambda: services.cancel_appointment(access=access, appointment_id=pk),
                   _("The appointment is cancelled. The time is free for someone else."))


@login_required
@require_POST
def appointment_update(request, pk):
    """One form per change: the outcome, the notes (advisor), or the reason."""
    access = access_for(request.user)
    what = request.POST.get("what")
    forms_by_what = {"outcome": OutcomeForm, "notes": NotesForm, "reason": ReasonForm}
    if what not in forms_by_what:
        raise Http404
    form = forms_by_what[what](request.POST)
    if not form.is_valid():
        messages.error(request, _("Some of the information is not valid."))
        return _back(request, pk)
    field = "status" if what == "outcome" else what
    changes = {field: form.cleaned_data[field]}
    return _change(request, pk, lambda: services.update_appointment(access=access, appointment_id=pk, **changes),
                   _("Saved."))


@login_required
def my_appointments(request):
    """The caregiver's own appointments: upcoming ones with a cancel button, then past ones."""
    access = access_for(request.user)
    now = timezone.now()
    appointments = list(selectors.my_appointments(access)[:100])
    upcoming = sorted((a for a in appointments if a.ends_at >= now), key=lambda a: a.starts_at)
    for appointment in upcoming:
        appointment.can_cancel = selectors.can_cancel_now(access, appointment, now=now)
    return render(request, "advice/my_appointments.html", {
        "upcoming": upcoming, "past": [a for a in appointments if a.ends_at < now],
        "has_person": access.person is not None,
    })


# --- the advisor's agenda, and the desk's --------------------------------------------------------------
@login_required
def agenda(request):
    """A week of appointments by day: the advisor's own across hubs; the desk's and coordinator's hubs'."""
    access = access_for(request.user)
    if not selectors.sees_agenda(access):
        return forbidden(request)
    today = timezone.localdate()
    date_from = _parse_day(request.GET.get("from"), today)
    if abs((date_from - today).days) > 3660:  # ten years either way is plenty, and no date overflow
        date_from = today
    date_to = date_from + timedelta(days=6)
    appointments = list(selectors.agenda(access, date_from=date_from, date_to=date_to))
    days: dict = {}
    for appointment in appointments:
        appointment.is_mine = appointment.advisor_id == request.user.pk
        days.setdefault(timezone.localtime(appointment.starts_at, LOCAL_TZ).date(), []).append(
            appointment)
    return render(request, "advice/agenda.html", {
        "days": sorted(days.items()), "date_from": date_from, "date_to": date_to,
        "prev_from": date_from - WEEK, "next_from": date_from + WEEK, "now": timezone.now(),
        "is_advisor": bool(access.hubs_with(Role.ADVISOR)),
    })


# --- availability: weekly windows and exceptions -------------------------------------------------------
def _manageable(access):
    """Services and advisors whose hours the caller may publish: their own at their advisor hubs; every
    advisor's at the hubs they coordinate."""
    User = get_user_model()
    advisor_hubs = access.hubs_with(Role.ADVISOR)
    coordinated = access.hubs_with(Role.COORDINATOR)
    if access.is_admin:
        service_scope = Q()
        advisor_ids = StaffRole.objects.filter(role=Role.ADVISOR).values("user_id")
    else:
        service_scope = Q(hub_id__in=advisor_hubs | coordinated)
        advisor_ids = StaffRole.objects.filter(role=Role.ADVISOR).filter(
            Q(hub_id__in=coordinated) | Q(user_id=access.user.pk)).values("user_id")
    offered = AdviceService.objects.filter(service_scope, is_active=True).select_related("hub")
    advisors = User.objects.filter(pk__in=advisor_ids).order_by("first_name", "last_name", "username")
    return offered, advisors


@login_required
@require_http_methods(["GET", "POST"])
def availability(request):
    access = access_for(request.user)
    if not (access.is_admin or access.hubs_with(Role.ADVISOR, Role.COORDINATOR)):
        return forbidden(request)
    offered, advisors = _manageable(access)
    what = request.POST.get("what") if request.method == "POST" else None
    window_form = AvailabilityForm(request.POST if what == "window" else None, services=offered,
                                   advisors=advisors, prefix="window")
    exception_form = ExceptionForm(request.POST if what == "exception" else None, services=offered,
                                   advisors=advisors, prefix="exception")
    try:
        if what == "window" and window_form.is_valid():
            data = window_form.cleaned_data
            services.add_availability(
                access=access, service=data["service"], advisor_id=data["advisor"].pk, weekday=data["weekday"],
                start_time=data["start_time"], end_time=data["end_time"], valid_from=data["valid_from"],
                valid_until=data["valid_until"],
            )
            messages.success(request, _("The hours are published."))
            return redirect("advice:availability")
        if what == "exception" and exception_form.is_valid():
            data = exception_form.cleaned_data
            services.add_exception(
                access=access, advisor_id=data["advisor"].pk, day=data["date"], kind=data["kind"],
                service=data["service"], start_time=data["start_time"], end_time=data["end_time"],
                note=data["note"],
            )
            messages.success(request, _("The exception is saved."))
            if data["kind"] == "closed":
                clashes = selectors.booked_during(advisor_id=data["advisor"].pk, day=data["date"],
                                                  start_time=data["start_time"], end_time=data["end_time"])
                if clashes:
                    messages.warning(request, ngettext(
                        "%(n)d appointment is already booked in that time. It stays booked: cancel it from "
                        "the agenda if the advisor cannot attend.",
                        "%(n)d appointments are already booked in that time. They stay booked: cancel them from "
                        "the agenda if the advisor cannot attend.", clashes) % {"n": clashes})
            return redirect("advice:availability")
        if what == "remove-window":
            services.remove_availability(access=access, availability_id=int(request.POST.get("id", "0")))
            messages.success(request, _("The hours are no longer published. Booked appointments stay."))
            return redirect("advice:availability")
        if what == "remove-exception":
            services.remove_exception(access=access, exception_id=int(request.POST.get("id", "0")))
            messages.success(request, _("The exception is removed."))
            return redirect("advice:availability")
    except ValueError:
        raise Http404
    except errors.DomainError as exc:
        if what == "window":
            add_domain_error(window_form, exc)
        elif what == "exception":
            add_domain_error(exception_form, exc)
        else:
            messages.error(request, exc.message)
    today = timezone.localdate()
    windows = selectors.availability_visible_to(access).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=today)).order_by("advisor_id", "weekday", "start_time")
    exceptions = selectors.exceptions_visible_to(access).filter(date__gte=today).order_by("date", "start_time")[:100]
    status = 422 if (window_form.errors or exception_form.errors) else 200
    return render(request, "advice/availability.html", {
        "window_form": window_form, "exception_form": exception_form, "windows": windows,
        "exceptions": exceptions,
    }, status=status)


# --- services (coordinators) ----------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def manage_services(request):
    access = access_for(request.user)
    hubs = access.hubs_with(Role.COORDINATOR)
    if not (access.is_admin or hubs):
        return forbidden(request)
    hub_choices = coordinated_hubs(access)
    form = ServiceForm(request.POST or None)
    hub = hub_choices.filter(slug=request.POST.get("hub", "")).first() if request.method == "POST" else None
    if request.method == "POST" and form.is_valid():
        if hub is None:
            form.add_error(None, _("Choose a hub."))
        else:
            try:
                services.create_service(access=access, hub=hub, **form.cleaned_data)
            except errors.DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("The service is created. Advisors can now publish hours for it."))
                return redirect("advice:manage-services")
    return render(request, "advice/manage_services.html", {
        "form": form, "hubs": hub_choices, "services": selectors.services_manageable_by(access),
    }, status=422 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def edit_service(request, pk):
    access = access_for(request.user)
    service = selectors.services_manageable_by(access).filter(pk=pk).first()
    if service is None:
        raise Http404
    initial = form_initial(service, services.SERVICE_FIELDS)  # `name`: the Catalan original, whatever the page
    form = ServiceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_service(access=access, service_id=service.pk, **form.cleaned_data)
        except errors.DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The service is saved."))
            return redirect("advice:manage-services")
    return render(request, "advice/edit_service.html", {"form": form, "service": service},
                  status=422 if form.errors else 200)


