"""Date formats per language that differ from Django's own (settings.FORMAT_MODULE_PATH).

Templates write dates with the named formats (``|date:"DATE_FORMAT"``, ``"MONTH_DAY_FORMAT"``,
``"DATETIME_FORMAT"``), never a pattern of their own, so each page's language decides the format.
Bokmål and nynorsk keep Django's ("27. mars 2026"); English pages read "27 March 2026", not the
American "March 27, 2026".
"""
