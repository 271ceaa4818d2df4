from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from carehub.registry import Contributions


def navigation() -> list:
    from carehub import permissions
    from carehub.models import Role

    return [
        ("activities:programme", _("What's on"), lambda access: True),
        ("activities:mine", _("My bookings"),
         lambda access: access.is_authenticated and not access.roles and not access.is_admin),
        ("activities:today", _("Today's sessions"), permissions.can_list_people),
        ("activities:manage", _("Programme activities"),
         lambda access: access.is_admin or bool(access.hubs_with(Role.COORDINATOR))),
        ("activities:groups", _("Support groups"),
         lambda access: bool(access.hubs_with(Role.FACILITATOR, Role.COORDINATOR))),
    ]


class ActivitiesConfig(AppConfig):
    name = "activities"
    verbose_name = _("Activities and support groups")
    contributes = Contributions(
        person_section="activities.sections.person_context",
        account_section="activities.sections.account_context",
        export_person="activities.privacy.export_person",
        erase_person="activities.privacy.erase_person",
        erasure_preview="activities.privacy.erasure_preview",
        merge_person="activities.merge.merge_person",
        load_demo="activities.demo.load",
        send_reminders="activities.reminders.send",
        integrity_checks="activities.integrity.checks",
        seed_scale="activities.scale.seed",
        navigation="activities.apps.navigation",
        desk_day="activities.today.desk_day",
        digest_section="activities.digest.digest_section",
        desk_panel="activities.desk.ActivitiesPanel",
    )
