"""Multiple choice: one or more of the question's options (a tuple of keys, in option order)."""

from __future__ import annotations

from typing import Any

from ..design.definition import Question
from . import base, register
from .base import AnswerContext, Answers, FieldError, FormData, StorageRow, XlsRow, _
from .shared import ChoiceType


@register
class MultipleChoice(ChoiceType):
    key = "multiple"
    label = _("Multiple choice")
    description = _("The respondent ticks one or more of the options.")
    order = 20
    other_option = True
    exclusive = False
    figures = base.Figures.COUNTS
    export = base.ExportColumn.JOINED
    spss = base.SpssKind.DUMMIES
    xlsform_multi_select = True

    def parse(
        self, question: Question, data: FormData, context: AnswerContext
    ) -> tuple[Answers, list[FieldError]]:
        chosen, errors = self.sent_keys(question, data)
        if not chosen:
            return {}, errors
        order = [o.key for o in question.options]
        return {question.key: tuple(sorted(set(chosen), key=order.index))}, []

    def storage_rows(self, value: Any) -> list[StorageRow]:
        return [(key, None, "") for key in value]

    def stored_value(self, previous: Any, option_key: str | None, number: float | None, text: str) -> Any:
        return (*(previous or ()), option_key)

    def xlsform_score(self, row: XlsRow, reader: Any) -> int:
        return 2 if row.select == "multiple" else 0

    def examples(self, question: Question) -> list[Any]:
        keys = self.visible_keys(question)
        return [(keys[0],), tuple(keys)]
