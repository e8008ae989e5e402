"""Number formatting for results pages: shares, means and intervals, always with locale rules."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

from django import template
from django.utils.formats import number_format as _django_number_format
from django.utils.translation import gettext

register = template.Library()


def number_format(value: Any, places: int) -> str:
    """Format with ``places`` decimals, rounding (Django's ``number_format`` truncates 8.39 to 8.3)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = round(value, int(places))
    return _django_number_format(value, places)


def _ok(value: Any) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value))


@register.filter
def pct(value: Any) -> str:
    """Format a share 0–1 as a whole percentage ("56 %").

    A share that is not 0 or 1 but would round to it says so ("under 1 %", "over 99 %"): "0 %"
    beside a group that is there, or "100 %" beside others, reads as a mistake.
    """
    if not _ok(value) or not isinstance(value, int | float | Decimal) or isinstance(value, bool):
        return "–"  # a missing template variable arrives as ""
    whole = number_format(value * 100, 0)
    if value > 0 and whole == "0":
        return gettext("under 1 %")
    if value < 1 and whole == "100":
        return gettext("over 99 %")
    return f"{whole} %"


@register.filter
def dec(value: Any, places: int = 1) -> str:
    """Format a number with ``places`` decimals."""
    return number_format(value, places) if _ok(value) else "–"


def _ends(estimate: Any, kind: str) -> dict[str, str] | None:
    """The two ends of an estimate's interval, formatted: a share in whole percent, else 1 decimal."""
    if estimate is None or not all(_ok(v) for v in estimate.interval):
        return None
    low, high = estimate.interval
    if kind == "share":
        return {"low": number_format(low * 100, 0), "high": number_format(high * 100, 0)}
    return {"low": number_format(low, 1), "high": number_format(high, 1)}


@register.filter
def interval(estimate: Any, kind: str = "mean") -> str:
    """Format an estimate's interval as "3,8–4,6" (mean) or "41–70 %" (share)."""
    ends = _ends(estimate, kind)
    if ends is None:
        return "–"
    return f"{ends['low']}–{ends['high']}" + (" %" if kind == "share" else "")


@register.filter
def between(estimate: Any, kind: str = "mean") -> str:
    """Format an estimate's interval for "likely between …": "4,1 and 4,5" or "36 and 53 %"."""
    ends = _ends(estimate, kind)
    if ends is None:
        return "–"
    return (gettext("%(low)s and %(high)s %%") if kind == "share" else gettext("%(low)s and %(high)s")) % ends


@register.simple_tag
def reading(figures: Any) -> Any:
    """Return what a group's figures mean in words (``medvirk.insights.readings``)."""
    from ..readings import reading as read

    return read(figures)


@register.simple_tag
def answer_table(figures: Any) -> Any:
    """Return a group's answer table in the groups its words use (``readings.answer_table``)."""
    from ..readings import answer_table as table

    return table(figures)


@register.filter
def points(value: Any, style: str = "signed") -> str:
    """Format a difference of two shares in percentage points: "−12 percentage points" (signed),
    "10 percentage points" (``points:"size"``, a size without direction), "−12" (``points:"number"``,
    the ends of an interval after a difference said in full)."""
    if not _ok(value):
        return "–"
    whole = round(value * 100)
    sign = "" if style == "size" or whole == 0 else "−" if whole < 0 else "+"
    if style == "number":
        return f"{sign}{abs(whole)}"
    return gettext("%(sign)s%(v)s percentage points") % {"sign": sign, "v": abs(whole)}


@register.filter
def unix_time(value: Any) -> Any:
    """Turn a Unix time (seconds) into an aware datetime for the ``date`` filter."""
    import datetime

    if not _ok(value):
        return None
    return datetime.datetime.fromtimestamp(float(value), tz=datetime.UTC)
