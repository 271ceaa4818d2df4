"""The app registry: what each app contributes to the core, declared once in its AppConfig.

An app adds to the core by setting `contributes = Contributions(...)` on its AppConfig, each value the dotted
path of a callable (imported on first use). The core asks `hooks("name")` and never imports an app by name
(carehub/insights, which reads every app's tables by design, is the one exception). Apps answer in
INSTALLED_APPS order, so lending's erasure hook, which may refuse, runs first.

| hook             | signature                                | used by                                         |
| ---------------- | ---------------------------------------- | ----------------------------------------------- |
| person_section   | (access, person) -> dict                 | the desk's person page (`<app>/_person_section.html`) |
| account_section  | (access, person) -> dict                 | the caregiver's own page (`<app>/_account_section.html`) |
| export_person    | (person) -> dict                         | the person's data export                        |
| erase_person     | (person, *, by) -> None; may refuse      | erasure (live rows and history)                 |
| erasure_preview  | (person) -> dict of counts               | the erasure confirmation page                   |
| merge_person     | (duplicate, kept, *, by) -> None; may refuse | merging two records of one person (carehub.services) |
| load_demo        | (ctx: DemoContext) -> None               | `manage.py load_demo`                           |
| send_reminders   | (*, today) -> int                        | `manage.py send_reminders`                      |
| integrity_checks | () -> list[carehub.integrity.Check]      | `manage.py check_integrity`                     |
| seed_scale       | (seeder: carehub.scale.Seeder) -> dict   | `manage.py seed_scale`                          |
| navigation       | () -> list[(url name, label, allowed)]   | the main menu (`allowed(access) -> bool`)       |
| desk_day         | (access, *, hub_ids, today, now) -> dict; {} = nothing | the desk's day `/desk/today/` (docs/desk-day.md): the dict names its `template`, `title`, `anchor`, `count`, `order` |
| digest_section   | (hub, *, starts, ends) -> dict; {} = nothing | the monthly digest (news/digest.py): `title`, `entries` [{`title`, `when`, `where`, `link`}], `more`, `link`, `order` |
| desk_panel       | a `carehub.desk.panels.DeskPanel` subclass: (access, person, *, today) -> panel; its `actions`, `scan`, `locate` | the desk screen `/desk/` (docs/desk.md) |
"""

from dataclasses import dataclass, fields
from functools import lru_cache

from django.apps import apps
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class Contributions:
    person_section: str | None = None
    account_section: str | None = None
    export_person: str | None = None
    erase_person: str | None = None
    erasure_preview: str | None = None
    merge_person: str | None = None
    load_demo: str | None = None
    send_reminders: str | None = None
    integrity_checks: str | None = None
    seed_scale: str | None = None
    navigation: str | None = None
    desk_day: str | None = None
    digest_section: str | None = None
    desk_panel: str | None = None


HOOK_NAMES = frozenset(f.name for f in fields(Contributions))


@lru_cache(maxsize=None)
def hooks(name: str) -> tuple[tuple[str, object], ...]:
    """((app label, callable), ...) for every installed app that contributes `name`, in INSTALLED_APPS order."""
    if name not in HOOK_NAMES:
        raise KeyError(f"Unknown carehub hook {name!r}; see carehub.registry.Contributions.")
    found = []
    for config in apps.get_app_configs():
        declared = getattr(config, "contributes", None)
        path = getattr(declared, name, None) if declared is not None else None
        if path:
            found.append((config.label, import_string(path)))
    return tuple(found)
