"""Turn a definition section into plain view-models for the respondent templates.

Texts are resolved into the respondent's language here (falling back to the survey's first
language), so templates stay simple and the same code serves web, kiosk and paper entry.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from medvirk.common.dimensions import DIMENSIONS_BY_KEY, PREFER_NOT_TO_SAY

from ..design.definition import Definition, QType, Question, Section, Text, tx
from ..design.respondent_text import ui
from . import engine


@dataclass
class Choice:
    value: str
    label: str
    checked: bool
    id: str
    hint: str = ""  # read by screen readers after the label, e.g. the scale's end label


@dataclass
class Field:
    key: str
    name: str
    id: str
    kind: str  # choices, input, textarea, consent, matrix
    text: str
    help: str = ""
    required: bool = False
    multiple: bool = False
    scale: bool = False
    input_type: str = "text"
    inputmode: str = ""
    value: str = ""
    maxlength: int | None = None
    choices: list[Choice] = field(default_factory=list)
    rows: list[Field] = field(default_factory=list)
    error: str = ""
    min_label: str = ""
    max_label: str = ""
    min_value: str = ""
    max_value: str = ""

    @property
    def described_by(self) -> str:
        ids = []
        if self.help:
            ids.append(f"{self.id}-help")
        if self.error:
            ids.append(f"{self.id}-error")
        return " ".join(ids)


def error_text(error: engine.FieldError, lang: str, overrides: Mapping[str, Mapping[str, str]] | None) -> str:
    """Return the sentence for a field error in the respondent's language."""
    params = {k: ("" if v is None else v) for k, v in error.params.items()}
    code = (
        error.code
        if f"err_{error.code}"
        in {
            "err_required",
            "err_invalid_choice",
            "err_out_of_range",
            "err_not_a_number",
            "err_invalid_date",
            "err_too_long",
        }
        else "invalid_choice"
    )
    return ui(f"err_{code}", lang, overrides, **params)


class SectionRenderer:
    """Build fields for one section in one language."""

    def __init__(
        self,
        definition: Definition,
        lang: str,
        *,
        district_labels: Mapping[str, str] | None = None,
        overrides: Mapping[str, Mapping[str, str]] | None = None,
    ) -> None:
        self.definition = definition
        self.lang = lang
        self.fallback = definition.languages
        self.district_labels = district_labels or {}
        self.overrides = overrides

    def t(self, text: Text | None) -> str:
        return tx(text, self.lang, self.fallback)

    def fields(
        self,
        section: Section,
        data: Mapping[str, Sequence[str]],
        errors: Mapping[str, str],
        context: Mapping[str, Any],
    ) -> list[Field]:
        """Return the visible questions of ``section`` as fields, prefilled with ``data``."""
        result = []
        for question in engine.visible_questions(section, context):
            result.append(self.field(question, data, errors))
        return result

    def _choices(
        self, question: Question, values: list[tuple[str, str]], data: Mapping[str, Sequence[str]]
    ) -> list[Choice]:
        chosen = set(data.get(engine.field_name(question.key)) or [])
        return [Choice(v, label, v in chosen, f"f-{question.key}-{i}") for i, (v, label) in enumerate(values)]

    def field(
        self, question: Question, data: Mapping[str, Sequence[str]], errors: Mapping[str, str]
    ) -> Field:
        """Return the view-model of one question."""
        key = question.key
        base = {
            "key": key,
            "name": engine.field_name(key),
            "id": f"f-{key}",
            "text": self.t(question.text),
            "help": self.t(question.help),
            "required": question.required,
            "error": errors.get(key, ""),
        }
        raw = (data.get(engine.field_name(key)) or [""])[0]
        qtype = question.type
        if qtype == QType.MATRIX:
            rows = []
            for row in question.rows:
                if row.hidden:
                    continue
                row_q = Question(
                    key=row.key,
                    type=QType.RATING,
                    text=row.text,
                    help=row.help,
                    required=question.required or row.required,
                    scale=question.scale,
                )
                rows.append(self.field(row_q, data, errors))
            return Field(**base, kind="matrix", rows=rows)
        if qtype in (QType.SINGLE, QType.MULTIPLE):
            values = [(o.key, self.t(o.label)) for o in question.options if not o.hidden]
            return Field(
                **base,
                kind="choices",
                multiple=qtype == QType.MULTIPLE,
                choices=self._choices(question, values, data),
            )
        if qtype == QType.BACKGROUND:
            dimension = DIMENSIONS_BY_KEY[question.dimension or ""]
            keys = engine.background_keys(question, list(self.district_labels))
            labels = {c.key: c.label(self.lang) for c in dimension.categories}
            labels.update(self.district_labels)
            labels[PREFER_NOT_TO_SAY] = ui("prefer_not_to_say", self.lang, self.overrides)
            text = base["text"] or dimension.label(self.lang)
            return Field(
                **{**base, "text": text},
                kind="choices",
                choices=self._choices(question, [(k, labels.get(k, k)) for k in keys], data),
            )
        if qtype in (QType.RATING, QType.NPS):
            scale = question.scale
            lo, hi = (0, 10) if qtype == QType.NPS else (scale.min, scale.max)  # type: ignore[union-attr]
            values = [(str(v), str(v)) for v in range(lo, hi + 1)]
            if qtype == QType.RATING and scale and scale.dont_know:
                values.append((engine.DONT_KNOW, ui("dont_know", self.lang, self.overrides)))
            choices = self._choices(question, values, data)
            min_label = self.t(scale.min_label) if scale else ""
            max_label = self.t(scale.max_label) if scale else ""
            numeric = [c for c in choices if c.value != engine.DONT_KNOW]
            numeric[0].hint, numeric[-1].hint = min_label, max_label
            return Field(
                **base,
                kind="choices",
                scale=True,
                choices=choices,
                min_label=min_label,
                max_label=max_label,
                min_value=numeric[0].value,
                max_value=numeric[-1].value,
            )
        if qtype == QType.NUMBER:
            return Field(**base, kind="input", input_type="text", inputmode="decimal", value=raw)
        if qtype == QType.DATE:
            return Field(**base, kind="input", input_type="date", value=raw)
        if qtype == QType.TEXT:
            return Field(
                **base, kind="input", input_type="text", value=raw, maxlength=question.max_length or 500
            )
        if qtype == QType.TEXTAREA:
            return Field(**base, kind="textarea", value=raw, maxlength=question.max_length or engine.TEXT_MAX)
        return Field(**base, kind="consent", value=raw)
