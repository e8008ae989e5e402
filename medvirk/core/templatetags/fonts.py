"""`{% font_stylesheets %}`: the `<link>` tags that load Designsystemet's font (see core.fonts)."""

from __future__ import annotations

from django import template
from django.templatetags.static import static
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from medvirk.core import fonts

register = template.Library()


@register.simple_tag
def font_stylesheets() -> SafeString:
    """Link every stylesheet of the self-hosted font."""
    return format_html_join(
        "\n  ", '<link rel="stylesheet" href="{}">', ((static(path),) for path in fonts.static_paths())
    )
