"""Every kind of message carehub sends, with the context each one's templates use.

Templates: templates/notifications/<kind>/{email_subject.txt,email.txt,sms.txt,call.txt}. Every template
also gets `name` (the person's first name), `hub`, `hub_phone`, `where` (defaults to the hub's address),
`link` (defaults to the person's page) and `site_url`. A datetime `x` in the context is also given as
`x_text` and a date as `x_text`, formatted in the person's language and Europe/Madrid.
"""

KINDS: dict[str, tuple[str, ...]] = {
    # activities
    "booking_confirmed": ("title", "starts_at"),
    "booking_waitlisted": ("title", "starts_at", "position"),
    "booking_promoted": ("title", "starts_at"),
    "session_rescheduled": ("title", "old_starts_at", "starts_at"),
    "session_cancelled": ("title", "starts_at"),
    "session_reminder": ("title", "starts_at"),
    # lending
    "item_ready": ("item_type",),
    "loan_due_soon": ("item_type", "asset_tag", "due_on"),
    "loan_overdue": ("item_type", "asset_tag", "due_on"),
    "loan_renewed": ("item_type", "asset_tag", "due_on"),  # the desk approved a renewal the person asked for
    "loan_renewal_declined": ("item_type", "asset_tag", "due_on"),  # the desk said no (`reason` optional: why)
    # advice (`mode` optional: "in person", "by phone"... already translated by the caller)
    "appointment_confirmed": ("service", "starts_at"),
    "appointment_rescheduled": ("service", "old_starts_at", "starts_at"),
    "appointment_cancelled": ("service", "starts_at"),
    "appointment_reminder": ("service", "starts_at"),
    # guidance: the hub's answer to a question asked online. `link` is where to read it; `answer` (optional)
    # goes in the email and the desk's call text, never in the SMS.
    "guidance_answer": ("link",),
    # accounts (carehub.accounts). `link` is a secret: only the email carries it, never the SMS or call text.
    "password_reset": ("link", "valid_minutes"),
    "email_verification": ("link", "valid_days"),
    # news: the monthly digest of a hub (news/digest.py). `link` is the subscriber's signed digest page, which
    # also unsubscribes; `month` (date), `sections` (the apps' programme), `news` and `news_link` come too.
    "monthly_digest": ("link",),
}


class UnknownKind(ValueError):
    pass


def required_context(kind: str) -> tuple[str, ...]:
    try:
        return KINDS[kind]
    except KeyError:
        raise UnknownKind(f"No notification kind {kind!r}; see carehub.notifications.kinds.KINDS.") from None
