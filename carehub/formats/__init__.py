"""carehub's own date and number formats per language (FORMAT_MODULE_PATH), read before Django's.

Beside Django's named formats, each module defines the same extra names, used as
`{{ d|date:"WEEKDAY_DATE_FORMAT" }}` (Django's `get_format` returns any name a format module defines): every
language must define every one of them, which tests/language/test_dates.py checks. docs/language.md says
which to use where.
"""

EXTRA_FORMATS = ("WEEKDAY_DATE_FORMAT", "WEEKDAY_MONTH_DAY_FORMAT", "MONTH_DAY_TIME_FORMAT")
