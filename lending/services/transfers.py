"""Items moving between hubs: requested by the receiving hub or sent at once by the sending hub.

Locks, in this order: the item, then (receiving or cancelling a sent transfer, when the item becomes
lendable) the waiting queue of its type at the hub it ends up at, then the transfer.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carehub import errors, permissions
from carehub.locking import lock_row
from carehub.models import Hub
from carehub.permissions import Access

from ..models import Item, ItemStatus, Transfer, TransferStatus
from ._common import lock_item, lock_queue, make_ready, save, unavailable


@transaction.atomic
def create_transfer(*, access: Access, item_tag: str, to_hub: Hub, notes: str = "") -> Transfer:
    """Move an item to another hub. Staff of the sending hub send it at once (it must be idle); staff of
    the receiving hub request it, and the sending hub sends it later."""
    try:
        item = lock_item(item_tag)
    except errors.NotFound:
        item = None
    sender = item is not None and permissions.can_act_for_people_at(access, item.hub_id)
    receiver = permissions.can_act_for_people_at(access, to_hub.pk)
    if item is None or not (sender or receiver):
        raise errors.NotFound(_("No item with this tag."), code="item_not_found", field="item")
    if item.hub_id == to_hub.pk:
        raise errors.ValidationFailed(_("The item is already at this hub."), code="same_hub", field="to_hub")
    if item.status == ItemStatus.RETIRED:
        raise unavailable(item)
    transfer = Transfer(item=item, from_hub_id=item.hub_id, to_hub=to_hub, requested_by=access.user,
                        notes=(notes or "").strip()[:200])
    try:
        with transaction.atomic():
            save(transfer, access.user)
    except IntegrityError:
        raise errors.Conflict(_("This item already has a transfer under way."), code="transfer_exists")
    if sender:
        _send(transfer, item, access)
    return transfer


def _send(transfer: Transfer, item: Item, access: Access) -> None:
    if item.status != ItemStatus.AVAILABLE:
        raise unavailable(item)
    item.status = ItemStatus.IN_TRANSIT
    save(item, access.user)
    transfer.status = TransferStatus.SENT
    transfer.sent_at = timezone.now()
    transfer.sent_by = access.user
    save(transfer, access.user)


def _lock_transfer(access: Access, transfer_id: int, *, queue_at: str | None = None):
    """Lock the transfer's item, the queue at the transfer's `queue_at` hub ("from_hub_id"/"to_hub_id") if
    given, then the transfer. NotFound for staff of neither hub."""
    transfer = Transfer.objects.filter(pk=transfer_id).first()
    if transfer is None or not (permissions.can_act_for_people_at(access, transfer.from_hub_id)
                                or permissions.can_act_for_people_at(access, transfer.to_hub_id)):
        raise errors.NotFound(_("No such transfer."), code="transfer_not_found")
    item = lock_row(Item.objects.select_related("item_type").filter(pk=transfer.item_id))
    queue = lock_queue(getattr(transfer, queue_at), item.item_type_id) if queue_at else []
    transfer = lock_row(Transfer.objects.filter(pk=transfer_id))
    return transfer, item, queue


@transaction.atomic
def send_transfer(*, access: Access, transfer_id: int) -> Transfer:
    transfer, item, _queue = _lock_transfer(access, transfer_id)
    if not permissions.can_act_for_people_at(access, transfer.from_hub_id):
        raise errors.PermissionDenied(_("Only the sending hub can send the item."), code="transfer_forbidden")
    if transfer.status != TransferStatus.REQUESTED:
        raise errors.Conflict(_("This transfer is not waiting to be sent."), code="transfer_not_requested")
    _send(transfer, item, access)
    return transfer


@transaction.atomic
def receive_transfer(*, access: Access, transfer_id: int) -> Transfer:
    """The receiving hub takes the item in; it is then offered to that hub's queue or available there."""
    transfer, item, queue = _lock_transfer(access, transfer_id, queue_at="to_hub_id")
    if not permissions.can_act_for_people_at(access, transfer.to_hub_id):
        raise errors.PermissionDenied(_("Only the receiving hub can receive the item."), code="transfer_forbidden")
    if transfer.status != TransferStatus.SENT:
        raise errors.Conflict(_("This transfer has not been sent or is already received."),
                              code="transfer_not_sent")
    transfer.status = TransferStatus.RECEIVED
    transfer.received_at = timezone.now()
    transfer.received_by = access.user
    save(transfer, access.user)
    item.hub_id = transfer.to_hub_id
    make_ready(item, access.user, queue)
    return transfer


@transaction.atomic
def cancel_transfer(*, access: Access, transfer_id: int) -> Transfer:
    """Call a transfer off; an item already sent is back at the sending hub (offered to its queue)."""
    transfer, item, queue = _lock_transfer(access, transfer_id, queue_at="from_hub_id")
    if transfer.status not in (TransferStatus.REQUESTED, TransferStatus.SENT):
        raise errors.Conflict(_("This transfer is already closed."), code="transfer_closed")
    if transfer.status == TransferStatus.SENT:
        make_ready(item, access.user, queue)
    transfer.status = TransferStatus.CANCELLED
    save(transfer, access.user)
    return transfer
