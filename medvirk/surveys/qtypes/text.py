"""Short free text on one line (at most 500 characters unless the question says otherwise)."""

from __future__ import annotations

from typing import Any

from . import register
from .base import XlsRow, _
from .shared import TextType


@register
class ShortText(TextType):
    key = "text"
    label = _("Short text")
    description = _("The respondent writes a word or a line.")
    order = 80
    default_max_length = 500
    widget = "input"

    def xlsform_score(self, row: XlsRow, reader: Any) -> int:
        words = row.select is None and row.base in self.xlsform_words
        return 2 if words and "multiline" not in row.appearance else 0  # several lines: textarea
