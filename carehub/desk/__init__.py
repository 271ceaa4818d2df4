"""The front desk's one screen (`/desk/`): find a person (or scan their card), see what they have and what
waits for them, and lend, return, renew or hand over from the same place.

The core lays the screen out and knows people, cards and calls; each app adds its panel and its actions
through the registry hook `desk_panel` (a `carehub.desk.panels.DeskPanel` subclass), so nothing here imports
an app. docs/desk.md describes the screen and the contract.
"""
