"""Template filters of choice pages: the labels of stored keys."""

from __future__ import annotations

from django import template
from django.db.models import TextChoices

from medvirk.choice.types import Specialisation, SwitchReason

register = template.Library()


def _label(choices: type[TextChoices], key: str) -> str:
    """Return the label of ``key`` among ``choices`` (the key itself if unknown)."""
    try:
        return str(choices(key).label)
    except ValueError:
        return key


@register.filter
def switch_reason(key: str) -> str:
    """Return a switch reason's label (the key itself if unknown)."""
    return _label(SwitchReason, key)


@register.filter
def specialisation(key: str) -> str:
    """Return a specialisation's label (the key itself if unknown)."""
    return _label(Specialisation, key)
