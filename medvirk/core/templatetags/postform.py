"""The one posted form of a page: ``{% postform %}…{% endpostform %}``.

Every form page had the same eight lines (``<form class="mv-form" method="post" novalidate>``,
the CSRF token, the fields, the row of actions with its submit button and a way back); the tag
keeps them in ``core/_postform.html`` and a page states only what differs::

    {% url 'panels:pool' as back %}
    {% postform submit=_("Send") cancel=back cancel_label=_("Back") narrow=True %}{% endpostform %}

- The body is the fields, rendered in the page's context; an empty body shows ``{{ form }}``.
- ``{% postform_actions %}`` inside the body starts more actions, shown after the button.
- ``submit``: the button's label (default "Save"); ``cancel``: the address of a link back,
  labelled ``cancel_label`` (default "Cancel"); ``narrow``/``wide``: the form's width;
  ``upload``: the form sends files (multipart).

A block tag rather than an ``{% include %}`` because the fields and extra actions are template
text of the page (an include takes only values), and because its arguments are explicit: an
include would also see any context variable of the same name.
"""

from __future__ import annotations

from django import template
from django.template import Engine
from django.template.base import FilterExpression, NodeList, Parser, TextNode, Token
from django.template.context import Context
from django.utils.safestring import mark_safe

register = template.Library()

TEMPLATE = "core/_postform.html"
OPTIONS = frozenset({"submit", "cancel", "cancel_label", "narrow", "wide", "upload"})


class PostFormNode(template.Node):
    child_nodelists = ("nodelist_fields", "nodelist_actions")

    def __init__(self, options: dict[str, FilterExpression], fields: NodeList, actions: NodeList) -> None:
        self.options = options
        self.nodelist_fields = fields
        self.nodelist_actions = actions
        # An empty body (decided here, not by what it renders to: fields that render to nothing
        # must stay nothing) stands for {{ form }}.
        self.shows_form = all(isinstance(node, TextNode) and not node.s.strip() for node in fields)

    def render(self, context: Context) -> str:
        values = {name: expression.resolve(context) for name, expression in self.options.items()}
        if self.shows_form:
            values["fields"] = context.get("form", "")
        else:
            values["fields"] = mark_safe(self.nodelist_fields.render(context))
        values["actions"] = mark_safe(self.nodelist_actions.render(context))
        values["csrf_token"] = context.get("csrf_token")
        engine = context.template.engine if context.template is not None else Engine.get_default()
        return engine.get_template(TEMPLATE).render(context.new(values))


@register.tag
def postform(parser: Parser, token: Token) -> PostFormNode:
    """Parse ``{% postform name=value … %}fields{% postform_actions %}actions{% endpostform %}``."""
    bits = token.split_contents()[1:]
    options: dict[str, FilterExpression] = {}
    for bit in bits:
        name, sep, value = bit.partition("=")
        if not sep or name not in OPTIONS:
            raise template.TemplateSyntaxError(f"postform takes {', '.join(sorted(OPTIONS))}, not {bit!r}")
        options[name] = parser.compile_filter(value)
    fields = parser.parse(("postform_actions", "endpostform"))
    actions = NodeList()
    if parser.next_token().contents == "postform_actions":
        actions = parser.parse(("endpostform",))
        parser.delete_first_token()
    return PostFormNode(options, fields, actions)
