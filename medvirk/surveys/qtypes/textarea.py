"""Longer free text on several lines (at most 5,000 characters unless the question says otherwise)."""

from __future__ import annotations

from typing import Any

from ..design.definition import Question
from . import register
from .base import XlsRow, _
from .shared import TextType

TEXT_MAX = 5000


@register
class LongText(TextType):
    key = "textarea"
    label = _("Free text")
    description = _("The respondent writes freely, over several lines.")
    order = 90
    default_max_length = TEXT_MAX
    widget = "textarea"

    def xlsform_write(self, question: Question, row: dict[str, str], writer: Any) -> set[str]:
        represented = super().xlsform_write(question, row, writer)
        row["appearance"] = "multiline"
        return represented

    def xlsform_score(self, row: XlsRow, reader: Any) -> int:
        words = row.select is None and row.base in self.xlsform_words
        return 3 if words and (row.native == self.key or "multiline" in row.appearance) else 0
