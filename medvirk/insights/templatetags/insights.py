"""Number formatting for results pages: shares, means and intervals, always with locale rules."""

from __future__ import annotations

import math
from typing import Any

from django import template
from django.utils.formats import number_format as _django_number_format

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
    """Format a share 0–1 as a whole percentage ("56 %")."""
    return f"{number_format(value * 100, 0)} %" if _ok(value) else "–"


@register.filter
def dec(value: Any, places: int = 1) -> str:
    """Format a number with ``places`` decimals."""
    return number_format(value, places) if _ok(value) else "–"


@register.filter
def interval(estimate: Any, kind: str = "mean") -> str:
    """Format an estimate's interval as "3,8–4,6" (mean) or "41–70 %" (share)."""
    if estimate is None or not all(_ok(v) for v in estimate.interval):
        return "–"
    low, high = estimate.interval
    if kind == "share":
        return f"{number_format(low * 100, 0)}–{number_format(high * 100, 0)} %"
    return f"{number_format(low, 1)}–{number_format(high, 1)}"


@register.simple_tag
def reading(figures: Any) -> Any:
    """Return what a group's figures mean in words (``medvirk.insights.readings``)."""
    from ..readings import reading as read

    return read(figures)
