"""Access that ends when it should: a user's API tokens stop working when their password changes, when the
account is deactivated and when their last staff role is removed.

Sessions need nothing here: Django ties a session to the password hash (a password change logs every other
session out; `update_session_auth_hash` keeps the one that changed it) and refuses inactive users, and a
removed role takes effect on the next request because roles are read per request (`permissions.access_for`).
"""

from django.contrib.auth import get_user_model
from django.db.models.signals import post_delete, pre_save
from django.dispatch import receiver

from .models import ApiToken, StaffRole


def revoke_api_tokens(user) -> int:
    deleted, _ = ApiToken.objects.filter(user=user).delete()
    return deleted


@receiver(pre_save, sender=get_user_model(), dispatch_uid="carehub-revoke-tokens-on-credentials")
def revoke_tokens_when_credentials_change(sender, instance, update_fields=None, **kwargs):
    if instance.pk is None:
        return
    # Logging in saves last_login only: no extra query on that hot path.
    if update_fields is not None and not {"password", "is_active"} & set(update_fields):
        return
    before = sender.objects.filter(pk=instance.pk).values("password", "is_active").first()
    if before is None:
        return
    if before["password"] != instance.password or (before["is_active"] and not instance.is_active):
        revoke_api_tokens(instance)


@receiver(post_delete, sender=StaffRole, dispatch_uid="carehub-revoke-tokens-on-last-role")
def revoke_tokens_when_last_role_goes(sender, instance, **kwargs):
    if not StaffRole.objects.filter(user_id=instance.user_id).exists():
        ApiToken.objects.filter(user_id=instance.user_id).delete()
