from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LendingConfig(AppConfig):
    name = "lending"
    verbose_name = _("Lending bank")

    def ready(self):
        from carehub import permissions
        from carehub.context_processors import NAV_ENTRIES

        NAV_ENTRIES.extend([
            ("lending:availability", _("Equipment to borrow"), lambda access: True),
            ("lending:desk", _("Lending desk"), permissions.can_use_lending_desk),
        ])
