"""Rating: a whole number on the question's scale (default 1–6), optionally "don't know"."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..design.definition import Question, Scale
from . import base, register
from .base import XlsRow, _
from .shared import ScaleType

DEFAULT_SCALE = Scale()  # 1–6


@register
class Rating(ScaleType):
    key = "rating"
    label = _("Rating scale")
    description = _("The respondent picks a value on a scale, for example from 1 to 6.")
    order = 30
    edits = frozenset({base.Edit.SCALE})
    equity_top_box = True

    def default_scale(self) -> Scale | None:
        return Scale()

    def bounds(self, question: Question) -> tuple[int, int]:
        scale = question.scale or Scale()
        return scale.min, scale.max

    def raw_bounds(self, raw: Mapping[str, Any]) -> tuple[int, int]:
        scale = raw.get("scale") or {}
        return scale.get("min", DEFAULT_SCALE.min), scale.get("max", DEFAULT_SCALE.max)

    def allows_dont_know(self, question: Question) -> bool:
        return question.scale is not None and question.scale.dont_know

    def xlsform_score(self, row: XlsRow, reader: Any) -> int:
        if row.select != "one":
            return 0
        return 3 if row.native == self.key or reader.scale_from_choices(row.list_name) else 0

    def xlsform_read(self, question: dict[str, Any], row: XlsRow, reader: Any, rownum: int) -> None:
        if "scale" not in question:  # no medvirk::scale: the choices are the scale
            found = reader.scale_from_choices(row.list_name)
            if found is not None:
                question["scale"] = found

    def result_scale(self, question: Question) -> Scale | None:
        return question.scale

    def scale_items(self, question: Question) -> tuple[tuple[Question, Scale], ...]:
        return ((question, question.scale),) if question.scale is not None else ()
