"""The outbox: one `Message` row per thing a person must be told, written in the transaction of the change.

Declared here and imported by carehub/models.py, so the table belongs to the `carehub` app.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")
    CALL = "call", _("Phone call from the desk")


class MessageStatus(models.TextChoices):
    # queued: waiting for the worker (first try, or a retry after backoff); sending: claimed by one worker,
    # nobody else sends it meanwhile; to_call: on the hub's call list (reachable by phone only, or delivery
    # failed for good); done: the desk called; failed: nobody to tell any more (the person was erased).
    QUEUED = "queued", pgettext_lazy("message status", "Queued")
    SENDING = "sending", pgettext_lazy("message status", "Sending")
    SENT = "sent", pgettext_lazy("message status", "Sent")
    TO_CALL = "to_call", pgettext_lazy("message status", "To call")
    DONE = "done", pgettext_lazy("message status", "Called")
    FAILED = "failed", pgettext_lazy("message status", "Failed")


class MessageQuerySet(models.QuerySet):
    def call_list(self, hub):
        """What the desk of `hub` must still phone about, oldest first."""
        return self.filter(hub=hub, status=MessageStatus.TO_CALL).select_related("person").order_by("created_at", "pk")

    def for_person(self, person):
        """What was (or will be) sent to `person`, newest first: their page's "messages sent"."""
        return self.filter(person=person).order_by("-created_at", "-pk")


class Message(models.Model):
    """One message to one person about one event. Personal data: shown only to the person's hub staff."""

    person = models.ForeignKey(
        "carehub.Person", on_delete=models.CASCADE, related_name="messages", verbose_name=_("person")
    )
    # The hub whose desk answers for it: the one whose call list it lands on and whose name signs it.
    hub = models.ForeignKey("carehub.Hub", on_delete=models.PROTECT, related_name="messages", verbose_name=_("hub"))
    kind = models.CharField(_("kind"), max_length=40)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    language = models.CharField(_("language"), max_length=2)
    # The address at the time of writing (email or E.164 number), so the record says where it went.
    recipient = models.CharField(_("to"), max_length=254, blank=True)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("text"))
    # What the desk tells the person if it has to phone (always rendered: a failed email ends up on the call list).
    call_text = models.TextField(_("what to tell them"), blank=True)
    # Emails only: [{"filename", "content" (text), "mimetype"}], e.g. an appointment's .ics.
    attachments = models.JSONField(default=list, blank=True)

    related_type = models.ForeignKey(ContentType, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    related_id = models.CharField(max_length=40, blank=True)
    related = GenericForeignKey("related_type", "related_id")
    # kind:related:recipient:occasion. Unique, so a retried service or reminder run never writes it twice.
    idempotency_key = models.CharField(max_length=255, unique=True)

    status = models.CharField(
        _("status"), max_length=8, choices=MessageStatus.choices, default=MessageStatus.QUEUED, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # When a delivery task was last enqueued for it: the sweep re-enqueues only messages whose task is overdue.
    enqueued_at = models.DateTimeField(null=True, blank=True)
    # Set by the worker that claimed the message (status SENDING); a stale claim means that worker died.
    claimed_at = models.DateTimeField(null=True, blank=True)
    claim_token = models.CharField(max_length=32, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    failed_at = models.DateTimeField(_("failed at"), null=True, blank=True)
    done_at = models.DateTimeField(_("called at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("called by"),
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MessageQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [
            # The worker's sweep and the desk's call list.
            models.Index(fields=["status", "next_attempt_at"], name="message_status_due"),
            models.Index(fields=["hub", "status", "created_at"], name="message_hub_status"),
            models.Index(fields=["person", "created_at"], name="message_person_created"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(status="sent") | Q(sent_at__isnull=False), name="message_sent_has_time"),
            models.CheckConstraint(
                condition=~Q(status="sending") | Q(claimed_at__isnull=False), name="message_sending_is_claimed"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.person_id} ({self.get_channel_display()}, {self.get_status_display()})"
