"""Dates follow the page's language, day before month in every one (medvirk/core/formats)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import translation
from django.utils.formats import date_format

DAY = datetime.datetime(2026, 3, 27, 14, 30)


@pytest.mark.parametrize(
    ("language", "long", "month_day", "short", "short_time"),
    [
        ("nb", "27. mars 2026", "27. mars", "27.03.2026", "27.03.2026 14:30"),
        ("nn", "27. mars 2026", "27. mars", "27.03.2026", "27.03.2026 14:30"),
        # Django's English is American ("March 27, 2026", "03/27/2026 2:30 p.m.").
        ("en", "27 March 2026", "27 March", "27.03.2026", "27.03.2026 14:30"),
    ],
)
def test_dates_in_each_language(
    language: str, long: str, month_day: str, short: str, short_time: str
) -> None:
    with translation.override(language):
        assert date_format(DAY.date()) == long
        assert date_format(DAY.date(), "MONTH_DAY_FORMAT") == month_day
        assert date_format(DAY.date(), "SHORT_DATE_FORMAT") == short
        assert date_format(DAY, "SHORT_DATETIME_FORMAT") == short_time
