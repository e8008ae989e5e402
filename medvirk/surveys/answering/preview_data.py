"""A survey page as respondents see it, as plain data: the API's preview (issue 17).

The same view-models as the respondent page (``render.SectionRenderer``), so a text shown in
another language than asked for says so (``language``), as the page marks it with ``lang``.
"""

from __future__ import annotations

from typing import Any

from medvirk.common import languages

from ..design import builder
from ..design.parser import parse_definition
from ..models import Survey
from .render import SectionRenderer


def _said(text: str, lang: str) -> dict[str, str]:
    """A respondent text with the language it is shown in (another one when it is a fallback)."""
    return {"text": str(text), "language": getattr(text, "lang", lang)}


def preview_data(survey: Survey, lang: str, number: int) -> dict[str, Any]:
    """Return page ``number`` of the survey as respondents see it in ``lang``, as plain data (API).

    Every visible question is there, with the rule that shows it in words; a text missing in
    ``lang`` comes in the language shown instead (``language``), as the respondent page marks it.
    """
    definition = parse_definition(survey.definition)
    if lang not in definition.languages:
        lang = definition.languages[0]
    sections = definition.sections
    number = min(max(number, 1), len(sections))
    section = sections[number - 1]
    renderer = SectionRenderer(definition, lang)
    document, first = survey.definition, definition.languages[0]
    questions = []
    for q in section.questions:
        if q.hidden or q.specifies is not None:
            continue
        field = renderer.field(q, {}, {})
        items = field.rows or [field]
        questions.append(
            {
                "key": q.key,
                "kind": field.kind,
                "text": _said(field.text, lang),
                "help": _said(field.help, lang) if field.help else None,
                "required": field.required,
                "choices": [{"value": c.value, "label": _said(c.label, lang)} for c in field.choices],
                "rows": [{"key": r.key, "text": _said(r.text, lang)} for r in items if r is not field],
                "shown_when": builder.condition_sentence(q.condition.to_dict(), document, first)
                if q.condition
                else "",
            }
        )
    return {
        "language": lang,
        "direction": languages.direction(lang),
        "page": number,
        "pages": len(sections),
        "title": _said(renderer.t(section.title), lang),
        "questions": questions,
    }
