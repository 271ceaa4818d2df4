"""Tables of online accounts: password resets (email links and desk codes) and the rate limits around them.

Declared here and imported by carehub/models.py, so the tables belong to the `carehub` app.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PasswordReset(models.Model):
    """One way in to set a new password: a link sent by email, or a code the desk read out or printed.

    Only a hash of the secret is kept (SHA-256 of a long random link token; a salted slow hash of a short
    desk code, which could otherwise be guessed offline). The row is also the audit: for whom, by whom (the
    desk user; nobody for an email link asked for on the reset page), when, and whether and when it was used.
    A reset is good once, until `expires_at`, and only while the password is the one it was issued against
    (`password_fingerprint`): any password change ends every reset issued before it.
    """

    class Kind(models.TextChoices):
        EMAIL_LINK = "email_link", _("Link sent by email")
        DESK_CODE = "desk_code", _("Code given by the desk")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="password_resets", verbose_name=_("account")
    )
    person = models.ForeignKey(
        "carehub.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="password_resets",
        verbose_name=_("person"),
    )
    secret_hash = models.CharField(max_length=128, db_index=True)
    password_fingerprint = models.CharField(max_length=64)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("issued by"),
    )
    # The desk's hub when it issued the code (the person's home hub then).
    hub = models.ForeignKey("carehub.Hub", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                            verbose_name=_("hub"))
    created_at = models.DateTimeField(_("issued at"), default=timezone.now)
    expires_at = models.DateTimeField(_("valid until"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    # Replaced by a newer code, or too many wrong tries.
    voided_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(_("wrong tries"), default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("password reset")
        verbose_name_plural = _("password resets")
        indexes = [models.Index(fields=["user", "kind", "created_at"], name="password_reset_user_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.user_id} · {self.created_at:%Y-%m-%d %H:%M}"


class RateLimitHit(models.Model):
    """One counted request (a reset asked for, a code tried) under a scope and a key, for sliding-window limits.

    The key is an HMAC of the address or user name (carehub.accounts.ratelimit), so this table holds nobody's
    email address. A table rather than the cache: every web process counts the same hits, with or without Redis.
    """

    scope = models.CharField(max_length=32)
    key = models.CharField(max_length=64)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["scope", "key", "at"], name="rate_limit_hit_window")]

    def __str__(self) -> str:
        return f"{self.scope} {self.at:%Y-%m-%d %H:%M:%S}"
