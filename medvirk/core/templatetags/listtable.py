"""A staff list table: ``{% listtable "Header" … caption=… %}rows{% endlisttable %}``.

The list pages (audit log, surveys, results, activities, findings, measures, panels, …) each wrote
out the same frame around their rows: a scroll region that keyboard users can reach, labelled by
the table's caption (or by the heading above it), the caption, a header row of
``<th scope="col">`` cells and what to say when the list is empty. The tag keeps that frame in
``core/_listtable.html``, accessible by construction; a page states its headers, caption and rows::

    {% listtable _("When") _("Who") id="audit-caption" caption=_("Changes") empty_row=_("None.") %}
      {% for row in rows %}<tr><td>…</td><td>…</td></tr>{% endfor %}
    {% endlisttable %}

- The positional arguments are the column headers, in order.
- ``id`` and ``caption``: the caption's id and text (the scroll region is labelled by it); or
  ``labelledby``: the id of the heading above that names the table (then it has no caption).
- ``actions``: a last column of row actions (buttons), its header read only by screen readers.
- ``empty_row``: when the body shows no rows, the table shows one row with this text; or
  ``empty_paragraph``: a paragraph with this text stands instead of the table.
- ``border``: the table has borders; ``size``: its size (``"sm"``).

A block tag rather than an ``{% include %}`` for the same reason as ``{% postform %}``: the rows are
template text of the page, and an include takes only values.
"""

from __future__ import annotations

from django import template
from django.template import Engine
from django.template.base import FilterExpression, NodeList, Parser, Token
from django.template.context import Context
from django.utils.safestring import mark_safe

register = template.Library()

TEMPLATE = "core/_listtable.html"
OPTIONS = frozenset(
    {"id", "caption", "labelledby", "actions", "empty_row", "empty_paragraph", "border", "size"}
)


class ListTableNode(template.Node):
    child_nodelists = ("nodelist_rows",)

    def __init__(
        self, heads: list[FilterExpression], options: dict[str, FilterExpression], rows: NodeList
    ) -> None:
        self.heads = heads
        self.options = options
        self.nodelist_rows = rows

    def render(self, context: Context) -> str:
        values = {name: expression.resolve(context) for name, expression in self.options.items()}
        values["heads"] = [head.resolve(context) for head in self.heads]
        values["columns"] = len(self.heads) + ("actions" in values)
        rows = self.nodelist_rows.render(context)
        values["rows"] = mark_safe(rows)
        values["has_rows"] = bool(rows.strip())
        engine = context.template.engine if context.template is not None else Engine.get_default()
        return engine.get_template(TEMPLATE).render(context.new(values))


@register.tag
def listtable(parser: Parser, token: Token) -> ListTableNode:
    """Parse ``{% listtable header … name=value … %}rows{% endlisttable %}``."""
    heads: list[FilterExpression] = []
    options: dict[str, FilterExpression] = {}
    for bit in token.split_contents()[1:]:
        name, sep, value = bit.partition("=")
        if not sep:
            if options:
                raise template.TemplateSyntaxError(f"listtable: headers come before options, not {bit!r}")
            heads.append(parser.compile_filter(bit))
        elif name in OPTIONS:
            options[name] = parser.compile_filter(value)
        else:
            raise template.TemplateSyntaxError(f"listtable takes {', '.join(sorted(OPTIONS))}, not {bit!r}")
    named_by_caption = {"id", "caption"} <= options.keys()
    if not heads or named_by_caption == ("labelledby" in options):
        raise template.TemplateSyntaxError(
            "listtable needs its column headers and either an id and a caption or labelledby"
        )
    rows = parser.parse(("endlisttable",))
    parser.delete_first_token()
    return ListTableNode(heads, options, rows)
