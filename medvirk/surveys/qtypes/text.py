"""Short free text on one line (at most 500 characters unless the question says otherwise)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..design.definition import Question
from . import base, register
from .base import FormData, Renderer, XlsRow, _, sent_value
from .fields import Field
from .shared import TextType


@register
class ShortText(TextType):
    key = "text"
    label = _("Short text")
    description = _("The respondent writes a word or a line.")
    order = 80
    edits = frozenset({base.Edit.MAX_LENGTH})
    figures = base.Figures.TEXT
    export = base.ExportColumn.VALUE
    spss = base.SpssKind.STRING
    xlsform_words = frozenset({"text", "string"})
    default_max_length = 500

    def field(self, question: Question, data: FormData, errors: Mapping[str, str], r: Renderer) -> Field:
        raw = sent_value(question, data)
        return Field(
            **r.base(question, errors),
            kind="input",
            input_type="text",
            value=raw,
            maxlength=question.max_length or self.default_max_length,
        )

    def xlsform_score(self, row: XlsRow, reader: Any) -> int:
        words = row.select is None and row.base in self.xlsform_words
        return 2 if words and "multiline" not in row.appearance else 0  # several lines: textarea
