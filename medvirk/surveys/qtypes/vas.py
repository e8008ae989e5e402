"""Visual-analogue line (VAS): a point on a line from 0 to 10, to one decimal, with labelled ends.

The respondent's form is a number field (the answer, works without JavaScript) beside a native
``<input type="range" step="0.1">`` that ``static/medvirk/range.js`` shows and keeps in step
with it. Why the slider is not the answer itself: a range input always sends a value, so an
untouched slider would store its starting point as an answer nobody gave. Results show mean,
median and quartiles, through the same disclosure decision as number questions. In XLSForm it
is a ``range`` question with ``start=0 end=10 step=0.1``; the end labels travel in
``medvirk::scale``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ..design.definition import Question, Scale
from . import base, register
from .base import (
    AnswerContext,
    Fail,
    FieldError,
    FormData,
    QuestionType,
    Renderer,
    StorageRow,
    XlsRow,
    _,
    number_between,
    sent_value,
)
from .fields import Field

LOW, HIGH, STEP = 0, 10, Decimal("0.1")
PARAMETERS = "start=0 end=10 step=0.1"


def _parameters(text: str) -> dict[str, Decimal]:
    """Read an XLSForm ``parameters`` cell such as ``start=0 end=10 step=0.1`` (numbers only)."""
    out: dict[str, Decimal] = {}
    for name, value in re.findall(r"(\w+)\s*=\s*(-?\d+(?:\.\d+)?)", text):
        out[name.lower()] = Decimal(value)
    return out


@register
class VisualAnalogue(QuestionType):
    key = "vas"
    label = _("Line from 0 to 10")
    description = _("The respondent marks a point on a line from 0 to 10 (one decimal), with labelled ends.")
    order = 65
    edits = frozenset({base.Edit.SCALE_ENDS})
    figures = base.Figures.NUMBERS
    export = base.ExportColumn.VALUE
    spss = base.SpssKind.NUMBER
    xlsform_words = frozenset({"range"})
    xlsform_columns = frozenset({"parameters"})

    def default_scale(self) -> Scale | None:
        return Scale(min=LOW, max=HIGH)

    def check_scale(self, scale: Scale | None, fail: Fail, where: str) -> None:
        if (
            scale is None
            or (scale.min, scale.max) != (LOW, HIGH)
            or scale.dont_know
            or scale.top_box is not None
        ):
            fail(
                f"{where}.scale",
                "a line from 0 to 10 has only end labels (no other ends, top box or don't know)",
            )

    def parse_value(self, question: Question, raw: str, context: AnswerContext) -> Any:
        number = number_between(question.key, raw, LOW, HIGH)
        if isinstance(number, FieldError):
            return number
        # One decimal, as the slider's step: a typed 7.25 is the point 7.3 on the line.
        return float(Decimal(repr(number)).quantize(STEP, rounding=ROUND_HALF_UP))

    def field(self, question: Question, data: FormData, errors: Mapping[str, str], r: Renderer) -> Field:
        raw = sent_value(question, data)
        scale = question.scale or Scale(min=LOW, max=HIGH)
        return Field(
            **r.base(question, errors),
            kind="range",
            input_type="text",
            inputmode="decimal",
            value=raw,
            min_value=str(LOW),
            max_value=str(HIGH),
            step=str(STEP),
            min_label=r.t(scale.min_label),
            max_label=r.t(scale.max_label),
            value_label=r.ui("range_value", min=LOW, max=HIGH),
        )

    def storage_rows(self, value: Any) -> list[StorageRow]:
        return [(None, float(value), "")]

    def stored_value(self, previous: Any, option_key: str | None, number: float | None, text: str) -> Any:
        return number

    def logic_range(self, raw: Mapping[str, Any]) -> tuple[float, float] | None:
        return LOW, HIGH

    def xlsform_write(self, question: Question, row: dict[str, str], writer: Any) -> set[str]:
        row["type"] = "range"
        row["parameters"] = PARAMETERS
        return set()

    def xlsform_score(self, row: XlsRow, reader: Any) -> int:
        if row.select is not None or row.base not in self.xlsform_words:
            return 0
        found = _parameters(str(row.cells.get("parameters") or ""))
        wanted = {"start": Decimal(LOW), "end": Decimal(HIGH), "step": STEP}
        return 2 if all(found.get(k) == v for k, v in wanted.items()) else 0

    def xlsform_read(self, question: dict[str, Any], row: XlsRow, reader: Any, rownum: int) -> None:
        question.setdefault("scale", {"min": LOW, "max": HIGH})  # end labels come in medvirk::scale
        super().xlsform_read(question, row, reader, rownum)

    def examples(self, question: Question) -> list[Any]:
        return [0.0, 2.5, 5.0, 7.3, 10.0]
