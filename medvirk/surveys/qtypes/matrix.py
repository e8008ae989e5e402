"""Matrix: statements (rows) each answered on the question's rating scale.

The rows are rating questions of their own (own keys, registry rows and results); the matrix
holds no answer itself. In XLSForm it is a ``table-list`` group of ``select_one`` rows on one
choice list (the reader turns such a group back into a matrix).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from ..design.definition import QType, Question, Scale
from . import base, get, register
from .base import AnswerContext, Answers, Fail, FieldError, FormData, QuestionType, Renderer, _
from .fields import Field


@register
class Matrix(QuestionType):
    key = "matrix"
    label = _("Matrix of statements")
    description = _("Several statements, each rated on the same scale.")
    order = 50
    edits = frozenset({base.Edit.SCALE, base.Edit.ROWS})
    figures = base.Figures.NONE  # each row has the figures of a rating question
    export = base.ExportColumn.NONE  # each row has its own column
    xlsform_group = True  # a table-list group, one select row per statement
    addable = False  # from the question bank
    logic_source = False  # conditions read its statements, each a rating question

    def default_scale(self) -> Scale | None:
        return Scale()

    def parse_rows(
        self, raw: Mapping[str, Any], parse: Callable[[Any, str], Question | None], fail: Fail, where: str
    ) -> tuple[Question, ...]:
        rows: list[Question] = []
        for i, item in enumerate(raw.get("rows") or []):
            row_raw = (
                {**item, "type": QType.RATING, "scale": raw.get("scale")}
                if isinstance(item, Mapping)
                else item
            )
            row = parse(row_raw, f"{where}.rows[{i}]")
            if row:
                rows.append(row)
        if not rows:
            fail(f"{where}.rows", "a matrix needs at least one statement")
        return tuple(rows)

    def scale_items(self, question: Question) -> tuple[tuple[Question, Scale], ...]:
        """Every statement (hidden ones too: their answers stay) on its own or the matrix's scale."""
        found = ((row, row.scale or question.scale) for row in question.rows)
        return tuple((row, scale) for row, scale in found if scale is not None)

    def row_questions(self, question: Question) -> Iterator[Question]:
        """Yield each visible statement as the rating question it is answered as."""
        for row in question.rows:
            if not row.hidden:
                yield Question(
                    key=row.key,
                    type=QType.RATING,
                    text=row.text,
                    help=row.help,
                    required=question.required or row.required,
                    scale=question.scale,
                )

    def parse(
        self, question: Question, data: FormData, context: AnswerContext
    ) -> tuple[Answers, list[FieldError]]:
        answers: Answers = {}
        errors: list[FieldError] = []
        rating = get(QType.RATING)
        for row in self.row_questions(question):
            a, e = rating.parse(row, data, context)
            answers.update(a)
            errors.extend(e)
        return answers, errors

    def answer_keys(self, question: Question) -> Iterator[tuple[str, bool]]:
        for row in self.row_questions(question):
            yield row.key, row.required

    def field(self, question: Question, data: FormData, errors: Mapping[str, str], r: Renderer) -> Field:
        rows = [r.field(row, data, errors) for row in self.row_questions(question)]
        return Field(**r.base(question, errors), kind="matrix", rows=rows)

    def xlsform_rows(self, question: Question, writer: Any) -> None:
        group = {"type": "begin_group", "appearance": "table-list", "medvirk::type": self.key}
        writer.survey.append(writer.common(question, group, {"rows"}))
        writer.scale_choices(question)
        for row in question.rows:
            writer.survey.append(writer.common(row, {"type": f"select_one {question.key}"}, set()))
        writer.survey.append({"type": "end_group"})
