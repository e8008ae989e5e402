"""Net Promoter-style 0–10 scale ("how likely is it that you would recommend …")."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..design.definition import Question, Scale
from . import register
from .base import XlsRow, _
from .shared import ScaleType

NPS_SCALE = Scale(min=0, max=10, top_box=9)  # results: top box is 9–10, the "promoters"


@register
class Nps(ScaleType):
    key = "nps"
    label = _("0–10 scale")
    description = _("The respondent picks a whole number from 0 to 10, as in Net Promoter Score.")
    order = 40

    def bounds(self, question: Question) -> tuple[int, int]:
        return NPS_SCALE.min, NPS_SCALE.max

    def raw_bounds(self, raw: Mapping[str, Any]) -> tuple[int, int]:
        return NPS_SCALE.min, NPS_SCALE.max

    def xlsform_score(self, row: XlsRow, reader: Any) -> int:
        if row.select != "one":
            return 0
        if row.native == self.key:
            return 4
        found = reader.scale_from_choices(row.list_name)
        return 4 if found and (found["min"], found["max"]) == (0, 10) and not found.get("dont_know") else 0

    def result_scale(self, question: Question) -> Scale | None:
        return NPS_SCALE
