"""English dates for a Norwegian service: day before month, no comma ("27 March 2026")."""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y H:i"
MONTH_DAY_FORMAT = "j F"
# Day first, as the pages that write "d.m.Y" (Django's English is the American "03/27/2026").
SHORT_DATE_FORMAT = "d.m.Y"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
