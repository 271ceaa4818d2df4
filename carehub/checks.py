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
