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

On a narrow screen (a phone held upright) the table does not scroll sideways: each row stands as
one block, each cell after its column's name (``app.css``, ``.mv-stack``). The tag gives every
cell of the rows that name as ``data-label`` (the actions column and cells spanning several columns
get none), and rows and cells their table roles, which screen readers keep when the table stacks.

A block tag rather than an ``{% include %}`` for the same reason as ``{% postform %}``: the rows are
template text of the page, and an include takes only values.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from django import template
from django.template import Engine
from django.template.base import FilterExpression, NodeList, Parser, Token
from django.template.context import Context
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()

TEMPLATE = "core/_listtable.html"
OPTIONS = frozenset(
    {"id", "caption", "labelledby", "actions", "empty_row", "empty_paragraph", "border", "size"}
)

# The row and cell tags of rows written by a page's template (escaped text cannot hold "<td").
_TAGS = re.compile(r"<(/?)(table|tr|td|th)\b([^>]*)>", re.IGNORECASE)
_COLSPAN = re.compile(r"\bcolspan=[\"']?(\d+)", re.IGNORECASE)


def label_cells(rows: str, heads: Sequence[object]) -> str:
    """Return ``rows`` with each cell named by its column's header as ``data-label``, and the rows
    and cells given their table roles (kept when a narrow screen stacks them, see app.css).

    Cells of a table nested inside a cell are left as they are; cells spanning columns and cells
    past the headers (the actions column) get no name.
    """
    roles = {"tr": "row", "td": "cell", "th": "rowheader"}
    parts: list[str] = []
    done = depth = column = 0
    for match in _TAGS.finditer(rows):
        closing, name, attributes = match.group(1), match.group(2), match.group(3)
        tag = name.lower()
        if tag == "table":
            depth += -1 if closing else 1
            continue
        if depth or closing:
            continue
        added = "" if "role=" in attributes else f' role="{roles[tag]}"'
        if tag == "tr":
            column = 0
        else:
            span_match = _COLSPAN.search(attributes)
            span = int(span_match.group(1)) if span_match else 1
            if span == 1 and column < len(heads) and "data-label" not in attributes:
                added += f' data-label="{escape(heads[column])}"'
            column += span
        end_of_name = match.start() + 1 + len(name)
        parts += [rows[done:end_of_name], added]
        done = end_of_name
    parts.append(rows[done:])
    return "".join(parts)


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
        values["rows"] = mark_safe(label_cells(rows, values["heads"]))
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
