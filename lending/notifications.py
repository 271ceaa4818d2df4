"""Emails of the lending bank, sent after commit in the person's language."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from .models import Hold, HoldStatus


def send_to_person(person, template: str, context: dict) -> bool:
    """Render `lending/email/<template>.txt` (first line = subject) in the person's language and send it."""
    if not person.email or person.erased_at:
        return False
    with translation.override(person.preferred_language):
        text = render_to_string(f"lending/email/{template}.txt", {"person": person, **context}).strip()
    subject, _, body = text.partition("\n")
    send_mail(subject.strip(), body.strip() + "\n", settings.DEFAULT_FROM_EMAIL, [person.email])
    return True


def send_item_ready(hold_id: int) -> bool:
    """Tell the person at the head of the queue that an item is waiting for them."""
    hold = Hold.objects.select_related("person", "hub", "item_type", "offered_item").filter(pk=hold_id).first()
    if hold is None or hold.status != HoldStatus.OFFERED:
        return False
    return send_to_person(hold.person, "item_ready", {
        "hold": hold, "hub": hold.hub, "account_url": settings.SITE_URL + reverse("account"),
    })
