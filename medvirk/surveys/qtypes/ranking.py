"""Ranking: the respondent puts the question's options in order (a tuple of keys, first place first).

The page asks "place 1", "place 2" … each a drop-down of the options (one form field sent once per
place, in order), so it works without JavaScript and with any screen reader; a ranking is all
the visible options, each once, or nothing. Stored as one answer row per option with its place
as the number, so results read the mean place and how many put an option first.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..design.definition import Option, Question
from . import base, register
from .base import (
    AnswerContext,
    Answers,
    Fail,
    FieldError,
    FormData,
    Renderer,
    StorageRow,
    XlsRow,
    _,
    field_name,
)
from .fields import Choice, Field
from .shared import ChoiceType

MAX_RANKED = 10  # more places than this are not ranked with care (and are long on a phone)


@register
class Ranking(ChoiceType):
    key = "ranking"
    label = _("Ranking")
    description = _("The respondent puts the options in order, the most important first.")
    order = 25
    exclusive = False
    figures = base.Figures.RANKING
    export = base.ExportColumn.JOINED  # the keys in order: first place first
    spss = base.SpssKind.STRING
    xlsform_words = frozenset({"rank"})
    logic_source = False  # every ranking holds every option: nothing to choose on
    xlsform_multi_select = True

    def check_options(self, options: Sequence[Option], fail: Fail, where: str) -> None:
        shown = [o for o in options if not o.hidden]
        if not 2 <= len(shown) <= MAX_RANKED:
            fail(f"{where}.options", f"a ranking needs 2 to {MAX_RANKED} options")

    def logic_answers(self, raw: Mapping[str, Any], lang: str) -> list[tuple[str, str]] | None:
        return None  # not a logic source

    def parse(
        self, question: Question, data: FormData, context: AnswerContext
    ) -> tuple[Answers, list[FieldError]]:
        ranked, errors = self.sent_keys(question, data)
        if not ranked:
            return {}, errors
        visible = self.visible_keys(question)
        if len(ranked) != len(visible) or set(ranked) != set(visible):
            return {}, [FieldError(question.key, "rank_all")]
        return {question.key: tuple(ranked)}, []

    def field(self, question: Question, data: FormData, errors: Mapping[str, str], r: Renderer) -> Field:
        options = [(o.key, r.t(o.label)) for o in question.options if not o.hidden]
        sent = list(data.get(field_name(question.key)) or [])
        own = r.base(question, errors)
        places = [
            Field(
                key=question.key,
                name=own["name"],
                id=f"{own['id']}-{place}",
                kind="select",
                text=r.ui("rank_place", n=place + 1),
                choices=[
                    Choice(
                        value, label, place < len(sent) and sent[place] == value, f"{own['id']}-{place}-{i}"
                    )
                    for i, (value, label) in enumerate(options)
                ],
            )
            for place in range(len(options))
        ]
        return Field(**own, kind="ranking", rows=places)

    def storage_rows(self, value: Any) -> list[StorageRow]:
        return [(key, float(place), "") for place, key in enumerate(value, start=1)]

    def stored_value(self, previous: Any, option_key: str | None, number: float | None, text: str) -> Any:
        return (*(previous or ()), option_key)  # rows are stored and read in place order

    def xlsform_write(self, question: Question, row: dict[str, str], writer: Any) -> set[str]:
        row["type"] = f"rank {question.key}"
        for option in question.options:
            writer.choice(question.key, option.key, option.label, option.hidden)
        return {"options"}

    def xlsform_score(self, row: XlsRow, reader: Any) -> int:
        return 3 if row.base == "rank" and row.list_name else 0

    def examples(self, question: Question) -> list[Any]:
        keys = self.visible_keys(question)
        return [tuple(keys), tuple(reversed(keys))]
