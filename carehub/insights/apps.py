from django.apps import AppConfig

from carehub.registry import Contributions


class InsightsConfig(AppConfig):
    """The planners' figures. An app of its own for its rollup (models.py, migrations/)."""

    name = "carehub.insights"
    label = "insights"
    default_auto_field = "django.db.models.BigAutoField"
    contributes = Contributions(seed_scale="carehub.insights.scale.seed")
