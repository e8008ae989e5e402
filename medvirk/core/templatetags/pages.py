"""The page's title, said once: ``{% page_title %}`` renders the page's ``{% block title %}``
again, so ``core/page.html`` can show it as the heading and a page states its title only once.

Django has no tag for this (``{{ block.super }}`` reaches only the parent's version of the
block being rendered); the block a page defines is the last one on the template's block
context, which is where ``{% block %}`` itself finds it.
"""

from __future__ import annotations

from django import template
from django.template.context import Context
from django.template.loader_tags import BLOCK_CONTEXT_KEY
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag(takes_context=True)
def page_title(context: Context) -> SafeString | str:
    """Return the text of the page's title block (empty where it has none)."""
    blocks = context.render_context.get(BLOCK_CONTEXT_KEY)
    block = blocks.get_block("title") if blocks is not None else None
    if block is None:
        return ""
    with context.push():
        return block.nodelist.render(context)
