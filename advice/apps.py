from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from carehub.registry import Contributions


def navigation() -> list:
    from carehub.models import Role

    return [
        ("advice:services", _("Advice"), lambda access: True),
        ("advice:agenda", _("Appointments"),
         lambda access: access.is_admin or bool(access.hubs_with(Role.ADVISOR, Role.DESK, Role.COORDINATOR))),
    ]


class AdviceConfig(AppConfig):
    name = "advice"
    verbose_name = _("Legal and employment advice")
    contributes = Contributions(
        person_section="advice.sections.person_context",
        account_section="advice.sections.account_context",
        export_person="advice.privacy.export_person",
        erase_person="advice.privacy.erase_person",
        erasure_preview="advice.privacy.erasure_preview",
        load_demo="advice.demo.load",
        send_reminders="advice.reminders.send",
        integrity_checks="advice.integrity.checks",
        seed_scale="advice.scale.seed",
        navigation="advice.apps.navigation",
    )
