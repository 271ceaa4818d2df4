from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CarehubConfig(AppConfig):
    name = "carehub"
    verbose_name = _("Hubs and people")

    def ready(self):
        from . import checks  # registers the deploy checks

        checks.refuse_unsafe_production_settings()
        from . import signals  # noqa: F401  (tokens end with the credentials and roles they came from)
