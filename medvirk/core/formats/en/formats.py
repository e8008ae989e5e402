"""English dates for a Norwegian service: day before month, no comma ("27 March 2026")."""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y H:i"
MONTH_DAY_FORMAT = "j F"
