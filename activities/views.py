"""Pages for the programme, bookings, the desk's day, programming and support groups. Thin: plain forms, POST then
redirect, the same services as the API. Everything works without JavaScript."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from carehub import errors, permissions
from carehub import selectors as core_selectors
from carehub.content import form_initial
from carehub.forms import PersonSearchForm, add_domain_error
from carehub.models import Role
from carehub.notifications.services import channel_for
from carehub.permissions import access_for
from carehub.web import coordinated_hubs, desk_required, forbidden, login_redirect, safe_next_url

from . import ical, recurrence, selectors, services
from . import links
from .errors import BookingClash
from .filters import SessionFilter
from .forms import (ActivityForm, AttendanceForm, ChildcareForm, DayForm, SeriesDatesForm, SessionCancelForm,
                    SessionChangeForm)
from .models import Activity, Booking, CalendarFeedToken, Frequency, GroupMembership, Session

PAGE_SIZE = 20
# A service names the times it refuses `starts_at` / `ends_at`; the page's fields are `date` / `end_time`.
TIME_FIELDS = {"starts_at": "date", "ends_at": "end_time"}


def _posted_id(value: str | None) -> int | None:
    """A primary key typed or posted by a browser, or None: only ASCII digits (int() also reads "²" or
    full-width digits, and would fail or surprise), and few enough of them for a database integer."""
    return int(value) if value and value.isascii() and value.isdigit() and len(value) <= 18 else None


def _posted_ids(values: list[str]) -> set[int]:
    return {pk for value in values if (pk := _posted_id(value)) is not None}


def _person_from_query(request, access):
    """The person the desk is booking for, carried as `?person=<id>` from their page through the programme and
    the session page; None without one. Someone the caller may not see is a 404, as their page would be."""
    person_id = _posted_id(request.GET.get("person"))
    if person_id is None:
        return None
    try:
        return core_selectors.person_for(access, person_id)
    except errors.DomainError:
        raise Http404


def _ics_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, max-age=300"
    return response


# --- public programme -----------------------------------------------------------------------------------
def programme(request):
    """The upcoming sessions, soonest first, with seats left; a support group once, at its next meeting. Open
    to anonymous visitors (every hub). A caregiver (or the person the desk books for) starts from their home
    hub and its district's; `where=all`, a hub or a district widens or moves it."""
    access = access_for(request.user)
    for_person = _person_from_query(request, access)
    person = for_person or access.person
    near = selectors.near_hubs(person) if person is not None else None
    data = request.GET.copy()
    if near is not None and not data.get("where"):
        data["where"] = SessionFilter.NEAR
    filterset = SessionFilter(data or None, queryset=selectors.upcoming_sessions(), near_hubs=near,
                              home_hub=person.home_hub if person is not None else None)
    valid = filterset.is_bound and filterset.is_valid()
    sessions = selectors.one_card_per_group(filterset.qs if valid else selectors.upcoming_sessions())
    page = Paginator(sessions, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    if access.person is not None and for_person is None:
        # One query for the whole page: which of these sessions the caller already holds a place in.
        mine = selectors.my_bookings_among(access.person, [session.pk for session in page.object_list])
        for session in page.object_list:
            session.my_booking = mine.get(session.pk)
    # Only a hub the filter found (never the raw ?hub= text) makes a link: "a b" or "%00" is no URL part.
    calendar_hub = filterset.form.cleaned_data.get("hub") if valid else None
    everywhere = request.GET.copy()
    everywhere.pop("page", None)
    everywhere["where"] = SessionFilter.ALL
    return render(request, "activities/programme.html", {
        "filter": filterset, "page": page, "query_string": query.urlencode(), "calendar_hub": calendar_hub,
        "calendar_webcal": ical.webcal_url(reverse("hub-calendar", args=[calendar_hub.slug])) if calendar_hub
        else None,
        "is_near": valid and filterset.is_near, "home_hub": person.home_hub if person is not None else None,
        "everywhere_query": everywhere.urlencode(), "active_filters": filterset.active_count if valid else 0,
        "can_book_for_others": permissions.can_list_people(access), "for_person": for_person,
    })


def session_detail(request, pk):
    try:
        session = selectors.session_public(pk)
    except errors.NotFound:
        raise Http404
    access = access_for(request.user)
    return _session_page(request, access, session, for_person=_person_from_query(request, access))


def _session_page(request, access, session, *, for_person, childcare_form=None, status=200, back=None):
    """The session page. After a booking whose childcare was refused, `childcare_form` is the posted form with
    its errors (for the desk's booking for `for_person`, or else the caller's own), and `back` where it was
    to return."""
    person = access.person
    selectors.describe_for_attendance(access, session)
    bookable = (session.offers_childcare and not session.activity.is_support_group and not session.is_cancelled
                and session.starts_at > timezone.now())
    own_form = for_form = None
    if bookable:
        own_form = ChildcareForm(session=session)
        for_form = ChildcareForm(session=session, auto_id="id_for_%s")
        if childcare_form is not None and for_person is not None:
            for_form = childcare_form
        elif childcare_form is not None:
            own_form = childcare_form
    context = {
        "session": session, "activity": session.activity, "access": access, "for_person": for_person,
        "for_person_booking": selectors.my_booking_for(for_person, session),
        "my_booking": selectors.my_booking_for(person, session),
        # How a place that frees up would reach them (the page promises it): email, SMS or the hub's phone call.
        "told_by": channel_for(person)[0] if person is not None else None,
        "membership": selectors.membership_of(person, session.activity) if session.activity.is_support_group else None,
        "can_see_participants": permissions.can_see_session_participants(access, session),
        "can_programme": permissions.can_coordinate(access, session.activity.hub_id),
        "can_book_for_others": permissions.can_list_people(access),
        "is_past": session.starts_at <= timezone.now(),
        "childcare_form": own_form, "for_childcare_form": for_form, "back": back,
    }
    if context["can_see_participants"] and not session.activity.is_support_group:
        context["bookings"] = selectors.live_bookings(session)
    return render(request, "activities/session_detail.html", context, status=status)


def _waitlisted_notice(person, *, childcare_full: bool = False) -> str:
    """What the page promises after a waitlisted booking, true for the channel that will carry the news (and,
    when the seats were free but not the childcare, that this is why)."""
    values = {"name": person.full_name}
    channel = channel_for(person)[0]
    if childcare_full:
        if channel == "email":
            return _("The childcare is full: %(name)s is on the waitlist, place and childcare together, and will "
                     "get an email when both are free.") % values
        if channel == "sms":
            return _("The childcare is full: %(name)s is on the waitlist, place and childcare together, and will "
                     "get an SMS when both are free.") % values
        return _("The childcare is full: %(name)s is on the waitlist, place and childcare together. When both "
                 "are free, they will be on the hub's call list so that the desk can phone them.") % values
    if channel == "email":
        return _("The session is full: %(name)s is on the waitlist and will get an email if a place frees up.") % values
    if channel == "sms":
        return _("The session is full: %(name)s is on the waitlist and will get an SMS if a place frees up.") % values
    return _("The session is full: %(name)s is on the waitlist. If a place frees up, they will be on the hub's "
             "call list so that the desk can phone them.") % values


def _childcare_refused(request, access, pk, form, person_id, back):
    """The session page again, with the posted childcare form and why it was refused next to it (422)."""
    try:
        session = selectors.session_public(pk)
        for_person = (core_selectors.person_for(access, person_id)
                      if person_id is not None and (access.person is None or access.person.pk != person_id)
                      else None)
    except errors.DomainError:
        raise Http404
    return _session_page(request, access, session, for_person=for_person, childcare_form=form, status=422,
                         back=back)


@require_POST
def session_book(request, pk):
    """Book the caller's own place (or, with `person`, staff book for someone in their scope), with childcare
    for the children whose ages are chosen (`child_1`, `child_2`… when the session offers it)."""
    session_url = reverse("activities:session", kwargs={"pk": pk})
    if not request.user.is_authenticated:
        return login_redirect(request, session_url)
    back = safe_next_url(request, request.POST.get("next"), session_url)
    access = access_for(request.user)
    person_id = _posted_id(request.POST.get("person"))
    form, ages = None, []
    if any(name.startswith("child_") and value for name, value in request.POST.items()):
        # Only a request that asks for childcare reads the session here; the service locks and checks it.
        session = Session.objects.select_related("activity").filter(pk=pk).first()
        if session is None:
            raise Http404
        form = ChildcareForm(request.POST, session=session,
                             auto_id="id_for_%s" if person_id is not None else "id_%s")
        if not form.is_valid():
            return _childcare_refused(request, access, pk, form, person_id, back)
        ages = form.ages
    try:
        booking = services.book_session(access=access, session_id=pk, person_id=person_id,
                                        childcare=len(ages), childcare_ages=ages,
                                        companions=_posted_companions(request), confirm_clash=_clash_confirmed(request))
    except BookingClash as exc:
        return _clash_page(request, exc, action=reverse("activities:book", kwargs={"pk": pk}))
    except errors.DomainError as exc:
        if form is not None and (exc.field or "").startswith("childcare"):
            add_domain_error(form, exc)
            return _childcare_refused(request, access, pk, form, person_id, back)
        messages.error(request, str(exc.message))
        return redirect(back)
    _booked_message(request, booking)
    if person_id is None or (access.person is not None and access.person.pk == person_id):
        # The caregiver's own booking: the confirmation page (what, when, where, how to cancel, calendar).
        return redirect("activities:booking", pk=booking.pk)
    return redirect(back)


def _posted_companions(request) -> int:
    """The companions a booking form posted: 0 when none is chosen; -1 (refused by the service, with its reason)
    for anything but a small whole number."""
    raw = request.POST.get("companions", "")
    if not raw:
        return 0
    value = _posted_id(raw)
    return value if value is not None else -1


def _clash_confirmed(request) -> bool:
    return request.POST.get("confirm_clash") == "1"


def _clash_page(request, exc: BookingClash, *, action: str):
    """"You already have X at that time: book anyway?" The same form again, with everything that was posted,
    and a confirmation; or back. Works without JavaScript."""
    resend = [(name, value) for name, values in request.POST.lists() for value in values
              if name not in ("csrfmiddlewaretoken", "confirm_clash")]
    return render(request, "activities/booking_clash.html", {
        "message": exc.message, "clashes": exc.clashes, "action": action, "resend": resend,
        "back": safe_next_url(request, request.POST.get("next"), reverse("activities:programme")),
    }, status=409)


def _booked_message(request, booking) -> None:
    name = booking.person.full_name
    if booking.status == Booking.Status.CONFIRMED and booking.childcare_places:
        messages.success(request, ngettext(
            "Booked: %(name)s has a place, and childcare for %(n)d child.",
            "Booked: %(name)s has a place, and childcare for %(n)d children.", booking.childcare_places)
            % {"name": name, "n": booking.childcare_places})
    elif booking.status == Booking.Status.CONFIRMED and booking.companions:
        messages.success(request, ngettext(
            "Booked: %(name)s has a place, and %(n)d place for the person coming with them.",
            "Booked: %(name)s has a place, and %(n)d places for the people coming with them.", booking.companions)
            % {"name": name, "n": booking.companions})
    elif booking.status == Booking.Status.CONFIRMED:
        messages.success(request, _("Booked: %(name)s has a place.") % {"name": name})
    else:
        messages.warning(request, _waitlisted_notice(booking.person, childcare_full=booking.childcare_full))


@login_required
def booking_detail(request, pk):
    """The confirmation page after booking, and a booking's own page: what, when, where, how to cancel, the
    calendar file."""
    try:
        booking = selectors.booking_for(access_for(request.user), pk)
    except errors.DomainError:
        raise Http404
    return render(request, "activities/booking_detail.html", {
        "booking": booking, "session": booking.session, "activity": booking.session.activity,
        "cancel_url": reverse("activities:booking-cancel", kwargs={"pk": booking.pk}),
        "ics_url": reverse("activities:booking-ics", kwargs={"pk": booking.pk}),
        "cancellable": booking.status != Booking.Status.CANCELLED and booking.session.starts_at > timezone.now(),
        "told_by": channel_for(booking.person)[0],
    })


def _cancel_confirmation(request, booking, *, action: str, back: str):
    """"Cancel your place in X on D at T?" with one button: a tap on a list never cancels by itself."""
    return render(request, "activities/booking_cancel.html", {
        "booking": booking, "session": booking.session, "activity": booking.session.activity,
        "action": action, "back": back,
    })


@require_http_methods(["GET", "POST"])
@login_required
def booking_cancel(request, pk):
    """GET: the confirmation step naming the session; POST: cancel."""
    access = access_for(request.user)
    if request.method == "GET":
        try:
            booking = selectors.booking_for(access, pk)
        except errors.DomainError:
            raise Http404
        back = safe_next_url(request, request.GET.get("next"), reverse("activities:booking", kwargs={"pk": pk}))
        return _cancel_confirmation(request, booking, back=back,
                                    action=reverse("activities:booking-cancel", kwargs={"pk": pk}))
    try:
        booking = services.cancel_booking(access=access, booking_id=pk)
    except errors.DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The booking is cancelled. Thank you for freeing the place."))
        return redirect(safe_next_url(request, request.POST.get("next"), booking.session.get_absolute_url()))
    return redirect(safe_next_url(request, request.POST.get("next"), reverse("activities:mine")))


@login_required
def my_bookings(request):
    access = access_for(request.user)
    person = access.person
    if person is None:
        return render(request, "activities/my_bookings.html", {"person": None})
    token = services.feed_token_for(person=person)
    return render(request, "activities/my_bookings.html", {
        "person": person,
        "bookings": selectors.bookings_of(person),
        "memberships": selectors.memberships_of(person),
        **_feed_links(token.get_absolute_url()),
    })


def _feed_links(path: str) -> dict:
    """How a private feed is offered: a one-tap webcal:// link, its QR code and the plain address to copy."""
    webcal = ical.webcal_url(path)
    return {"feed_url": ical.feed_url(path), "feed_webcal": webcal,
            "feed_qr": mark_safe(ical.qr_svg(webcal, title=_("QR code of your calendar address")))}


@require_POST
def series_book(request, pk):
    """Book every coming session of an activity's series (own booking, or staff for `person`): the page lists
    each session's outcome."""
    series_url = reverse("activities:activity", kwargs={"pk": pk})
    if not request.user.is_authenticated:
        return login_redirect(request, series_url)
    access = access_for(request.user)
    back = safe_next_url(request, request.POST.get("next"), series_url)
    try:
        outcomes = services.book_series(access=access, activity_id=pk, person_id=_posted_id(request.POST.get("person")),
                                        companions=_posted_companions(request), confirm_clash=_clash_confirmed(request))
    except BookingClash as exc:
        return _clash_page(request, exc, action=reverse("activities:book-series", kwargs={"pk": pk}))
    except errors.DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect(back)
    booked = [o for o in outcomes if o.booking is not None]
    confirmed = sum(o.booking.status == Booking.Status.CONFIRMED for o in booked)
    messages.success(request, ngettext("%(n)d session booked.", "%(n)d sessions booked.", len(booked))
                     % {"n": len(booked)})
    return render(request, "activities/series_booked.html", {
        "outcomes": outcomes, "activity": outcomes[0].session.activity, "confirmed": confirmed,
        "waitlisted": len(booked) - confirmed, "back": back,
    })


def _booking_from_link(token):
    try:
        return links.booking_from_token(token)
    except errors.DomainError:
        raise Http404


def booking_link(request, token):
    """A booking seen from the signed link in its messages, without logging in: that booking only, and the
    person's first name."""
    booking = _booking_from_link(token)
    return render(request, "activities/booking_detail.html", {
        "booking": booking, "session": booking.session, "activity": booking.session.activity, "from_link": True,
        "cancel_url": reverse("activities:booking-link-cancel", kwargs={"token": token}),
        "ics_url": reverse("activities:booking-link-ics", kwargs={"token": token}),
        "cancellable": booking.status != Booking.Status.CANCELLED and booking.session.starts_at > timezone.now(),
    })


@require_http_methods(["GET", "POST"])
def booking_link_cancel(request, token):
    """The same confirmation step as for a logged-in person, then cancel by the link."""
    booking = _booking_from_link(token)
    page = reverse("activities:booking-link", kwargs={"token": token})
    if request.method == "GET":
        return _cancel_confirmation(request, booking, back=page,
                                    action=reverse("activities:booking-link-cancel", kwargs={"token": token}))
    try:
        services.cancel_booking_from_link(token=token)
    except errors.DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The booking is cancelled. Thank you for freeing the place."))
    return redirect(page)


def booking_link_ics(request, token):
    booking = _booking_from_link(token)
    content = ical.calendar([booking.session], name=booking.session.activity.title)
    return _ics_response(content, f"session-{booking.session_id}.ics")


@require_POST
@login_required
def feed_revoke(request):
    person = access_for(request.user).person
    if person is None:
        raise Http404
    services.revoke_feed_token(person=person)
    messages.success(request, _("Your old calendar address no longer works. Add the new one to your calendar."))
    return redirect("activities:mine")


@login_required
def booking_ics(request, pk):
    try:
        booking = selectors.booking_for(access_for(request.user), pk)
    except errors.DomainError:
        raise Http404
    content = ical.calendar([booking.session], name=booking.session.activity.title)
    return _ics_response(content, f"session-{booking.session_id}.ics")


def person_feed(request, secret):
    """A person's private calendar at a secret URL (calendar apps cannot log in)."""
    token = (CalendarFeedToken.objects.select_related("person")
             .filter(secret=secret, revoked_at__isnull=True, person__erased_at__isnull=True).first())
    if token is None:
        raise Http404
    content = ical.calendar(selectors.person_feed_sessions(token.person), name=_("My Vila Veïna activities"))
    return _ics_response(content, "carehub.ics")


def hub_calendar(request, slug):
    """The public feed of a hub's programme. Support groups appear as sessions, never with members."""
    try:
        hub = core_selectors.hub_by_slug(slug)
    except errors.NotFound:
        raise Http404
    content = ical.calendar(selectors.hub_feed_sessions(hub), name=hub.name)
    response = _ics_response(content, f"{hub.slug}.ics")
    response["Cache-Control"] = "public, max-age=300"
    return response


# --- front desk -----------------------------------------------------------------------------------------
@desk_required
def desk_today(request):
    """Today's sessions at the caller's hubs (or `?date=`'s), with who booked, attendance and book-on-behalf.
    A malformed, impossible or far-off date shows today, with the reason next to the date field."""
    access = access_for(request.user)
    today = timezone.localdate()
    form = DayForm(request.GET if request.GET.get("date") else None, initial={"date": today})
    day = (form.cleaned_data["date"] or today) if form.is_bound and form.is_valid() else today
    return render(request, "activities/desk_today.html", {
        "day": day, "form": form, "sessions": selectors.desk_sessions_on(access, day),
    })


@require_http_methods(["GET", "POST"])
@desk_required
def book_for(request, pk):
    """Staff book a place for someone (e.g. on the phone): find the person within scope, then book."""
    access = access_for(request.user)
    try:
        session = selectors.session_public(pk)
    except errors.NotFound:
        raise Http404
    form = PersonSearchForm(request.GET or None)
    people = []
    if form.query:
        people = core_selectors.search_people(access, query=form.query)[:25]
    elif (person := _person_from_query(request, access)) is not None:  # back from registering them
        people = [person]
    return render(request, "activities/book_for.html", {"session": session, "form": form, "people": people})


@require_POST
@login_required
def session_attendance(request, pk):
    """One form per session: who came, ticked; everyone else listed on the form did not come."""
    back = safe_next_url(request, request.POST.get("next"), reverse("activities:session", kwargs={"pk": pk}))
    try:
        saved = services.record_session_attendance(
            access=access_for(request.user), session_id=pk, attended=_posted_ids(request.POST.getlist("came")),
            listed=_posted_ids(request.POST.getlist("listed")))
    except errors.NotFound:
        raise Http404
    except errors.DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Attendance saved: %(came)d came, %(absent)d did not come.") % {
            "came": saved.came, "absent": saved.absent})
        if saved.skipped:
            messages.warning(request, ngettext(
                "%(n)d booking was cancelled meanwhile and was left as it is.",
                "%(n)d bookings were cancelled meanwhile and were left as they are.", saved.skipped)
                % {"n": saved.skipped})
    return redirect(back)


@require_http_methods(["GET", "POST"])
@desk_required
def walk_in(request, pk):
    """Someone came without a place: find them (GET), then add them as come (POST)."""
    access = access_for(request.user)
    try:
        session = selectors.session_public(pk)
    except errors.NotFound:
        raise Http404
    selectors.describe_for_attendance(access, session)
    if not session.can_see_participants or session.activity.is_support_group:
        raise Http404
    data = request.POST if request.method == "POST" else request.GET
    back = safe_next_url(request, data.get("next"), session.get_absolute_url())
    if request.method == "POST":
        try:
            booking = services.record_walk_in(access=access, session_id=pk,
                                              person_id=_posted_id(request.POST.get("person")) or 0)
        except errors.NotFound:
            raise Http404
        except errors.DomainError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("%(name)s came: added to the session.") % {"name": booking.person.full_name})
        return redirect(back)
    form = PersonSearchForm(request.GET or None, label=_("Who came? Name, phone or document number"))
    people = core_selectors.search_people(access, query=form.query)[:25] if form.query else []
    return render(request, "activities/walk_in.html", {"session": session, "form": form, "people": people,
                                                       "next": back})


@require_POST
@login_required
def booking_attendance(request, pk):
    access = access_for(request.user)
    form = AttendanceForm(request.POST)
    if form.is_valid():
        try:
            booking = services.mark_attendance(access=access, booking_id=pk,
                                               attendance=form.cleaned_data["attendance"])
        except errors.DomainError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("Attendance saved for %(name)s.") % {"name": booking.person.full_name})
    return redirect(safe_next_url(request, request.POST.get("next"), reverse("activities:today")))


# --- programming (coordinators) -------------------------------------------------------------------------
@login_required
def manage(request):
    """The coordinator's activities at their hubs."""
    access = access_for(request.user)
    hubs = coordinated_hubs(access)
    if not (access.is_admin or access.hubs_with(Role.COORDINATOR)):
        return forbidden(request)
    now = timezone.now()
    activities = (Activity.objects.filter(hub__in=hubs).select_related("hub")
                  .annotate(upcoming=Count("sessions", filter=Q(sessions__starts_at__gte=now,
                                                                 sessions__status=Session.Status.SCHEDULED)))
                  .order_by("-upcoming", "title"))
    page = Paginator(activities, 30).get_page(request.GET.get("page"))
    return render(request, "activities/manage.html", {"page": page, "hubs": hubs})


@require_http_methods(["GET", "POST"])
@login_required
def activity_new(request):
    access = access_for(request.user)
    hubs = coordinated_hubs(access)
    hub = hubs.filter(slug=request.GET.get("hub", "")).first() or (hubs.first() if hubs.count() == 1 else None)
    if not hubs.exists():
        return forbidden(request)
    if hub is None:
        return render(request, "activities/choose_hub.html", {"hubs": hubs})
    form = ActivityForm(request.POST or None, hub=hub, initial={"language": request.LANGUAGE_CODE})
    series_form = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        series_form, dates = _series_dates(request, data)
        try:
            if series_form is not None and dates is None:
                raise _Preview
            activity = services.create_activity(
                access=access, hub=hub, title=data["title"], kind=data["kind"], language=data["language"],
                description=data["description"], place=data["place"],
                accessibility_notes=data["accessibility_notes"], translations=data, capacity=data["capacity"],
                starts_at=data["starts_at"], ends_at=data["ends_at"], frequency=data["frequency"],
                occurrences=data["occurrences"], until=data["until"],
                booking_opens_days_before=data["booking_opens_days_before"], facilitator=data["facilitator"],
                childcare_places=data["childcare_places"], childcare_max_age=data["childcare_max_age"],
                companion_places=data["companion_places"] or 0,
                dates=dates,
            )
        except _Preview:
            pass
        except errors.DomainError as exc:
            exc.field = TIME_FIELDS.get(exc.field, exc.field)
            if exc.field == "dates" and series_form is not None:
                add_domain_error(series_form, exc)
            else:
                series_form = None
                add_domain_error(form, exc)
        else:
            count = activity.sessions.count()
            messages.success(request, ngettext("“%(title)s” is programmed with %(n)d session.",
                                               "“%(title)s” is programmed with %(n)d sessions.", count)
                             % {"title": activity.title, "n": count})
            return redirect("activities:activity", pk=activity.pk)
    return render(request, "activities/activity_form.html", {"form": form, "hub": hub, "activity": None,
                                                             "series_form": series_form})


class _Preview(Exception):
    """A series is shown before it is saved: not yet posted from its own preview."""


def _series_dates(request, data) -> tuple[SeriesDatesForm | None, list | None]:
    """For a series: the preview of its dates (holidays unticked and named) and, when posted from that very
    preview with "save", the dates ticked; (None, None) for a one-off, saved at once. The form's own checks
    (times, until) come first: a plan is only drawn for times the service would accept."""
    if data.get("frequency") in (None, Frequency.ONCE) or not data.get("starts_at"):
        return None, None
    if (data.get("occurrences") is None and data.get("until") is None) or data["starts_at"] <= timezone.now() or (
            data.get("until") and data["until"] < data["starts_at"].date()):
        return None, None  # the service refuses it, with the reason next to the field
    planned = recurrence.plan(starts_at=data["starts_at"], ends_at=data["ends_at"], frequency=data["frequency"],
                              occurrences=data["occurrences"], until=data["until"])
    posted = request.POST if "save_series" in request.POST else None
    series_form = SeriesDatesForm(posted, planned=planned)
    if posted is not None and series_form.is_valid() and series_form.is_for_this_plan:
        return series_form, series_form.chosen
    if posted is not None:
        # Times or frequency changed since the preview: show the new dates, ticked afresh.
        series_form = SeriesDatesForm(planned=planned)
        series_form.changed = True
    return series_form, None




@require_http_methods(["GET", "POST"])
@login_required
def activity_edit(request, pk):
    access = access_for(request.user)
    activity = Activity.objects.select_related("hub").filter(pk=pk).first()
    if activity is None or not permissions.can_coordinate(access, activity.hub_id):
        raise Http404
    fields = ("title", "description", "language", "place", "accessibility_notes", "booking_opens_days_before",
              "facilitator", *services.TRANSLATED_ACTIVITY_COLUMNS)
    if not activity.is_support_group:
        fields += ("childcare_places", "childcare_max_age", "companion_places")
    form = ActivityForm(request.POST or None, hub=activity.hub, editing=True,
                        support_group=activity.is_support_group,
                        initial=form_initial(activity, fields))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_activity(access=access, activity_id=activity.pk,
                                     **{name: form.cleaned_data[name] for name in fields})
        except errors.DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("activities:activity", pk=activity.pk)
    return render(request, "activities/activity_form.html", {"form": form, "hub": activity.hub, "activity": activity})


def activity_detail(request, pk):
    """An activity and its upcoming sessions (public)."""
    activity = Activity.objects.select_related("hub").filter(pk=pk, hub__is_active=True).first()
    if activity is None:
        raise Http404
    access = access_for(request.user)
    sessions = activity.sessions.filter(ends_at__gte=timezone.now()).order_by("starts_at")[:60]
    return render(request, "activities/activity_detail.html", {
        "activity": activity, "sessions": sessions,
        "can_programme": permissions.can_coordinate(access, activity.hub_id),
        "can_manage_group": activity.is_support_group and permissions.can_manage_support_group(access, activity),
        "membership": selectors.membership_of(access.person, activity) if activity.is_support_group else None,
    })


def _coordinated_session(access, pk) -> Session:
    """The session, for a coordinator of its hub; 404 for anyone else."""
    session = Session.objects.select_related("activity__hub").filter(pk=pk).first()
    if session is None or not permissions.can_coordinate(access, session.activity.hub_id):
        raise Http404
    return session


@require_http_methods(["GET", "POST"])
@login_required
def session_edit(request, pk):
    access = access_for(request.user)
    session = _coordinated_session(access, pk)
    form = SessionChangeForm(request.POST or None, initial=SessionChangeForm.initial_for(session))
    cancel_form = SessionCancelForm(prefix="cancel")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            changed = services.change_session(
                access=access, session_id=session.pk, starts_at=data["starts_at"], ends_at=data["ends_at"],
                capacity=data["capacity"], scope=data["scope"])
        except errors.DomainError as exc:
            exc.field = TIME_FIELDS.get(exc.field, exc.field)
            add_domain_error(form, exc)
        else:
            messages.success(request, ngettext(
                "%(n)d session changed; everyone booked will be told about a new time.",
                "%(n)d sessions changed; everyone booked will be told about a new time.", len(changed))
                % {"n": len(changed)})
            return redirect(session)
    return render(request, "activities/session_edit.html", {"session": session, "form": form,
                                                            "cancel_form": cancel_form})


@require_POST
@login_required
def session_cancel(request, pk):
    access = access_for(request.user)
    session = _coordinated_session(access, pk)
    cancel_form = SessionCancelForm(request.POST, prefix="cancel")
    if cancel_form.is_valid():
        try:
            changed = services.change_session(access=access, session_id=pk, cancel=True,
                                              scope=cancel_form.cleaned_data["scope"])
        except errors.DomainError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, ngettext("%(n)d session cancelled; everyone booked will be told.",
                                               "%(n)d sessions cancelled; everyone booked will be told.", len(changed))
                             % {"n": len(changed)})
            return redirect(session)
    form = SessionChangeForm(initial=SessionChangeForm.initial_for(session))
    return render(request, "activities/session_edit.html", {"session": session, "form": form,
                                                            "cancel_form": cancel_form}, status=400)


# --- support groups -------------------------------------------------------------------------------------
@login_required
def groups(request):
    access = access_for(request.user)
    managed = selectors.groups_managed_by(access).annotate(
        members=Count("memberships", filter=Q(memberships__status=GroupMembership.Status.MEMBER)),
        requests=Count("memberships", filter=Q(memberships__status=GroupMembership.Status.REQUESTED)),
    )
    if not managed.exists() and not (access.hubs_with(Role.FACILITATOR, Role.COORDINATOR) or access.is_admin):
        return forbidden(request)
    return render(request, "activities/groups.html", {"groups": managed})


@require_http_methods(["GET", "POST"])
@login_required
def group_detail(request, pk):
    """Members, requests and sessions of a support group: only its facilitator and the hub's coordinator."""
    access = access_for(request.user)
    try:
        group = selectors.group_for_manager(access, pk)
    except errors.NotFound:
        raise Http404
    enrol_form = PersonSearchForm(request.GET or None, label=_("Find a person to enrol"))
    candidates = []
    can_enrol = permissions.can_list_people(access)
    if can_enrol and enrol_form.query:
        candidates = core_selectors.search_people(access, query=enrol_form.query)[:20]
    sessions = group.sessions.order_by("starts_at")
    now = timezone.now()
    return render(request, "activities/group_detail.html", {
        "group": group, "memberships": selectors.group_memberships(access, group),
        "enrol_form": enrol_form, "candidates": candidates, "can_enrol": can_enrol,
        "past_sessions": sessions.filter(starts_at__lt=now).order_by("-starts_at")[:10],
        "next_sessions": sessions.filter(starts_at__gte=now)[:10],
    })


@require_POST
@login_required
def group_enrol(request, pk):
    access = access_for(request.user)
    try:
        membership = services.enrol_member(access=access, activity_id=pk,
                                           person_id=_posted_id(request.POST.get("person")) or 0)
    except errors.DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("%(name)s is now a member.") % {"name": membership.person.full_name})
    return redirect("activities:group", pk=pk)


@require_POST
@login_required
def membership_decide(request, pk):
    access = access_for(request.user)
    approve = request.POST.get("decision") == "approve"
    try:
        membership = services.decide_membership(access=access, membership_id=pk, approve=approve)
    except errors.NotFound:
        raise Http404
    except errors.DomainError as exc:
        messages.error(request, str(exc.message))
        membership = GroupMembership.objects.get(pk=pk)
    else:
        messages.success(request, _("Saved."))
    return redirect("activities:group", pk=membership.activity_id)


@require_POST
def group_request(request, pk):
    """A caregiver asks to join a support group."""
    activity_url = reverse("activities:activity", kwargs={"pk": pk})
    if not request.user.is_authenticated:
        return login_redirect(request, activity_url)
    try:
        services.request_to_join(access=access_for(request.user), activity_id=pk)
    except errors.NotFound:
        raise Http404
    except errors.DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Your request is sent. The facilitator will contact you."))
    return redirect(activity_url)


@require_POST
@login_required
def group_leave(request, pk):
    try:
        services.leave_group(access=access_for(request.user), activity_id=pk)
    except errors.DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("You have left the group."))
    return redirect("activities:mine")


@require_http_methods(["GET", "POST"])
@login_required
def group_attendance(request, pk):
    """The facilitator ticks who came to one session of their group."""
    access = access_for(request.user)
    session = Session.objects.select_related("activity__hub").filter(pk=pk).first()
    if (session is None or not session.activity.is_support_group
            or not permissions.can_manage_support_group(access, session.activity)):
        raise Http404
    members = list(selectors.group_memberships(access, session.activity)
                   .filter(status=GroupMembership.Status.MEMBER))
    if request.method == "POST":
        attended = {person_id for v in request.POST.getlist("attended") if (person_id := _posted_id(v))}
        try:
            services.record_group_attendance(access=access, session_id=pk, attended_person_ids=attended)
        except errors.DomainError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("Attendance saved."))
            return redirect("activities:group", pk=session.activity_id)
    recorded = selectors.group_attendance(access, session)
    for membership in members:
        membership.came = recorded.get(membership.person_id, False)
    return render(request, "activities/group_attendance.html", {
        "session": session, "members": members, "recorded": recorded,
        "can_take": session.starts_at <= timezone.now() and not session.is_cancelled,
    })
