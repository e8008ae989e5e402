"""Template filters of choice pages: the labels of stored keys."""

from __future__ import annotations

from django import template

from medvirk.choice.types import Specialisation, SwitchReason

register = template.Library()


@register.filter
def switch_reason(key: str) -> str:
    """Return a switch reason's label (the key itself if unknown)."""
    try:
        return str(SwitchReason(key).label)
    except ValueError:
        return key


@register.filter
def specialisation(key: str) -> str:
    """Return a specialisation's label (the key itself if unknown)."""
    try:
        return str(Specialisation(key).label)
    except ValueError:
        return key
