"""Date: a calendar date, stored as ISO ``YYYY-MM-DD`` text."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from ..design.definition import Question
from . import base, register
from .base import AnswerContext, FieldError, FormData, QuestionType, Renderer, _, sent_value
from .fields import Field


@register
class Date(QuestionType):
    key = "date"
    label = _("Date")
    description = _("The respondent gives a date.")
    order = 70
    figures = base.Figures.NONE
    export = base.ExportColumn.YEAR
    spss = base.SpssKind.NUMBER  # the year
    xlsform_words = frozenset({"date"})
    logic_source = False  # the builder offers no condition on a date

    def parse_value(self, question: Question, raw: str, context: AnswerContext) -> Any:
        try:
            return dt.date.fromisoformat(raw).isoformat()
        except ValueError:
            return FieldError(question.key, "invalid_date")

    def field(self, question: Question, data: FormData, errors: Mapping[str, str], r: Renderer) -> Field:
        raw = sent_value(question, data)
        return Field(**r.base(question, errors), kind="input", input_type="date", value=raw)

    def xlsform_write(self, question: Question, row: dict[str, str], writer: Any) -> set[str]:
        row["type"] = "date"
        return set()

    def examples(self, question: Question) -> list[Any]:
        return ["2026-01-31", "1990-06-15"]
