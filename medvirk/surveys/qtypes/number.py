"""Number: any number, optionally between a lowest and highest value (mean, median, quartiles)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ..design.definition import Question
from . import base, register
from .base import (
    AnswerContext,
    FieldError,
    FormData,
    QuestionType,
    Renderer,
    StorageRow,
    _,
    format_number,
    number_between,
    read_number,
    sent_value,
)
from .fields import Field

_NUMBER = r"(-?\d+(?:\.\d+)?)"
_AT_LEAST = rf"\.\s*>=\s*{_NUMBER}"
_AT_MOST = rf"\.\s*<=\s*{_NUMBER}"


@register
class Number(QuestionType):
    key = "number"
    label = _("Number")
    description = _("The respondent writes a number, for example how many times or how old.")
    order = 60
    edits = frozenset({base.Edit.RANGE})
    figures = base.Figures.NUMBERS
    export = base.ExportColumn.RANGE
    spss = base.SpssKind.STRING  # the range, e.g. "[10, 40)"
    xlsform_words = frozenset({"integer", "int", "decimal"})

    def parse_value(self, question: Question, raw: str, context: AnswerContext) -> Any:
        number = number_between(question.key, raw, question.min, question.max)
        if isinstance(number, FieldError):
            return number
        return int(number) if number.is_integer() and abs(number) < 2**53 else number

    def field(self, question: Question, data: FormData, errors: Mapping[str, str], r: Renderer) -> Field:
        raw = sent_value(question, data)
        return Field(
            **r.base(question, errors), kind="input", input_type="text", inputmode="decimal", value=raw
        )

    def storage_rows(self, value: Any) -> list[StorageRow]:
        return [(None, float(value), "")]

    def stored_value(self, previous: Any, option_key: str | None, number: float | None, text: str) -> Any:
        return int(number) if number is not None and number.is_integer() else number

    def logic_range(self, raw: Mapping[str, Any]) -> tuple[float, float] | None:
        lo, hi = raw.get("min"), raw.get("max")
        return (float("-inf") if lo is None else lo, float("inf") if hi is None else hi)

    def xlsform_write(self, question: Question, row: dict[str, str], writer: Any) -> set[str]:
        row["type"] = "decimal"
        parts = []
        if question.min is not None:
            parts.append(f". >= {format_number(question.min)}")
        if question.max is not None:
            parts.append(f". <= {format_number(question.max)}")
        if parts:
            row["constraint"] = " and ".join(parts)
        return {"min", "max"}

    def xlsform_constraint(self, question: dict[str, Any], constraint: str) -> bool:
        both = re.fullmatch(rf"{_AT_LEAST}\s+and\s+{_AT_MOST}", constraint)
        if both:
            question["min"], question["max"] = read_number(both.group(1)), read_number(both.group(2))
            return True
        for name, pattern in (("min", _AT_LEAST), ("max", _AT_MOST)):
            match = re.fullmatch(pattern, constraint)
            if match:
                question[name] = read_number(match.group(1))
                return True
        return False

    def examples(self, question: Question) -> list[Any]:
        lo = question.min if question.min is not None else 0
        hi = question.max if question.max is not None else 100
        return [lo, hi, (lo + hi) / 2]
