"""Language names and writing direction in templates, from the one registry
(:mod:`medvirk.common.languages`): ``{{ lang|language_name }}`` shows "arabisk" on a bokmål page,
never "ar"; ``dir="{{ lang|language_dir }}"``."""

from __future__ import annotations

from django import template
from django.utils.translation import get_language

from medvirk.common import languages

register = template.Library()


@register.filter
def language_name(code: str) -> str:
    """Return a language's name in the page's language (its code if unknown)."""
    return languages.name(code, (get_language() or "nb").split("-")[0])


@register.filter
def language_dir(code: str) -> str:
    """Return ``rtl`` or ``ltr`` for text in a language."""
    return languages.direction(code)
