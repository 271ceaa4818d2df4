# Catalan. `E` is the month "as said after a day": carehub's catalogue translates the "alt. month" names
# with their preposition ("de desembre", "d'octubre"), so "j E" reads "2 de desembre" and "8 d'octubre"
# (Django's own Catalan catalogue has the bare name there). Weekday names are lower case, as Catalan writes.
DATE_FORMAT = r"j E \d\e Y"  # 2 de desembre de 2026
TIME_FORMAT = "G:i"
DATETIME_FORMAT = r"j E \d\e Y, G:i"  # 2 de desembre de 2026, 10:00
YEAR_MONTH_FORMAT = r"F \d\e Y"  # desembre de 2026
MONTH_DAY_FORMAT = r"j E"  # 8 d'octubre
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y G:i"
WEEKDAY_DATE_FORMAT = r"l, j E \d\e Y"  # dimecres, 2 de desembre de 2026
WEEKDAY_MONTH_DAY_FORMAT = r"l, j E"  # dimecres, 2 de desembre
MONTH_DAY_TIME_FORMAT = r"j E, G:i"  # 2 de desembre, 10:00
FIRST_DAY_OF_WEEK = 1  # Monday

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y"]
DATETIME_INPUT_FORMATS = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M"]
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
