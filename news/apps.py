from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from carehub.registry import Contributions


def navigation() -> list:
    from carehub.models import Role

    return [
        ("news:manage", _("Hub news"), lambda access: access.is_admin or bool(access.hubs_with(Role.COORDINATOR))),
    ]


class NewsConfig(AppConfig):
    name = "news"
    verbose_name = _("Hub news and the monthly digest")
    contributes = Contributions(
        person_section="news.sections.person_context",
        account_section="news.sections.account_context",
        export_person="news.privacy.export_person",
        erase_person="news.privacy.erase_person",
        erasure_preview="news.privacy.erasure_preview",
        merge_person="news.merge.merge_person",
        load_demo="news.demo.load",
        send_reminders="news.digest.send",
        navigation="news.apps.navigation",
    )
