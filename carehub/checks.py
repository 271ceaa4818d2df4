"""Deploy checks of our own, so that `manage.py check --deploy` refuses a demo configuration."""

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def secret_key_from_environment(app_configs, **kwargs):
    if settings.SECRET_KEY == settings.DEMO_SECRET_KEY:
        return [
            Error(
                "SECRET_KEY is the demo key.",
                hint="Set SECRET_KEY in the environment to a long random value (docs/deploy.md).",
                id="carehub.E001",
            )
        ]
    return []


@register(Tags.database, deploy=True)
def production_database_is_postgresql(app_configs, **kwargs):
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        return [
            Error(
                "The database is not PostgreSQL.",
                hint="Set DATABASE_URL=postgres://... ; SQLite is for the demo only: it cannot lock rows.",
                id="carehub.E002",
            )
        ]
    return []


IN_PROCESS_EMAIL_BACKENDS = {
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
}


@register(Tags.security, deploy=True)
def messages_really_leave(app_configs, **kwargs):
    """With DEBUG off, a mail backend that keeps or prints messages would report reminders "sent" that no one
    gets; links to the demo's 127.0.0.1 or a From address on .invalid are as good as lost."""
    found = []
    if not settings.DEBUG and settings.EMAIL_BACKEND in IN_PROCESS_EMAIL_BACKENDS:
        found.append(Error(
            f"Email goes to {settings.EMAIL_BACKEND.rsplit('.', 2)[-2]}: nothing would leave the server.",
            hint="Set EMAIL_URL=smtp://user:password@mail.example.org:587 (docs/deploy.md).",
            id="carehub.E003",
        ))
    if settings.SITE_URL == settings.DEMO_SITE_URL or "://127.0.0.1" in settings.SITE_URL \
            or "://localhost" in settings.SITE_URL:
        found.append(Error(
            f"SITE_URL is {settings.SITE_URL}: links in messages and calendar files would point at the demo.",
            hint="Set SITE_URL=https://carehub.example.org (the address people open).",
            id="carehub.E004",
        ))
    if settings.DEFAULT_FROM_EMAIL.rstrip("> ").lower().endswith(".invalid"):
        found.append(Error(
            f"DEFAULT_FROM_EMAIL is {settings.DEFAULT_FROM_EMAIL}: mail servers refuse a .invalid sender.",
            hint='Set DEFAULT_FROM_EMAIL="Vila Veïna <no-reply@your-domain>".',
            id="carehub.E005",
        ))
    return found
