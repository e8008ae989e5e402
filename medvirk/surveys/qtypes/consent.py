"""Consent: a box the respondent ticks to agree (stored as 1)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..design.definition import Question
from . import base, register
from .base import AnswerContext, FieldError, FormData, QuestionType, Renderer, StorageRow, _, sent_value
from .fields import Field


@register
class Consent(QuestionType):
    key = "consent"
    label = _("Consent")
    description = _("The respondent ticks a box to agree, for example to being contacted.")
    order = 100
    figures = base.Figures.NONE
    export = base.ExportColumn.VALUE
    spss = base.SpssKind.NUMBER
    xlsform_words = frozenset({"acknowledge"})

    def parse_value(self, question: Question, raw: str, context: AnswerContext) -> Any:
        return True if raw in ("yes", "on", "true", "1") else FieldError(question.key, "invalid_choice")

    def field(self, question: Question, data: FormData, errors: Mapping[str, str], r: Renderer) -> Field:
        raw = sent_value(question, data)
        return Field(**r.base(question, errors), kind="consent", value=raw)

    def storage_rows(self, value: Any) -> list[StorageRow]:
        return [(None, 1.0, "")]

    def stored_value(self, previous: Any, option_key: str | None, number: float | None, text: str) -> Any:
        return True

    def logic_answers(self, raw: Mapping[str, Any], lang: str) -> list[tuple[str, str]] | None:
        return [("true", str(_("Consents")))]

    def logic_value(self, form_value: str) -> Any:
        return True  # the only answer a consent question has

    def xlsform_write(self, question: Question, row: dict[str, str], writer: Any) -> set[str]:
        row["type"] = "acknowledge"
        return set()

    def examples(self, question: Question) -> list[Any]:
        return [True]
