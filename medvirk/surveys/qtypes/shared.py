"""Behaviour several question types share: choosing options, answering on a scale, writing text.

Not a type itself (it registers nothing); the type modules subclass these.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from ..design.definition import OTHER_OPTION, Option, Question, Text, other_question
from . import base
from .base import (
    DONT_KNOW,
    AnswerContext,
    Fail,
    FieldError,
    FormData,
    QuestionType,
    Renderer,
    StorageRow,
    XlsRow,
    _,
    field_name,
    sent_value,
    text_in,
)
from .fields import Field

OTHER_MAX_LENGTH = 500  # an "other" answer is short text (``text.ShortText``'s limit)

# NUL and lone UTF-16 surrogates (JSON "\u0000", "\ud800") cannot be stored as text in PostgreSQL
# nor encoded as UTF-8; a valid pair arrives as one code point, so any surrogate here is lone.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def storable(text: str) -> bool:
    """Return whether ``text`` can be stored (no NUL, no lone surrogate)."""
    return _UNSTORABLE.search(text) is None


class ChoiceType(QuestionType):
    """Single and multiple choice: options with labels, answers are option keys."""

    edits = frozenset({base.Edit.OPTIONS})

    def check_options(self, options: Sequence[Option], fail: Fail, where: str) -> None:
        if not [o for o in options if not o.hidden]:
            fail(f"{where}.options", "choice questions need at least one option")

    def visible_keys(self, question: Question) -> list[str]:
        return [o.key for o in question.options if not o.hidden]

    def sent_keys(self, question: Question, data: FormData) -> tuple[list[str], list[FieldError]]:
        """Return the option keys sent (multiple choice, ranking), in the order sent; or none and why."""
        key = question.key
        sent = [v for v in (data.get(field_name(key)) or []) if v]
        if not sent:
            return [], [FieldError(key, "required")] if question.required else []
        if any(v not in self.visible_keys(question) for v in sent):
            return [], [FieldError(key, "invalid_choice")]
        return sent, []

    def field(self, question: Question, data: FormData, errors: Mapping[str, str], r: Renderer) -> Field:
        values = [(o.key, r.t(o.label)) for o in question.options if not o.hidden]
        choices = r.choices(question, values, data)
        other = other_question(question)
        if other is not None and not other.hidden:
            # Shown always, not only once the option is chosen: the page works without JavaScript,
            # and the engine keeps the text only when the option is chosen (its condition).
            option = question.other_option()
            chosen = next(c for c in choices if option is not None and c.value == option.key)
            chosen.specify = Field(
                **{**r.base(other, errors), "required": False},  # text: for the error summary
                kind="input",
                value_label=r.ui("other_specify"),
                value=sent_value(other, data),
                maxlength=OTHER_MAX_LENGTH,
            )
        return Field(
            **r.base(question, errors),
            kind="choices",
            multiple=not self.exclusive,
            choices=choices,
        )

    def option_keys(self, question: Question, districts: Sequence[str]) -> list[str]:
        return [o.key for o in question.options]

    def xlsform_write(self, question: Question, row: dict[str, str], writer: Any) -> set[str]:
        row["type"] = f"{'select_one' if self.exclusive else 'select_multiple'} {question.key}"
        other = question.other_option()
        if other is not None and other.key == OTHER_OPTION:
            row["type"] += " or_other"  # the choice "other" and the text question_other, as pyxform
        for option in question.options:
            writer.choice(question.key, option.key, option.label, option.hidden, option.other)
        return {"options"}

    def xlsform_read(self, question: dict[str, Any], row: XlsRow, reader: Any, rownum: int) -> None:
        question["options"] = reader.options(question["key"], row.list_name, rownum)

    def condition_value(self, value: Any) -> Any:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)  # option keys are text
        return value

    def logic_answers(self, raw: Mapping[str, Any], lang: str) -> list[tuple[str, str]] | None:
        if raw.get("options") is None:
            return None
        return [(o["key"], text_in(o.get("label"), lang, "?")) for o in raw["options"] if not o.get("hidden")]

    def result_options(self, question: Question) -> list[tuple[str, Text | str]]:
        return [(o.key, o.label) for o in question.options if not o.hidden]

    def examples(self, question: Question) -> list[Any]:
        return self.visible_keys(question)


class ScaleType(QuestionType):
    """Answers are whole numbers on a scale (rating, NPS), each value also a registry option."""

    figures = base.Figures.COUNTS
    spss = base.SpssKind.SCALE_LABELLED

    def bounds(self, question: Question) -> tuple[int, int]:
        """Return the lowest and highest value on the scale."""
        raise NotImplementedError

    def raw_bounds(self, raw: Mapping[str, Any]) -> tuple[int, int]:
        """Return ``bounds`` of an unparsed question (the survey builder's)."""
        raise NotImplementedError

    def logic_answers(self, raw: Mapping[str, Any], lang: str) -> list[tuple[str, str]] | None:
        scale = raw.get("scale") or {}
        lo, hi = self.raw_bounds(raw)
        ends = {lo: scale.get("min_label"), hi: scale.get("max_label")}
        answers = []
        for n in range(lo, hi + 1):
            label = text_in(ends.get(n), lang)
            answers.append((str(n), f"{n} – {label}" if label else str(n)))
        if scale.get("dont_know"):
            answers.append((DONT_KNOW, str(_("Don't know"))))
        return answers

    def logic_value(self, form_value: str) -> Any:
        return form_value if form_value == DONT_KNOW else int(form_value)

    def logic_range(self, raw: Mapping[str, Any]) -> tuple[float, float] | None:
        return self.raw_bounds(raw)

    def allows_dont_know(self, question: Question) -> bool:
        return False

    def parse_value(self, question: Question, raw: str, context: AnswerContext) -> Any:
        if raw == DONT_KNOW and self.allows_dont_know(question):
            return DONT_KNOW
        try:
            value = int(raw)
        except ValueError:
            return FieldError(question.key, "invalid_choice")
        lo, hi = self.bounds(question)
        if not lo <= value <= hi:
            return FieldError(question.key, "out_of_range", {"min": lo, "max": hi})
        return value

    def field(self, question: Question, data: FormData, errors: Mapping[str, str], r: Renderer) -> Field:
        lo, hi = self.bounds(question)
        values = [(str(v), str(v)) for v in range(lo, hi + 1)]
        if self.allows_dont_know(question):
            values.append((DONT_KNOW, r.ui("dont_know")))
        choices = r.choices(question, values, data)
        scale = question.scale
        min_label = r.t(scale.min_label) if scale else ""
        max_label = r.t(scale.max_label) if scale else ""
        numeric = [c for c in choices if c.value != DONT_KNOW]
        numeric[0].hint, numeric[-1].hint = min_label, max_label
        for choice in choices:
            choice.apart = choice.value == DONT_KNOW  # not read as the scale's last number
        return Field(
            **r.base(question, errors),
            kind="choices",
            scale=True,
            choices=choices,
            min_label=min_label,
            max_label=max_label,
            min_value=numeric[0].value,
            max_value=numeric[-1].value,
        )

    def option_keys(self, question: Question, districts: Sequence[str]) -> list[str]:
        lo, hi = self.bounds(question)
        keys = [str(v) for v in range(lo, hi + 1)]
        return [*keys, DONT_KNOW] if self.allows_dont_know(question) else keys

    def storage_rows(self, value: Any) -> list[StorageRow]:
        return [(str(value), None if value == DONT_KNOW else float(value), "")]

    def stored_value(self, previous: Any, option_key: str | None, number: float | None, text: str) -> Any:
        return DONT_KNOW if number is None else int(number)

    def xlsform_write(self, question: Question, row: dict[str, str], writer: Any) -> set[str]:
        row["type"] = f"select_one {question.key}"
        row["appearance"] = "likert"
        writer.scale_choices(question)
        return set()

    def xlsform_read(self, question: dict[str, Any], row: XlsRow, reader: Any, rownum: int) -> None:
        pass  # the scale is read from medvirk::scale or the choices (rating)

    def condition_value(self, value: Any) -> Any:
        if isinstance(value, str) and re.fullmatch(r"-?\d+", value):
            return int(value)
        return value

    def result_options(self, question: Question) -> list[tuple[str, Text | str]]:
        return [(key, key) for key in self.option_keys(question, ())]

    def examples(self, question: Question) -> list[Any]:
        lo, hi = self.bounds(question)
        values: list[Any] = list(range(lo, hi + 1))
        return [*values, DONT_KNOW] if self.allows_dont_know(question) else values


class TextType(QuestionType):
    """Free text on one line or several: answers are stripped text of a limited length."""

    default_max_length: int
    widget: ClassVar[str]  # the respondent's field: a ``Field`` kind, "input" (one line) or "textarea"
    edits = frozenset({base.Edit.MAX_LENGTH})
    figures = base.Figures.TEXT
    spss = base.SpssKind.STRING
    xlsform_words = frozenset({"text", "string"})
    logic_source = False  # free text: nothing a condition could compare

    def parse_value(self, question: Question, raw: str, context: AnswerContext) -> Any:
        limit = question.max_length or self.default_max_length
        text = raw.replace("\r\n", "\n")
        if len(text) > limit:
            return FieldError(question.key, "too_long", {"max": limit})
        if not storable(text):
            return FieldError(question.key, "invalid_text")
        return text

    def field(self, question: Question, data: FormData, errors: Mapping[str, str], r: Renderer) -> Field:
        return Field(
            **r.base(question, errors),
            kind=self.widget,
            value=sent_value(question, data),
            maxlength=question.max_length or self.default_max_length,
        )

    def xlsform_write(self, question: Question, row: dict[str, str], writer: Any) -> set[str]:
        row["type"] = "text"
        if question.max_length is not None:
            row["constraint"] = f"string-length(.) <= {question.max_length}"
        return {"max_length"}

    def xlsform_constraint(self, question: dict[str, Any], constraint: str) -> bool:
        match = re.fullmatch(r"string-length\(\s*\.\s*\)\s*<=\s*(\d+)", constraint)
        if match:
            question["max_length"] = int(match.group(1))
        return match is not None

    def examples(self, question: Question) -> list[Any]:
        return ["Fint", "Veldig bra, takk.\nHilsen en forelder"]
