"""carehub's own production checks. `manage.py check --deploy` reports them; with DEBUG off, the ones that make
a deployment unsafe (the demo key, SQLite, no ALLOWED_HOSTS, mail that never leaves) also stop every process
at start-up (`refuse_unsafe_production_settings`, called from CarehubConfig.ready), so that a server started
without them does not run at all rather than run unsafely."""

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured

IN_PROCESS_EMAIL_BACKENDS = {
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
}


def _secret_key() -> list[Error]:
    if settings.SECRET_KEY == settings.DEMO_SECRET_KEY:
        return [Error(
            "SECRET_KEY is the demo key.",
            hint="Set SECRET_KEY in the environment to a long random value (docs/deploy.md).",
            id="carehub.E001",
        )]
    return []


def _database() -> list[Error]:
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        return [Error(
            "The database is not PostgreSQL.",
            hint="Set DATABASE_URL=postgres://... ; SQLite is for the demo only: it cannot lock rows.",
            id="carehub.E002",
        )]
    return []


def _email_backend() -> list[Error]:
    """With DEBUG off, a mail backend that keeps or prints messages would report reminders "sent" that no one
    gets."""
    if not settings.DEBUG and settings.EMAIL_BACKEND in IN_PROCESS_EMAIL_BACKENDS:
        return [Error(
            f"Email goes to {settings.EMAIL_BACKEND.rsplit('.', 2)[-2]}: nothing would leave the server.",
            hint="Set EMAIL_URL=smtp://user:password@mail.example.org:587 (docs/deploy.md).",
            id="carehub.E003",
        )]
    return []


def _allowed_hosts() -> list[Error]:
    if not settings.ALLOWED_HOSTS:
        return [Error(
            "ALLOWED_HOSTS is not set.",
            hint="Set ALLOWED_HOSTS=carehub.example.org (the host names people open, comma-separated).",
            id="carehub.E006",
        )]
    return []


# What no production process may start with (DEBUG off).
UNSAFE_IN_PRODUCTION = (_secret_key, _database, _allowed_hosts, _email_backend)


def refuse_unsafe_production_settings() -> None:
    """Stop the process, listing every problem at once, when DEBUG is off and the settings are the demo's."""
    if settings.DEBUG:
        return
    problems = [error for check in UNSAFE_IN_PRODUCTION for error in check()]
    if problems:
        lines = "\n".join(f"  {error.id}: {error.msg} {error.hint}" for error in problems)
        raise ImproperlyConfigured(
            f"carehub refuses to start with DEBUG off and these settings:\n{lines}\n"
            "For the demo on this machine, set DEBUG=1 (`make run` does); docs/deploy.md lists what production "
            "sets.")


@register(Tags.security, deploy=True)
def secret_key_from_environment(app_configs, **kwargs):
    return _secret_key()


@register(Tags.database, deploy=True)
def production_database_is_postgresql(app_configs, **kwargs):
    return _database()


@register(Tags.security, deploy=True)
def hosts_are_named(app_configs, **kwargs):
    return _allowed_hosts()


@register(Tags.security, deploy=True)
def messages_really_leave(app_configs, **kwargs):
    """Mail that never leaves (E003, also refused at start-up); links to the demo's 127.0.0.1 or a From address
    on .invalid are as good as lost."""
    found = _email_backend()
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
