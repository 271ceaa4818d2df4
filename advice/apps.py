from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from carehub.registry import Contributions


def navigation() -> list:
    from . import selectors  # not at import time: the app registry is not ready yet

    return [
        ("advice:services", _("Advice"), lambda access: True),
        ("advice:agenda", _("Appointments"), selectors.sees_agenda),  # the agenda page asks the same function
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
        merge_person="advice.merge.merge_person",
        load_demo="advice.demo.load",
        send_reminders="advice.reminders.send",
        integrity_checks="advice.integrity.checks",
        seed_scale="advice.scale.seed",
        navigation="advice.apps.navigation",
        desk_day="advice.today.desk_day",
        desk_panel="advice.desk.AdvicePanel",
    )
