from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "activities"
    verbose_name = _("Activities and support groups")

    def ready(self):
        from carehub import permissions
        from carehub.context_processors import NAV_ENTRIES
        from carehub.models import Role

        NAV_ENTRIES.extend([
            ("activities:programme", _("What's on"), lambda access: True),
            ("activities:mine", _("My bookings"), lambda access: access.is_authenticated and not access.roles
             and not access.is_admin),
            ("activities:today", _("Today's sessions"), permissions.can_list_people),
            ("activities:manage", _("Programme activities"),
             lambda access: access.is_admin or bool(access.hubs_with(Role.COORDINATOR))),
            ("activities:groups", _("Support groups"),
             lambda access: bool(access.hubs_with(Role.FACILITATOR, Role.COORDINATOR))),
        ])
