"""The shape of an integrity check (`manage.py check_integrity`); each app contributes its own checks through
the registry hook `integrity_checks`."""

from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Check:
    name: str
    description: str
    run: Callable[[], list[str]]  # one line per breach; empty when clean
