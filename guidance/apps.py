from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _

from carehub.registry import Contributions


def navigation() -> list:
    from carehub import permissions

    return [
        ("guidance:directory-index", _("Care resources"), lambda access: True),
        ("guidance:ask", _("Ask the hub"),
         lambda access: not access.roles and not access.is_admin),
        ("guidance:desk", _("Attentions"), permissions.can_list_people),
    ]


def _seed_topics(sender, instance, created, raw=False, **kwargs):
    """Every new hub starts with the default attention topics (its coordinator edits the list)."""
    if created and not raw:
        from .services import seed_default_topics

        seed_default_topics(instance)


class GuidanceConfig(AppConfig):
    name = "guidance"
    verbose_name = _("Information and guidance")
    contributes = Contributions(
        person_section="guidance.sections.person_context",
        account_section="guidance.sections.account_context",
        export_person="guidance.privacy.export_person",
        erase_person="guidance.privacy.erase_person",
        erasure_preview="guidance.privacy.erasure_preview",
        merge_person="guidance.merge.merge_person",
        load_demo="guidance.demo.load",
        integrity_checks="guidance.integrity.checks",
        navigation="guidance.apps.navigation",
        desk_day="guidance.today.desk_day",
    )

    def ready(self):
        from carehub.models import Hub

        post_save.connect(_seed_topics, sender=Hub, dispatch_uid="guidance_seed_topics")
