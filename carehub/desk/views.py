"""The desk screen. Thin: people and calls from `carehub.desk.selectors`, each app's panel and actions from
the registry (`desk_panel`), every write in a service.

Every action is a plain form: without JavaScript a POST ends in a redirect back to the person's screen
(post/redirect/get), whose scan field has the focus again; `static/desk/desk.js` sends the same forms with
fetch and swaps the screen in place. The outcome of the last action waits in the session for the next
screen (not in `django.contrib.messages`, which the base template shows elsewhere) so that it is printed in
the screen's status region, the one the scan field is described by.
"""

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from carehub import errors
from carehub.notifications import phones
from carehub.permissions import access_for
from carehub.web import desk_required

from . import selectors
from .cards import barcode_svg, card_number
from .forms import FindForm, ScanForm
from .panels import Outcome

OUTCOME_KEY = "desk_outcome"
MAX_ID = 2**31 - 1  # a larger number in a URL is nobody (and would overflow SQLite's integer)


def _person_or_404(access, pk):
    if pk > MAX_ID:
        raise Http404
    try:
        return selectors.desk_person(access, pk)
    except errors.DomainError:
        raise Http404


def _keep(request, outcome: Outcome) -> None:
    request.session[OUTCOME_KEY] = {"ok": outcome.ok, "message": str(outcome.message),
                                    "details": [str(line) for line in outcome.details]}


def _kept(request) -> Outcome | None:
    kept = request.session.pop(OUTCOME_KEY, None)
    if not isinstance(kept, dict):
        return None
    return Outcome(ok=bool(kept.get("ok")), message=kept.get("message", ""), details=kept.get("details", []))


def _screen_url(person_id: int) -> str:
    return reverse("desk:person", kwargs={"pk": person_id})


@desk_required
def find(request):
    """The landing page: one field for a name, phone or document fragment, a card, or an item's tag."""
    access = access_for(request.user)
    person_id = request.GET.get("person", "")
    if person_id.isdigit() and int(person_id) <= MAX_ID:  # back from registering someone new
        return redirect(_screen_url(_person_or_404(access, int(person_id)).pk))
    form = FindForm(request.GET or None)
    query = form.query
    people = None
    if query:
        person = selectors.person_from_card(access, query)
        if person is not None:
            return redirect(_screen_url(person.pk))
        if len(selectors.tokens(query)) == 1:
            for _label, panel in selectors.panel_classes():
                url = panel.locate(access, query)
                if url:
                    return redirect(url)
        people = selectors.find_people(access, query)
        if len(people) == 1:
            return redirect(_screen_url(people[0].pk))
    register_url = reverse("person-register") + "?next=" + reverse("desk:find")
    return render(request, "desk/find.html", {
        "form": form, "query": query, "people": people[: selectors.PEOPLE_SHOWN] if people else people,
        "more": people is not None and len(people) > selectors.PEOPLE_SHOWN, "register_url": register_url,
        "outcome": _kept(request),
    })


def _render_screen(request, access, person, *, outcome=None, scan_form=None, status=200):
    today = timezone.localdate()
    step = outcome.step if outcome is not None else None
    if scan_form is None:
        initial = {"scan": outcome.scan_value} if outcome is not None and outcome.scan_value else None
        scan_form = ScanForm(initial=initial)
    scan_error = outcome is not None and not outcome.ok and step is None
    if scan_error:
        scan_form.fields["scan"].widget.attrs["aria-invalid"] = "true"
    return render(request, "desk/screen.html", {
        "person": person,
        "card_number": card_number(person),
        "phone_display": phones.for_display(person.phone),
        "scan_form": scan_form,
        "scan_error": scan_error,
        "outcome": outcome,
        "step": step,
        "step_context": outcome.context if outcome is not None else {},
        "panels": selectors.panels(access, person, today=today),
        "calls": selectors.calls_waiting(access, person),
        "today": today,
    }, status=status)


def _answer(request, access, person, outcome: Outcome):
    """A POST's outcome: done → back to the (maybe other) person's screen with the message kept; refused or
    needing more details → the screen again, with the step and the status code."""
    if outcome.redirect:
        if outcome.message:
            _keep(request, outcome)
        return redirect(outcome.redirect)
    if outcome.ok and outcome.step is None and (request.method == "POST" or outcome.person_id):
        _keep(request, outcome)
        return redirect(_screen_url(outcome.person_id or person.pk))
    return _render_screen(request, access, person, outcome=outcome, status=outcome.status)


@desk_required
def person_screen(request, pk):
    access = access_for(request.user)
    person = _person_or_404(access, pk)
    return _render_screen(request, access, person, outcome=_kept(request))


@desk_required
@require_POST
def scan(request, pk):
    """The scan field: another person's card opens their screen; anything else goes to the apps in panel
    order (lending takes asset tags)."""
    access = access_for(request.user)
    person = _person_or_404(access, pk)
    form = ScanForm(request.POST)
    if not form.is_valid():
        return _render_screen(request, access, person, scan_form=form, status=422,
                              outcome=Outcome(ok=False, message=_("Scan or type an asset tag first.")))
    text = form.cleaned_data["scan"]
    tokens = selectors.tokens(text)[: selectors.TOKENS_READ]
    cards = [found for found in (selectors.person_from_card(access, token) for token in tokens) if found]
    if cards and len(tokens) == 1:
        return _answer(request, access, person, Outcome(
            message=_("Card scanned: %(name)s.") % {"name": cards[0].full_name}, person_id=cards[0].pk))
    if cards:
        return _answer(request, access, person, Outcome(
            ok=False, status=422, scan_value=text,
            message=_("A person's card was scanned with the tags: scan the card on its own.")))
    for _label, panel in selectors.panel_classes():
        outcome = panel.scan(request, access, person, tokens)
        if outcome is not None:
            if not outcome.ok and not outcome.scan_value:
                outcome.scan_value = text
            return _answer(request, access, person, outcome)
    return _answer(request, access, person, Outcome(
        ok=False, status=404, scan_value=text, message=_("Nothing found for what was scanned.")))


@desk_required
@require_http_methods(["GET", "POST"])
def action(request, pk, app, name, obj_id=None):
    """An app's action on the screen (registry `desk_panel`): GET shows its step, POST does it."""
    access = access_for(request.user)
    person = _person_or_404(access, pk)
    panel = selectors.panel_class(app)
    perform = getattr(panel, "actions", {}).get(name) if panel is not None else None
    if perform is None or (obj_id is not None and obj_id > MAX_ID):
        raise Http404
    try:
        outcome = perform(request, access, person, obj_id)
    except errors.NotFound:
        raise Http404
    return _answer(request, access, person, outcome)


@desk_required
@require_POST
def call_done(request, pk, message_id):
    """Done: the desk phoned the person about a message (the call list's button, from the screen)."""
    from carehub.notifications.services import mark_called

    access = access_for(request.user)
    person = _person_or_404(access, pk)
    if message_id > MAX_ID:
        raise Http404
    try:
        message = selectors.call_of(access, person, message_id)
        mark_called(access, message)
    except errors.NotFound:
        raise Http404
    except errors.DomainError as exc:
        return _answer(request, access, person, Outcome(ok=False, status=exc.status, message=str(exc.message)))
    return _answer(request, access, person, Outcome(message=_("Done: the call is recorded.")))


@desk_required
def card(request, pk):
    """A printable person card: name, hub and the card number as a Code 128 barcode the desk scans."""
    access = access_for(request.user)
    person = _person_or_404(access, pk)
    number = card_number(person)
    return render(request, "desk/card.html", {
        "person": person, "card_number": number,
        "barcode": barcode_svg(number, label=_("Barcode of card number %(number)s") % {"number": number}),
    })
