"""Single choice: one of the question's options."""

from __future__ import annotations

from typing import Any

from ..design.definition import Question
from . import base, register
from .base import AnswerContext, FieldError, StorageRow, XlsRow, _
from .shared import ChoiceType


@register
class SingleChoice(ChoiceType):
    key = "single"
    label = _("Single choice")
    description = _("The respondent picks one of the options.")
    order = 10
    other_option = True
    figures = base.Figures.COUNTS
    export = base.ExportColumn.VALUE
    spss = base.SpssKind.CODES

    def parse_value(self, question: Question, raw: str, context: AnswerContext) -> Any:
        return raw if raw in self.visible_keys(question) else FieldError(question.key, "invalid_choice")

    def storage_rows(self, value: Any) -> list[StorageRow]:
        return [(value, None, "")]

    def stored_value(self, previous: Any, option_key: str | None, number: float | None, text: str) -> Any:
        return option_key

    def xlsform_score(self, row: XlsRow, reader: Any) -> int:
        return 1 if row.select == "one" else 0  # any list of choices; scales score higher
