"""Turn a definition section into plain view-models for the respondent templates.

Texts are resolved into the respondent's language here (falling back to the survey's first
language), so templates stay simple and the same code serves web, kiosk and paper entry.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.utils.html import format_html

from medvirk.common import languages
from medvirk.common.dimensions import Category, Dimension

from .. import qtypes
from ..design.definition import Definition, Question, Section, Text, tx
from ..design.respondent_text import category_text, ui
from ..qtypes.fields import Choice, Field
from . import engine

__all__ = ["Choice", "Fallback", "Field", "SectionRenderer", "error_text", "marked", "tx"]


class Fallback(str):
    """A text shown in another language than the page's (its translation is missing).

    It renders as ``<span lang=… dir=…>`` so a screen reader reads it with the right voice
    (WCAG 3.1.2) and it runs in its own direction inside a right-to-left page. ``str()`` of it is
    the plain text (for ``<title>`` and attributes).
    """

    lang: str

    def __new__(cls, text: str, lang: str) -> Fallback:
        obj = super().__new__(cls, text)
        obj.lang = lang
        return obj

    def __html__(self) -> str:
        return format_html(
            '<span lang="{}" dir="{}">{}</span>', self.lang, languages.direction(self.lang), str(self)
        )


def marked(text: Text | None, lang: str, fallback: Sequence[str]) -> str:
    """Return ``text`` in ``lang``; a text from another language comes back as a ``Fallback``."""
    if not text or text.get(lang):
        return tx(text, lang, fallback)
    for code in (*fallback, *text):
        if text.get(code):
            return Fallback(text[code], code)
    return ""


def error_summary(fields: Iterable[Field]) -> list[tuple[str, str, str]]:
    """Return (field id, question, error sentence) for each field of a page with an error, in the
    page's order: the links of its error summary (``surveys/respond/_error_summary.html``)."""
    out: list[tuple[str, str, str]] = []
    for f in fields:
        specify = [c.specify for c in f.choices if c.specify is not None]  # "other, please specify"
        out.extend((g.id, g.text, g.error) for g in (f, *f.rows, *specify) if g.error)
    return out


def error_text(error: engine.FieldError, lang: str, overrides: Mapping[str, Mapping[str, str]] | None) -> str:
    """Return the sentence for a field error in the respondent's language."""
    params = {k: ("" if v is None else v) for k, v in error.params.items()}
    code = (
        error.code
        if f"err_{error.code}"
        in {
            "err_required",
            "err_invalid_choice",
            "err_out_of_range",
            "err_not_a_number",
            "err_invalid_date",
            "err_too_long",
            "err_rank_all",
        }
        else "invalid_choice"
    )
    return ui(f"err_{code}", lang, overrides, **params)


class SectionRenderer:
    """Build fields for one section in one language."""

    def __init__(
        self,
        definition: Definition,
        lang: str,
        *,
        district_labels: Mapping[str, str] | None = None,
        overrides: Mapping[str, Mapping[str, str]] | None = None,
    ) -> None:
        self.definition = definition
        self.lang = lang
        self.fallback = definition.languages
        self.district_labels = district_labels or {}
        self.overrides = overrides

    def t(self, text: Text | None) -> str:
        return marked(text, self.lang, self.fallback)

    def fields(
        self,
        section: Section,
        data: Mapping[str, Sequence[str]],
        errors: Mapping[str, str],
        context: Mapping[str, Any],
    ) -> list[Field]:
        """Return the visible questions of ``section`` as fields, prefilled with ``data``."""
        result = []
        for question in engine.visible_questions(section, context):
            if question.specifies is None:  # an "other" text is a field of its choice question
                result.append(self.field(question, data, errors))
        return result

    def ui(self, key: str, **params: object) -> str:
        return ui(key, self.lang, self.overrides, **params)

    def category(self, dimension: Dimension, category: Category) -> str:
        """Return a background category's label in the page's language (English when not shipped)."""
        return category_text(dimension.key, category.key, self.lang) or category.label(self.lang)

    def base(self, question: Question, errors: Mapping[str, str]) -> dict[str, Any]:
        """Return the fields every question's view-model has."""
        return {
            "key": question.key,
            "name": engine.field_name(question.key),
            "id": f"f-{question.key}",
            "text": self.t(question.text),
            "help": self.t(question.help),
            "required": question.required,
            "error": errors.get(question.key, ""),
        }

    def choices(
        self, question: Question, values: list[tuple[str, str]], data: Mapping[str, Sequence[str]]
    ) -> list[Choice]:
        chosen = set(data.get(engine.field_name(question.key)) or [])
        return [Choice(v, label, v in chosen, f"f-{question.key}-{i}") for i, (v, label) in enumerate(values)]

    def field(
        self, question: Question, data: Mapping[str, Sequence[str]], errors: Mapping[str, str]
    ) -> Field:
        """Return the view-model of one question (its type builds it)."""
        return qtypes.get(question.type).field(question, data, errors, self)
