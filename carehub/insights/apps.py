from django.apps import AppConfig


class InsightsConfig(AppConfig):
    """The planners' figures. An app of its own for its rollup (models.py, migrations/)."""

    name = "carehub.insights"
    label = "insights"
    default_auto_field = "django.db.models.BigAutoField"
