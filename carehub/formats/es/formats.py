# Spanish. Weekday and month names are lower case, as Spanish writes them.
DATE_FORMAT = r"j \d\e F \d\e Y"  # 2 de diciembre de 2026
TIME_FORMAT = "H:i"
DATETIME_FORMAT = r"j \d\e F \d\e Y, H:i"  # 2 de diciembre de 2026, 10:00
YEAR_MONTH_FORMAT = r"F \d\e Y"  # diciembre de 2026
MONTH_DAY_FORMAT = r"j \d\e F"  # 8 de diciembre
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
WEEKDAY_DATE_FORMAT = r"l, j \d\e F \d\e Y"  # miércoles, 2 de diciembre de 2026
WEEKDAY_MONTH_DAY_FORMAT = r"l, j \d\e F"  # miércoles, 2 de diciembre
MONTH_DAY_TIME_FORMAT = r"j \d\e F, H:i"  # 2 de diciembre, 10:00
FIRST_DAY_OF_WEEK = 1  # Monday

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y"]
DATETIME_INPUT_FORMATS = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M"]
DECIMAL_SEPARATOR = ","
# A point, as Spain's administration writes figures (22.800); Django's default for Spanish is a space.
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
