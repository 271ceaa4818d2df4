"""Pages of the lending bank: the public availability page and the front desk. Thin: the work is in
`services` (writes) and `selectors` (reads, already scoped by `carehub.permissions`).

Action buttons are small POST forms that redirect back (post/redirect/get), so every flow works without
JavaScript and a reload never repeats an action. A refused action shows the service's message.
"""

from datetime import timedelta
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from carehub import errors, permissions
from carehub import selectors as core_selectors
from carehub.forms import PersonSearchForm, add_domain_error
from carehub.permissions import access_for
from carehub.web import desk_hubs, desk_required, run_service

from . import forms, labels, selectors, services
from .filters import ItemFilter, LoanFilter
from .models import RENEWAL_REFUSALS, Cleaning, DepositStatus, HoldStatus, ItemStatus

PAGE_SIZE = 50


def _item_or_404(access, tag):
    try:
        return selectors.item_for(access, tag)
    except errors.NotFound:
        raise Http404


def _pick_person(request, access, search_form, *, not_found_message=None):
    """The person chosen on a desk form (`?person=` or the posted field), else the people matching the
    search box: (person, people found or None)."""
    person = None
    person_id = request.POST.get("person") or request.GET.get("person")
    if person_id:
        try:
            person = core_selectors.person_for(access, int(person_id))
        except (ValueError, errors.DomainError):
            if not_found_message:
                messages.error(request, not_found_message)
    people = None
    if person is None and search_form.query:
        people = core_selectors.search_people(access, query=search_form.query)[:20]
    return person, people


def _run_with_form(request, form, invalid_message, perform, done) -> None:
    """A POST button with a small form whose fields are `perform`'s remaining keyword arguments: run it when
    the form is valid (showing the service's refusal or `done`), else say what is missing."""
    if form.is_valid():
        run_service(request, lambda: perform(**form.cleaned_data), done)
    else:
        messages.error(request, invalid_message)


def _paginated(request, queryset, params):
    """A page of `queryset` and the query string of the other pages' links (the filters, not the page)."""
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = params.copy()
    query.pop("page", None)
    return page, query.urlencode()


# --- public ---------------------------------------------------------------------------------------------
def availability(request):
    """Which hubs have an item of each type available now. Public: counts only, no personal data."""
    form = forms.AvailabilityForm(request.GET or None)
    hub = item_type = None
    if form.is_valid():
        hub, item_type = form.cleaned_data["hub"], form.cleaned_data["type"]
    rows = list(selectors.availability(hub=hub, item_type=item_type))
    person = access_for(request.user).person
    join_form = forms.JoinWaitlistForm() if person is not None and person.home_hub_id else None
    return render(request, "lending/availability.html", {"form": form, "rows": rows, "item_type": item_type,
                                                         "join_form": join_form, "person": person})


@login_required
@require_POST
def join_waitlist(request):
    """A caregiver joins the waiting list for a type at their home hub (offered at once if one is ready)."""
    access = access_for(request.user)
    person = access.person
    form = forms.JoinWaitlistForm(request.POST)
    if person is None or not form.is_valid():
        messages.error(request, _("Choose a type of item."))
        return redirect("lending:availability")
    try:
        hold = services.place_hold(access=access, hub=person.home_hub, item_type=form.cleaned_data["item_type"],
                                   person_id=person.pk, need_category=form.cleaned_data["need_category"])
    except errors.DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("lending:availability")
    if hold.status == HoldStatus.OFFERED:
        messages.success(request, _("One is ready for you: collect it at your hub within 3 days."))
    else:
        messages.success(request, _("You are on the waiting list. We will let you know when one is ready."))
    return redirect("account")


# --- the desk -------------------------------------------------------------------------------------------
@desk_required
def desk(request):
    """The lending desk: the scan box, and what needs doing now at the caller's hubs."""
    access = access_for(request.user)
    loans = selectors.loans_visible_to(access)
    items = selectors.items_visible_to(access)
    today = timezone.localdate()
    context = {
        "tag_form": forms.TagForm(),
        "overdue": selectors.loans_by_status(loans, "overdue", today).order_by("due_on")[:10],
        "due_soon": selectors.loans_by_status(loans, "due_soon", today).order_by("due_on")[:10],
        "renewal_requests": loans.filter(returned_at__isnull=True, renewal_requested_at__isnull=False)[:10],
        "cleaning": items.filter(status=ItemStatus.CLEANING).order_by("asset_tag")[:20],
        "ready": selectors.holds_visible_to(access).filter(status=HoldStatus.OFFERED).order_by("offer_expires_at")[:20],
        "hub_ids": permissions.people_hub_ids(access),
        "deposits": selectors.deposits_on(access, today),
    }
    return render(request, "lending/desk.html", context)


@desk_required
def find(request):
    """The scan box's target: go straight to the item's page."""
    form = forms.TagForm(request.GET or None)
    if form.is_valid():
        try:
            item = selectors.item_for(access_for(request.user), form.cleaned_data["tag"])
        except errors.NotFound as exc:
            form.add_error("tag", str(exc.message))
        else:
            return redirect(item)
    return render(request, "lending/find.html", {"tag_form": form}, status=404 if form.is_bound else 200)


@desk_required
def item_detail(request, tag):
    access = access_for(request.user)
    item = _item_or_404(access, tag)
    loan = selectors.current_loan(item) if item.status == ItemStatus.ON_LOAN else None
    offer = selectors.current_offer(item) if item.status == ItemStatus.RESERVED else None
    today = timezone.localdate()
    context = {
        "item": item,
        "loan": loan,
        "offer": offer,
        "today": today,
        "expired": item.is_expired(today),
        "safety_due_on": item.safety_check_due_on(),
        "safety_overdue": item.safety_check_overdue(today),
        "lendable": item.is_lendable_on(today),
        "history": selectors.history_entries(item, limit=20),
        "cleanings": Cleaning.objects.filter(item=item).select_related("cleaned_by")[:5],
        "return_form": forms.ReturnForm(prefix="return"),
        "clean_form": forms.NotesForm(prefix="clean"),
        "repair_form": forms.RepairForm(prefix="repair"),
        "safety_form": forms.SafetyCheckForm(prefix="safety"),
        "retire_form": forms.RetireForm(prefix="retire"),
        "transfer_form": forms.TransferForm(prefix="transfer"),
        "can_retire": permissions.can_coordinate(access, item.hub_id),
        "can_manage_stock": permissions.can_act_for_people_at(access, item.hub_id),
    }
    context["more_actions"] = bool(
        item.item_type.safety_check_every_days
        or item.status == ItemStatus.AVAILABLE
        or (context["can_retire"] and item.status not in (ItemStatus.RETIRED, ItemStatus.ON_LOAN))
    )
    return render(request, "lending/item_detail.html", context)


# action in the URL -> (form, its prefix on the item page, service, message). Each form's fields are exactly
# the service's keyword arguments besides the caller and the tag.
ITEM_ACTIONS = {
    "clean": (forms.NotesForm, "clean", services.mark_cleaned, gettext_lazy("Cleaning recorded.")),
    "repair": (forms.RepairForm, "repair", services.mark_repaired, gettext_lazy("Repair recorded.")),
    "safety-check": (forms.SafetyCheckForm, "safety", services.record_safety_check,
                     gettext_lazy("Safety check recorded.")),
    "retire": (forms.RetireForm, "retire", services.retire_item, gettext_lazy("The item is retired.")),
    "transfer": (forms.TransferForm, "transfer", services.create_transfer, gettext_lazy("Transfer recorded.")),
}


@desk_required
@require_POST
def item_action(request, tag, action):
    """Clean, repair, record a safety check, retire or send an item (POST, then back to the item)."""
    access = access_for(request.user)
    item = _item_or_404(access, tag)
    if action not in ITEM_ACTIONS:
        raise Http404
    form_class, prefix, perform, done = ITEM_ACTIONS[action]
    form = form_class(request.POST, prefix=prefix)
    if form.is_valid():
        run_service(request, lambda: perform(access=access, item_tag=item.asset_tag, **form.cleaned_data), done)
    else:
        for field_errors in form.errors.values():
            for error in field_errors:
                messages.error(request, error)
    return redirect(item)


@desk_required
def label(request, tag):
    """One printable label: the asset tag as a Code 128 barcode and a QR code, and in large letters."""
    item = _item_or_404(access_for(request.user), tag)
    return render(request, "lending/label.html", {"item": item, "label": labels.label_for(item)})


@desk_required
def label_sheet(request):
    """A4 sheets of 24 labels (3 × 8, 70 × 37 mm) for the items ticked on the item list, or for every item of a
    hub and/or a type. Printed from the browser; the page's navigation is not printed."""
    access = access_for(request.user)
    form = forms.LabelSheetForm(request.GET or None, hubs=desk_hubs(access))
    items, skip = [], 0
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        items = selectors.items_for_labels(access, tags=data["tag"], hub=data["hub"], item_type=data["type"])
        skip = data["skip"] or 0
    return render(request, "lending/label_sheet.html", {
        "form": form, "items": items, "sheets": labels.sheets(items, skip=skip) if items else [],
        "max_labels": labels.MAX_LABELS,
    })


def _svg_response(svg: str) -> HttpResponse:
    return HttpResponse('<?xml version="1.0" encoding="UTF-8"?>\n' + svg, content_type="image/svg+xml")


@desk_required
def label_svg(request, tag):
    """The QR code alone, as an SVG file (for label printers)."""
    import io

    item = _item_or_404(access_for(request.user), tag)
    buffer = io.BytesIO()
    labels.qr_code(item.asset_tag).save(buffer, kind="svg", scale=6, xmldecl=True)
    return HttpResponse(buffer.getvalue(), content_type="image/svg+xml")


@desk_required
def barcode_svg(request, tag):
    """The Code 128 barcode alone, as an SVG file (for label printers)."""
    item = _item_or_404(access_for(request.user), tag)
    return _svg_response(labels.code128_svg(item.asset_tag))


@desk_required
@require_http_methods(["GET", "POST"])
def lend(request, tag):
    """Lend an item: find the borrower (or register them and come back), then confirm the details."""
    access = access_for(request.user)
    item = _item_or_404(access, tag)
    search_form = PersonSearchForm(request.GET or None,
                                   label=gettext_lazy("Find the borrower: name, phone or document number"))
    person, people = _pick_person(request, access, search_form,
                                  not_found_message=_("No person with this number in your hub."))
    default_due = timezone.localdate() + timedelta(days=item.item_type.default_loan_days)
    form = None
    if person is not None:
        form = forms.LendForm(request.POST if request.method == "POST" else None,
                              initial={"person": person.pk, "due_on": default_due})
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                loan = services.lend_item(
                    access=access, item_tag=item.asset_tag, borrower_id=person.pk, due_on=data["due_on"],
                    for_name=data["for_name"], need_category=data["need_category"],
                    referral_reference=data["referral_reference"], override_reason=data["override_reason"],
                    deposit_waived=data["deposit_waived"], deposit_waiver_reason=data["deposit_waiver_reason"],
                    deposit_method=data["deposit_method"],
                )
            except errors.DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("Lent to %(name)s until %(date)s.") % {
                    "name": person.full_name, "date": formats.date_format(loan.due_on, "SHORT_DATE_FORMAT")})
                return redirect(loan)
    register_url = reverse("person-register") + "?next=" + reverse("lending:lend", kwargs={"tag": item.asset_tag})
    return render(request, "lending/lend.html", {
        "item": item, "search_form": search_form, "people": people, "person": person, "form": form,
        "register_url": register_url, "default_due": default_due,
    })


# --- loans ----------------------------------------------------------------------------------------------
# Lazy: translated when a page shows them, in that request's language (not once, at import).
LIST_TITLES = {
    "active": gettext_lazy("Active loans"),
    "due_soon": gettext_lazy("Loans due in the next 7 days"),
    "overdue": gettext_lazy("Overdue loans"),
    "returned": gettext_lazy("Returned loans"),
}


@desk_required
def loan_list(request):
    """Active, due-soon, overdue or returned loans of the caller's hubs, with the borrower's contact."""
    access = access_for(request.user)
    status = request.GET.get("status") or "active"
    if status not in LIST_TITLES:
        status = "active"
    params = request.GET.copy()
    params["status"] = status
    filterset = LoanFilter(params, queryset=selectors.loans_visible_to(access))
    filterset.form.fields["hub"].queryset = desk_hubs(access)
    loans = filterset.qs
    loans = loans.order_by("-returned_at", "-id") if status == "returned" else loans.order_by("due_on", "id")
    page, query_string = _paginated(request, loans, params)
    return render(request, "lending/loan_list.html", {
        "page": page, "status": status, "title": LIST_TITLES[status], "filter": filterset,
        "statuses": LIST_TITLES, "query_string": query_string, "today": timezone.localdate(),
    })


@desk_required
def loan_detail(request, pk):
    """A loan's page, for the staff of its hub (a caregiver's own loan shows on their account page): its
    deposit, whether it can be renewed (and why not), the borrower's renewal request, its history."""
    try:
        loan = selectors.loan_at_desk(access_for(request.user), pk)
    except errors.NotFound:
        raise Http404
    today = timezone.localdate()
    refusal = ""
    if loan.is_active:
        refusal = loan.renewal_refusal(today, someone_waiting=selectors.someone_waiting_for(loan))
    return render(request, "lending/loan_detail.html", {
        "loan": loan, "history": selectors.history_entries(loan, limit=50), "today": today,
        "return_form": forms.ReturnForm(prefix="return"),
        "renewal_refusal": RENEWAL_REFUSALS.get(refusal, ""),
        "decline_form": forms.DeclineRenewalForm(prefix="decline",
                                                 initial={"reason": RENEWAL_REFUSALS.get(refusal, "")}),
        "collect_form": forms.CollectDepositForm(prefix="collect"),
        "refund_form": forms.RefundDepositForm(prefix="refund"),
        "waive_form": forms.WaiveDepositForm(prefix="waive"),
        "deposit_statuses": DepositStatus,
    })


@desk_required
def loan_agreement(request, pk):
    """The loan agreement to print and sign, in the borrower's language (not the desk's)."""
    try:
        loan = selectors.loan_at_desk(access_for(request.user), pk)
    except errors.NotFound:
        raise Http404
    with translation.override(loan.borrower.preferred_language or None):
        return render(request, "lending/agreement.html", {"loan": loan, "hub": loan.hub})


# action in the URL -> (form, its prefix on the loan page, service, message). Each form's fields are exactly
# the service's keyword arguments besides the caller and the loan.
LOAN_ACTIONS = {
    "decline-renewal": (forms.DeclineRenewalForm, "decline", services.decline_renewal,
                        gettext_lazy("Renewal declined. The person is told why.")),
    "collect-deposit": (forms.CollectDepositForm, "collect", services.collect_deposit,
                        gettext_lazy("Deposit collected.")),
    "refund-deposit": (forms.RefundDepositForm, "refund", services.refund_deposit,
                       gettext_lazy("Deposit refunded.")),
    "waive-deposit": (forms.WaiveDepositForm, "waive", services.waive_deposit, gettext_lazy("Deposit waived.")),
}


@desk_required
@require_POST
def loan_action(request, pk, action):
    access = access_for(request.user)
    if action == "return":
        _run_with_form(request, forms.ReturnForm(request.POST, prefix="return"),
                       _("Choose the condition of the returned item."),
                       partial(services.return_loan, access=access, loan_id=pk), _("Return recorded."))
    elif action in LOAN_ACTIONS:
        form_class, prefix, perform, done = LOAN_ACTIONS[action]
        form = form_class(request.POST, prefix=prefix)
        if form.is_valid():
            run_service(request, lambda: perform(access=access, loan_id=pk, **form.cleaned_data), done)
        else:
            for field_errors in form.errors.values():
                for error in field_errors:
                    messages.error(request, error)
    elif action == "renew":
        run_service(request, lambda: services.renew_loan(access=access, loan_id=pk), _("Loan renewed."))
    else:
        raise Http404
    try:
        return redirect(selectors.loan_for(access, pk))
    except errors.NotFound:
        raise Http404


def _on_own_account(perform, done):
    """A caregiver's action on their own loan or hold, from their account page: POST, then back there."""

    @login_required
    @require_POST
    def view(request, pk):
        access = access_for(request.user)
        run_service(request, lambda: perform(access, pk), done)
        return redirect("account")

    return view


# A caregiver asks for their own loan to be renewed; leaves a waiting list.
request_renewal = _on_own_account(lambda access, pk: services.request_renewal(access=access, loan_id=pk),
                                  gettext_lazy("Renewal requested. The hub will confirm it."))
cancel_own_hold = _on_own_account(lambda access, pk: services.cancel_hold(access=access, hold_id=pk),
                                  gettext_lazy("You have left the waiting list."))


# --- stock ----------------------------------------------------------------------------------------------
@desk_required
def stock(request):
    """Stock by hub and type: how many items in each state, and how many people wait."""
    hub_ids = permissions.people_hub_ids(access_for(request.user))
    rows = list(selectors.stock_by_type(hub_ids))
    waiting = selectors.waiting_counts(hub_ids)
    for row in rows:
        row["waiting"] = waiting.get((row["hub_id"], row["item_type_id"]), 0)
    return render(request, "lending/stock.html", {"rows": rows})


@desk_required
def stock_items(request):
    """The items of one type (or in one state) at the caller's hubs."""
    access = access_for(request.user)
    filterset = ItemFilter(request.GET or None, queryset=selectors.items_visible_to(access))
    filterset.form.fields["hub"].queryset = desk_hubs(access)
    page, query_string = _paginated(request, filterset.qs.order_by("asset_tag"), request.GET)
    today = timezone.localdate()
    for item in page.object_list:
        item.blocked = item.blocked_reason(today) if item.status == ItemStatus.AVAILABLE else ""
    return render(request, "lending/item_list.html", {"filter": filterset, "page": page,
                                                      "query_string": query_string})


@desk_required
@require_http_methods(["GET", "POST"])
def take_in(request):
    """Add an item to the stock: a purchase or a donation with its condition check."""
    access = access_for(request.user)
    form = forms.TakeInForm(request.POST or None, hubs=desk_hubs(access))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            item = services.take_in_item(
                access=access, hub=data["hub"], item_type=data["item_type"], asset_tag=data["asset_tag"],
                condition=data["condition"], donated=data["donated"], intake_notes=data["intake_notes"],
                expires_on=data["expires_on"], last_safety_check_on=data["last_safety_check_on"],
            )
        except errors.DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Item %(tag)s added to the stock.") % {"tag": item.asset_tag})
            blocked = item.blocked_reason(timezone.localdate())
            if blocked == "expired":
                messages.warning(request, _("This item is past its expiry date: it will not be lent or counted "
                                            "as available."))
            elif blocked:
                messages.warning(request, _("This item's safety check is due: record a check before it can be "
                                            "lent or counted as available."))
            return redirect(item)
    return render(request, "lending/take_in.html", {"form": form})


# --- holds ----------------------------------------------------------------------------------------------
@desk_required
def holds(request):
    """The waiting lists of the caller's hubs, per type, in queue order with positions."""
    queue = (
        selectors.holds_visible_to(access_for(request.user))
        .filter(status__in=[HoldStatus.WAITING, HoldStatus.OFFERED])
        .order_by("hub__name", "item_type__name", "status", "priority", "queued_at", "id")  # offered first
    )
    positions: dict = {}
    groups: dict = {}
    for hold in queue[:500]:
        key = (hold.hub_id, hold.item_type_id)
        if hold.status == HoldStatus.WAITING:
            positions[key] = positions.get(key, 0) + 1
            hold.position = positions[key]
        else:
            hold.position = None
        groups.setdefault(key, {"hub": hold.hub, "item_type": hold.item_type, "holds": []})["holds"].append(hold)
    return render(request, "lending/holds.html", {"groups": list(groups.values()),
                                                  "reorder_form": forms.ReorderForm()})


@desk_required
@require_http_methods(["GET", "POST"])
def hold_new(request):
    """Put a person on the waiting list for a type of item."""
    access = access_for(request.user)
    search_form = PersonSearchForm(request.GET or None)
    person, people = _pick_person(request, access, search_form)
    form = None
    if person is not None:
        initial = {"person": person.pk, "item_type": request.GET.get("type"), "hub": person.home_hub_id}
        form = forms.HoldForm(request.POST if request.method == "POST" else None, initial=initial,
                              hubs=desk_hubs(access))
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                hold = services.place_hold(access=access, hub=data["hub"], item_type=data["item_type"],
                                           person_id=person.pk, priority=data["priority"],
                                           need_category=data["need_category"], notes=data["notes"])
            except errors.DomainError as exc:
                add_domain_error(form, exc)
            else:
                if hold.status == HoldStatus.OFFERED:
                    messages.success(request, _("An item is ready now and is reserved for this person."))
                else:
                    messages.success(request, _("Added to the waiting list."))
                return redirect("lending:holds")
    register_url = reverse("person-register") + "?next=" + reverse("lending:hold-new")
    return render(request, "lending/hold_form.html", {
        "search_form": search_form, "people": people, "person": person, "form": form, "register_url": register_url,
    })


@desk_required
@require_POST
def hold_action(request, pk, action):
    access = access_for(request.user)
    if action == "cancel":
        run_service(request, lambda: services.cancel_hold(access=access, hold_id=pk), _("Hold cancelled."))
    elif action == "not-collected":
        run_service(request, lambda: services.expire_offer(access=access, hold_id=pk),
                    _("Marked as not collected: the item goes to the next person."))
    elif action == "reorder":
        _run_with_form(request, forms.ReorderForm(request.POST), _("Give the new place and a reason for the change."),
                       partial(services.reorder_hold, access=access, hold_id=pk), _("Queue order changed."))
    else:
        raise Http404
    return redirect("lending:holds")


# --- transfers ------------------------------------------------------------------------------------------
@desk_required
@require_http_methods(["GET", "POST"])
def transfers(request):
    access = access_for(request.user)
    form = forms.TransferRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.create_transfer(access=access, item_tag=data["tag"], to_hub=data["to_hub"],
                                     notes=data["notes"])
        except errors.DomainError as exc:
            add_domain_error(form, exc if exc.field != "item" else errors.DomainError(exc.message, field="tag"))
        else:
            messages.success(request, _("Transfer recorded."))
            return redirect("lending:transfers")
    rows = selectors.open_transfers(selectors.transfers_visible_to(access)).order_by("requested_at")[:200]
    return render(request, "lending/transfers.html", {"form": form, "transfers": rows,
                                                      "hub_ids": permissions.people_hub_ids(access)})


TRANSFER_ACTIONS = {
    "send": (services.send_transfer, gettext_lazy("Transfer sent.")),
    "receive": (services.receive_transfer, gettext_lazy("Item received.")),
    "cancel": (services.cancel_transfer, gettext_lazy("Transfer cancelled.")),
}


@desk_required
@require_POST
def transfer_action(request, pk, action):
    if action not in TRANSFER_ACTIONS:
        raise Http404
    service, done = TRANSFER_ACTIONS[action]
    access = access_for(request.user)
    run_service(request, lambda: service(access=access, transfer_id=pk), done)
    return redirect("lending:transfers")
