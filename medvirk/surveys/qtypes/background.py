"""Background: a standard dimension (age band, gender, district …) with its fixed categories.

Its answers also fill the response's background column (``models.BG_FIELDS``), which results
group by; "prefer not to say" is always offered and counts as not stated.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from medvirk.common.dimensions import DIMENSIONS_BY_KEY, PREFER_NOT_TO_SAY

from ..design.definition import Option, Question
from . import base, register
from .base import AnswerContext, Fail, FieldError, FormData, QuestionType, Renderer, StorageRow, XlsRow, _
from .fields import Field


def background_keys(question: Question, districts: Sequence[str] = ()) -> list[str]:
    """Return the category keys a background question offers (always with 'prefer not to say')."""
    dimension = DIMENSIONS_BY_KEY[question.dimension or ""]
    keys = list(districts) if dimension.key == "district" else list(dimension.keys())
    return [*keys, PREFER_NOT_TO_SAY]


@register
class Background(QuestionType):
    key = "background"
    label = _("Background question")
    description = _("A standard background question, such as age or district, used to compare groups.")
    order = 110
    edits = frozenset({base.Edit.DIMENSION})
    text_required = False  # the dimension's own name is used
    figures = base.Figures.BACKGROUND
    export = base.ExportColumn.NONE  # exported in the background columns
    spss = base.SpssKind.STRING
    addable = False  # from the question bank, so that equity figures compare

    def check_dimension(self, dimension: Any, fail: Fail, where: str) -> None:
        if dimension not in DIMENSIONS_BY_KEY:
            fail(f"{where}.dimension", f"unknown background dimension {dimension!r}")

    def check_options(self, options: Sequence[Option], fail: Fail, where: str) -> None:
        if options:
            fail(f"{where}.options", "background options come from the standard dimension")

    def parse_value(self, question: Question, raw: str, context: AnswerContext) -> Any:
        if raw not in background_keys(question, context.districts):
            return FieldError(question.key, "invalid_choice")
        return raw

    def field(self, question: Question, data: FormData, errors: Mapping[str, str], r: Renderer) -> Field:
        dimension = DIMENSIONS_BY_KEY[question.dimension or ""]
        keys = background_keys(question, list(r.district_labels))
        labels = {c.key: r.category(dimension, c) for c in dimension.categories}
        labels.update(r.district_labels)
        labels[PREFER_NOT_TO_SAY] = r.ui("prefer_not_to_say")
        base = r.base(question, errors)
        base["text"] = base["text"] or dimension.label(r.lang)
        return Field(
            **base, kind="choices", choices=r.choices(question, [(k, labels.get(k, k)) for k in keys], data)
        )

    def option_keys(self, question: Question, districts: Sequence[str]) -> list[str]:
        return background_keys(question, districts)

    def storage_rows(self, value: Any) -> list[StorageRow]:
        return [(value, None, "")]

    def stored_value(self, previous: Any, option_key: str | None, number: float | None, text: str) -> Any:
        return option_key

    def xlsform_write(self, question: Question, row: dict[str, str], writer: Any) -> set[str]:
        row["type"] = f"select_one {question.key}"
        row["medvirk::dimension"] = question.dimension or ""
        for category in DIMENSIONS_BY_KEY[question.dimension or ""].categories:
            writer.choice(question.key, category.key, {lang: category.label(lang) for lang in writer.langs})
        writer.choice(question.key, PREFER_NOT_TO_SAY, writer.default_text(PREFER_NOT_TO_SAY))
        return {"dimension"}

    def xlsform_score(self, row: XlsRow, reader: Any) -> int:
        native = row.select == "one" and row.native == self.key and row.cells.get("medvirk::dimension")
        return 5 if native else 0  # only files Medvirk wrote: other files' lists become single choice

    def xlsform_read(self, question: dict[str, Any], row: XlsRow, reader: Any, rownum: int) -> None:
        question["dimension"] = row.cells["medvirk::dimension"]
        reader.option_names[question["key"]] = {}

    def condition_value(self, value: Any) -> Any:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)  # category keys are text
        return value

    def examples(self, question: Question) -> list[Any]:
        return background_keys(question, ["999901"])
