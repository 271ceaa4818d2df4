from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdviceConfig(AppConfig):
    name = "advice"
    verbose_name = _("Legal and employment advice")

    def ready(self):
        from carehub.context_processors import NAV_ENTRIES
        from carehub.models import Role

        NAV_ENTRIES.append(("advice:services", _("Advice"), lambda access: True))
        NAV_ENTRIES.append((
            "advice:agenda", _("Appointments"),
            lambda access: access.is_admin or bool(access.hubs_with(Role.ADVISOR, Role.DESK, Role.COORDINATOR)),
        ))
