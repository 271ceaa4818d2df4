"""What an app contributes to the desk screen: a panel about the person shown, and the actions it answers.

An app sets `desk_panel="<app>.desk.<Class>"` in its `Contributions`; the class subclasses `DeskPanel`.
The screen builds one instance per request for the person shown (`DeskPanel(access, person, today=...)`),
which loads what it shows in a fixed number of queries (the screen's query count must not grow with a
person's loans, holds or bookings). Actions are class-level: a POST builds no panel.

- `actions`: {name: function(request, access, person, obj_id) -> Outcome}, reached at
  `/desk/people/<person>/<app label>/<name>/[<obj_id>/]`. GET shows a step (a confirmation or the details a
  rule needs, `Outcome.step`), POST does the work (a service call) and says what happened.
- `scan(request, access, person, tokens) -> Outcome | None`: the person screen's scan field, split into
  tokens; None = not this app's (the next app is asked).
- `locate(access, text) -> str | None`: what `/desk/` opens for something scanned before any person is
  shown (e.g. an item on loan opens its borrower with the return step); a URL or None.
"""

from dataclasses import dataclass, field


@dataclass
class Outcome:
    """What an action did, for the screen to show.

    `message` goes to the screen's status region (announced by screen readers); `ok` decides its colour and
    whether the POST ends in a redirect (post/redirect/get) or the screen is shown again with `step` (a
    template included in place of the scan form, with `context`) and the `status` code. `scan_value` puts
    the typed tags back into the scan field after a refusal, so one wrong tag can be deleted and Enter pressed.
    `person_id` moves the screen to another person (a card scanned while someone else is shown); `redirect`
    opens another page of the screen instead (e.g. an item on loan scanned: its return step)."""

    ok: bool = True
    message: str = ""
    status: int = 200
    step: str | None = None
    context: dict = field(default_factory=dict)
    scan_value: str = ""
    person_id: int | None = None
    redirect: str | None = None
    details: list = field(default_factory=list)  # lines under the message, e.g. each refused tag and why


class DeskPanel:
    """One app's part of the desk screen for one person. Subclasses set `template` and fill `context` in
    `load()`; `order` places the panel (lower first)."""

    template: str = ""
    order: int = 50
    actions: dict = {}

    def __init__(self, access, person, *, today):
        self.access = access
        self.person = person
        self.today = today
        self.context = self.load() or {}

    def load(self) -> dict:
        return {}

    @property
    def visible(self) -> bool:
        """Whether the panel has anything to show the caller (False hides it, e.g. for a role that may not
        see this app's rows)."""
        return bool(self.template)

    @classmethod
    def scan(cls, request, access, person, tokens: list[str]) -> Outcome | None:
        return None

    @classmethod
    def locate(cls, access, text: str) -> str | None:
        return None
