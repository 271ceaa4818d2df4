# English as written in Barcelona's (and Britain's) usage: day before month, 24-hour clock. Django's "en"
# formats are American (12/01/2026 would read as 1 December to them and as 12 January here).
DATE_FORMAT = "j F Y"  # 2 December 2026
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y, H:i"  # 2 December 2026, 10:00
YEAR_MONTH_FORMAT = "F Y"  # December 2026
MONTH_DAY_FORMAT = "j F"  # 8 December
SHORT_DATE_FORMAT = "d/m/Y"  # 02/12/2026
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
WEEKDAY_DATE_FORMAT = "l j F Y"  # Wednesday 2 December 2026
WEEKDAY_MONTH_DAY_FORMAT = "l j F"  # Wednesday 2 December
MONTH_DAY_TIME_FORMAT = "j F, H:i"  # 2 December, 10:00
FIRST_DAY_OF_WEEK = 1  # Monday

# No month-first input (Django's American "%m/%d/%Y"): 02/12/2026 is the 2nd of December.
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y"]
DATETIME_INPUT_FORMATS = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M"]
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
