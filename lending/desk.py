"""The lending bank's part of the desk screen (registry hook `desk_panel`): the person's loans and holds, and
the scan field's asset tags: lend them (all or none), take an item back, renew, hand over a ready hold.

Reads are scoped to the caller's hubs like every lending page; writes are the services'
(`services.batch.lend_items`, `return_loan`, `renew_loan`). Forms here only parse input.
"""

from django import forms
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from carehub import errors, permissions
from carehub.desk.panels import DeskPanel, Outcome

from . import selectors
from .forms import ReturnForm
from .models import RENEWAL_REFUSALS, DepositMethod, Hold, HoldStatus, Loan
from .services import renew_loan, return_loan
from .services.batch import BatchRefused, LendLine, check_lend_items, lend_items
from .tags import lookup_values

SHOWN = 50
# What the details step asks about each item's deposit: how it was paid, still to collect, or waived.
LATER, WAIVE = "later", "waive"


def _date(day) -> str:
    return formats.date_format(day, "SHORT_DATE_FORMAT")


def _hub_filter(access, field: str = "hub_id") -> Q:
    hub_ids = permissions.people_hub_ids(access)
    return Q() if hub_ids is None else Q(**{f"{field}__in": hub_ids})


def _active_loans(access, person):
    waiting = Hold.objects.filter(hub_id=OuterRef("hub_id"), item_type_id=OuterRef("item__item_type_id"),
                                  status=HoldStatus.WAITING)
    return (Loan.objects.filter(_hub_filter(access), borrower=person, returned_at__isnull=True)
            .select_related("item__item_type", "hub").annotate(someone_waiting=Exists(waiting))
            .order_by("due_on", "pk"))


def _open_holds(access, person):
    ahead = (Hold.objects.filter(hub_id=OuterRef("hub_id"), item_type_id=OuterRef("item_type_id"),
                                 status=HoldStatus.WAITING)
             .filter(Q(priority__lt=OuterRef("priority"))
                     | Q(priority=OuterRef("priority"), queued_at__lt=OuterRef("queued_at"))
                     | Q(priority=OuterRef("priority"), queued_at=OuterRef("queued_at"), pk__lt=OuterRef("pk")))
             .order_by().values("hub_id").annotate(n=Count("pk")).values("n"))
    return (Hold.objects.filter(_hub_filter(access), person=person,
                                status__in=[HoldStatus.WAITING, HoldStatus.OFFERED])
            .select_related("item_type", "hub", "offered_item").annotate(ahead=Subquery(ahead))
            # Ready to collect first ("offered" sorts before "waiting"), the one lapsing soonest on top.
            .order_by("status", "offer_expires_at", "priority", "queued_at", "pk"))


class LendingPanel(DeskPanel):
    template = "desk/_panel_lending.html"
    order = 10

    def load(self) -> dict:
        loans = list(_active_loans(self.access, self.person)[: SHOWN + 1])
        for loan in loans:
            loan.overdue = loan.due_on < self.today
            refusal = loan.renewal_refusal(self.today, someone_waiting=loan.someone_waiting)
            loan.renewal_refused = RENEWAL_REFUSALS.get(refusal, "") if refusal else ""
        holds = list(_open_holds(self.access, self.person)[:SHOWN])
        for hold in holds:
            hold.position = (hold.ahead or 0) + 1 if hold.status == HoldStatus.WAITING else None
        return {"loans": loans[:SHOWN], "more_loans": len(loans) > SHOWN, "holds": holds,
                "ready": [hold for hold in holds if hold.status == HoldStatus.OFFERED]}

    @classmethod
    def scan(cls, request, access, person, tokens):
        """Asset tags: one item on loan opens its return; anything else is lent to the person shown."""
        if len(tokens) == 1:
            loan = _active_loan_of_tag(access, tokens[0])
            if loan is not None:
                return Outcome(redirect=_return_url(loan))
        return _lend(access, person, tokens)

    @classmethod
    def locate(cls, access, text):
        """Scanned at /desk/ before anyone is shown: an item on loan opens its return on the borrower's screen,
        an item ready for someone opens that person's screen."""
        loan = _active_loan_of_tag(access, text)
        if loan is not None:
            return _return_url(loan)
        hold = (selectors.holds_visible_to(access).filter(
            status=HoldStatus.OFFERED, offered_item__asset_tag__in=lookup_values(text))
            .filter(_hub_filter(access)).first())
        if hold is not None:
            return reverse("desk:person", kwargs={"pk": hold.person_id})
        return None


def _active_loan_of_tag(access, tag):
    return (Loan.objects.filter(_hub_filter(access), returned_at__isnull=True,
                                item__asset_tag__in=lookup_values(tag))
            .select_related("item__item_type", "borrower").first())


def _return_url(loan) -> str:
    return reverse("desk:action-on", kwargs={"pk": loan.borrower_id, "app": "lending", "name": "return",
                                            "obj_id": loan.pk})


# --- lending ------------------------------------------------------------------------------------------------
def _items_by_tag(access, tags) -> dict:
    spellings = [value for tag in tags for value in lookup_values(tag)]
    items = selectors.items_visible_to(access).filter(asset_tag__in=spellings)
    found = {item.asset_tag: item for item in items}
    return {tag: next((found[v] for v in lookup_values(tag) if v in found), None) for tag in tags}


def _has_overdue(person, today) -> bool:
    return Loan.objects.filter(borrower=person, returned_at__isnull=True, due_on__lt=today).exists()


class LendDetailsForm(forms.Form):
    """What the rules need before these items can be lent, and only that: a referral for a type that needs
    one, the deposit of a type that has one, and a reason when the person holds an overdue item."""

    tags = forms.CharField(widget=forms.HiddenInput, max_length=600)

    def __init__(self, *args, items, needs_override, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = items  # [(tag, Item)]
        self.rows = []
        first = True
        for index, (tag, item) in enumerate(items):
            row = {"tag": tag, "item": item, "fields": []}
            label = f"{item.asset_tag} · {item.item_type.name}"
            if item.item_type.requires_referral:
                name = f"referral_{index}"
                self.fields[name] = forms.CharField(
                    label=gettext_lazy("Referral reference"), max_length=120,
                    help_text=gettext_lazy("An occupational therapist's or a doctor's note."))
                row["fields"].append(name)
            if item.item_type.deposit_eur:
                name = f"deposit_{index}"
                self.fields[name] = forms.ChoiceField(
                    label=_("Deposit of %(amount)s €") % {"amount": item.item_type.deposit_eur},
                    choices=[*DepositMethod.choices, (LATER, gettext_lazy("Not paid yet: collect it later")),
                             (WAIVE, gettext_lazy("Waived"))],
                    widget=forms.RadioSelect)
                self.fields[f"waiver_{index}"] = forms.CharField(
                    label=gettext_lazy("Reason for waiving the deposit"), max_length=200, required=False)
                row["fields"] += [name, f"waiver_{index}"]
            for name in row["fields"]:
                if first:
                    self.fields[name].widget.attrs["autofocus"] = True
                    first = False
            row["label"] = label
            if row["fields"]:
                self.rows.append(row)
        if needs_override:
            self.fields["override_reason"] = forms.CharField(
                label=gettext_lazy("Reason to lend despite an overdue item"), max_length=200,
                help_text=gettext_lazy("This person holds an overdue item."))
            if first:
                self.fields["override_reason"].widget.attrs["autofocus"] = True

    def clean(self):
        data = super().clean()
        for index, _item in enumerate(self.items):
            if data.get(f"deposit_{index}") == WAIVE and not (data.get(f"waiver_{index}") or "").strip():
                self.add_error(f"waiver_{index}", _("Give a reason for waiving the deposit."))
        return data

    def lines(self) -> list[LendLine]:
        data = self.cleaned_data
        lines = []
        for index, (tag, _item) in enumerate(self.items):
            deposit = data.get(f"deposit_{index}", "")
            lines.append(LendLine(
                tag=tag, referral_reference=data.get(f"referral_{index}", ""),
                deposit_method=deposit if deposit in DepositMethod.values else "",
                deposit_waived=deposit == WAIVE, deposit_waiver_reason=data.get(f"waiver_{index}", ""),
            ))
        return lines

    def bound_rows(self):
        return [{**row, "bound": [self[name] for name in row["fields"]]} for row in self.rows]


def _refused(exc: errors.DomainError, tags) -> Outcome:
    details = ([f"{tag}: {problem.message}" for tag, problem in exc.problems]
               if isinstance(exc, BatchRefused) else [])
    message = _("Nothing was lent.") if isinstance(exc, BatchRefused) else str(exc.message)
    return Outcome(ok=False, status=exc.status, message=message, details=details, scan_value=" ".join(tags))


def _lent(person, loans) -> Outcome:
    if len(loans) == 1:
        message = _("Lent to %(name)s: %(tag)s, due back on %(date)s.") % {
            "name": person.full_name, "tag": loans[0].item.asset_tag, "date": _date(loans[0].due_on)}
        return Outcome(message=message)
    return Outcome(
        message=_("Lent to %(name)s: %(count)s items.") % {"name": person.full_name, "count": len(loans)},
        details=[_("%(tag)s, due back on %(date)s") % {"tag": loan.item.asset_tag, "date": _date(loan.due_on)}
                 for loan in loans])


def _details_step(form) -> Outcome:
    return Outcome(step="desk/_step_lend.html", context={"form": form, "rows": form.bound_rows()},
                   message=_("A few details are needed before lending."))


def _details_form(access, person, tags, data=None):
    """The details form for these tags when the items need any; None when they need nothing."""
    items = _items_by_tag(access, tags)
    found = [(tag, item) for tag, item in items.items() if item is not None]
    needs_override = _has_overdue(person, timezone.localdate())
    needs = needs_override or any(item.item_type.requires_referral or item.item_type.deposit_eur
                                  for _tag, item in found)
    if not needs:
        return None
    return LendDetailsForm(data, items=found, needs_override=needs_override,
                           initial={"tags": " ".join(tags)})


def _lend(access, person, tags) -> Outcome:
    lines = [LendLine(tag=tag) for tag in tags]
    form = _details_form(access, person, tags)
    try:
        if form is None:
            return _lent(person, lend_items(access=access, borrower_id=person.pk, lines=lines))
        # Details are needed: first say which items cannot be lent whatever is filled in.
        check_lend_items(access=access, borrower_id=person.pk, lines=lines)
    except errors.DomainError as exc:
        return _refused(exc, tags)
    return _details_step(form)


def lend_action(request, access, person, obj_id):
    """The details step's submit: lend the items with what was filled in."""
    if request.method != "POST":
        return Outcome(redirect=reverse("desk:person", kwargs={"pk": person.pk}))
    from carehub.desk.selectors import tokens as split

    tags = split(request.POST.get("tags", ""))[:50]
    form = _details_form(access, person, tags, data=request.POST)
    if form is None:
        return _lend(access, person, tags)
    if not form.is_valid():
        outcome = _details_step(form)
        outcome.ok, outcome.status = False, 422
        outcome.message = _("Please check the details.")
        return outcome
    try:
        loans = lend_items(access=access, borrower_id=person.pk, lines=form.lines(),
                           override_reason=form.cleaned_data.get("override_reason", ""))
    except errors.DomainError as exc:
        return _refused(exc, tags)
    return _lent(person, loans)


def collect_action(request, access, person, obj_id):
    """Hand over the item waiting for one of the person's holds: the same lending as scanning its tag."""
    hold = (selectors.holds_visible_to(access).filter(_hub_filter(access), pk=obj_id, person=person,
                                                      status=HoldStatus.OFFERED).first())
    if hold is None:
        raise errors.NotFound(code="hold_not_found")
    if request.method != "POST":
        return Outcome(redirect=reverse("desk:person", kwargs={"pk": person.pk}))
    return _lend(access, person, [hold.offered_item.asset_tag])


# --- returning and renewing ---------------------------------------------------------------------------------
def _loan_of(access, person, loan_id):
    loan = _active_loans(access, person).filter(pk=loan_id).first()
    if loan is None:
        raise errors.NotFound(code="loan_not_found")
    return loan


def return_action(request, access, person, obj_id):
    """GET: the return step (condition "good" chosen, the button focused: one Enter). POST: take it back."""
    loan = Loan.objects.filter(_hub_filter(access), pk=obj_id, borrower=person).select_related(
        "item__item_type").first()
    if loan is None:
        raise errors.NotFound(code="loan_not_found")
    if loan.returned_at is not None:
        return Outcome(ok=False, status=409, message=_("This loan has already been returned."))
    form = ReturnForm(request.POST if request.method == "POST" else None, prefix="return")
    step = Outcome(step="desk/_step_return.html", context={"form": form, "loan": loan},
                   message=_("Returning %(tag)s: check its condition, then press Enter.") % {
                       "tag": loan.item.asset_tag})
    if request.method != "POST":
        return step
    if not form.is_valid():
        step.ok, step.status, step.message = False, 422, _("Choose the condition of the returned item.")
        return step
    try:
        return_loan(access=access, loan_id=loan.pk, **form.cleaned_data)
    except errors.DomainError as exc:
        return Outcome(ok=False, status=exc.status, message=str(exc.message))
    return Outcome(message=_("Returned: %(tag)s from %(name)s.") % {"tag": loan.item.asset_tag,
                                                                   "name": person.full_name})


def renew_action(request, access, person, obj_id):
    loan = _loan_of(access, person, obj_id)
    if request.method != "POST":
        return Outcome(redirect=reverse("desk:person", kwargs={"pk": person.pk}))
    try:
        loan = renew_loan(access=access, loan_id=loan.pk)
    except errors.DomainError as exc:
        return Outcome(ok=False, status=exc.status, message=str(exc.message))
    return Outcome(message=_("Renewed: %(tag)s is now due back on %(date)s.") % {
        "tag": loan.item.asset_tag, "date": _date(loan.due_on)})


LendingPanel.actions = {
    "lend": lend_action,
    "collect": collect_action,
    "return": return_action,
    "renew": renew_action,
}
