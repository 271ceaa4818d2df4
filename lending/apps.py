from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from carehub.registry import Contributions


def navigation() -> list:
    from carehub import permissions

    return [
        ("lending:availability", _("Equipment to borrow"), lambda access: True),
        ("lending:desk", _("Lending desk"), permissions.can_list_people),
    ]


class LendingConfig(AppConfig):
    name = "lending"
    verbose_name = _("Lending bank")
    contributes = Contributions(
        person_section="lending.sections.person_context",
        account_section="lending.sections.account_context",
        export_person="lending.privacy.export_person",
        erase_person="lending.privacy.erase_person",
        erasure_preview="lending.privacy.erasure_preview",
        merge_person="lending.merge.merge_person",
        load_demo="lending.demo.load",
        send_reminders="lending.reminders.send",
        integrity_checks="lending.integrity.checks",
        seed_scale="lending.scale.seed",
        navigation="lending.apps.navigation",
        desk_day="lending.today.desk_day",
        desk_panel="lending.desk.LendingPanel",
    )
