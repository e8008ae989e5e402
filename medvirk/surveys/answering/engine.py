"""The answer engine: which questions are shown, how form input becomes answers, what is wrong.

Pure Python over ``definition`` dataclasses, so the same rules serve the web form, paper entry,
the API and property tests. Answer values by question type:

- single, background: an option/category key (background also ``prefer_not_to_say``)
- multiple: a tuple of option keys (at least one)
- rating and each matrix row: an int on the scale, or ``DONT_KNOW``
- nps: an int 0–10; number: int or float; date: ISO ``YYYY-MM-DD``; text/textarea: str
- consent: True
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from medvirk.common.dimensions import DIMENSIONS_BY_KEY, PREFER_NOT_TO_SAY

from ..design.definition import Condition, Definition, QType, Question, Section

DONT_KNOW = "dont_know"
TEXT_MAX = 5000
FIELD_PREFIX = "q-"
# NUL and lone UTF-16 surrogates (JSON "\u0000", "\ud800") cannot be stored as text in PostgreSQL
# nor encoded as UTF-8; a valid pair arrives as one code point, so any surrogate here is lone.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")

Answers = dict[str, Any]


@dataclass(frozen=True, slots=True)
class FieldError:
    """A problem with one answer: a code the view turns into a sentence in the survey language."""

    question: str
    code: str  # required, invalid_choice, out_of_range, not_a_number, invalid_date, too_long, too_many,
    # invalid_text (NUL or a lone surrogate)
    params: Mapping[str, Any] = field(default_factory=dict)


def storable(text: str) -> bool:
    """Return whether ``text`` can be stored (no NUL, no lone surrogate)."""
    return _UNSTORABLE.search(text) is None


def field_name(key: str) -> str:
    """Return the form field name for a question key."""
    return FIELD_PREFIX + key


def background_keys(question: Question, districts: Sequence[str] = ()) -> list[str]:
    """Return the category keys a background question offers (always with 'prefer not to say')."""
    dimension = DIMENSIONS_BY_KEY[question.dimension or ""]
    keys = list(districts) if dimension.key == "district" else list(dimension.keys())
    return [*keys, PREFER_NOT_TO_SAY]


# --- skip logic ---------------------------------------------------------------------------


def condition_holds(condition: Condition | None, answers: Mapping[str, Any]) -> bool:
    """Evaluate show-when logic against the (already visible) answers."""
    if condition is None:
        return True
    if condition.op == "all":
        return all(condition_holds(c, answers) for c in condition.children)
    if condition.op == "any":
        return any(condition_holds(c, answers) for c in condition.children)
    value = answers.get(condition.question or "")
    if condition.op == "answered":
        return value is not None
    if value is None:
        return False
    chosen = set(value) if isinstance(value, tuple) else {value}
    if condition.op == "equals":
        return condition.value in chosen
    if condition.op == "one_of":
        return bool(chosen & set(condition.values))
    if condition.op == "range":
        if isinstance(value, bool) or not isinstance(value, int | float):
            return False  # "don't know" and text never fall in a numeric range
        lo = -math.inf if condition.min is None else condition.min
        hi = math.inf if condition.max is None else condition.max
        return lo <= value <= hi
    return False


def visible_answers(
    definition: Definition, answers: Mapping[str, Any]
) -> tuple[list[Section], set[str], Answers]:
    """Return visible sections, visible question keys, and the answers that count.

    Walks the survey in order so an answer to a question that is now hidden (because an earlier
    answer changed) neither shows nor drives later conditions.
    """
    sections: list[Section] = []
    keys: set[str] = set()
    effective: Answers = {}
    for section in definition.sections:
        if not condition_holds(section.condition, effective):
            continue
        shown_any = False
        for q in section.questions:  # in order: a question may depend on one above it
            if q.hidden or not condition_holds(q.condition, effective):
                continue
            shown_any = True
            for item in [q, *[r for r in q.rows if not r.hidden]]:
                keys.add(item.key)
                if item.key in answers:
                    effective[item.key] = answers[item.key]
        if shown_any:
            sections.append(section)
    return sections, keys, effective


def visible_questions(section: Section, answers: Mapping[str, Any]) -> list[Question]:
    """Return the questions of ``section`` shown given earlier answers."""
    return [q for q in section.questions if not q.hidden and condition_holds(q.condition, answers)]


# --- parsing form input -------------------------------------------------------------------


def _one(data: Mapping[str, Sequence[str]], key: str) -> str:
    values = data.get(field_name(key)) or []
    return values[0].strip() if values else ""


def parse_question(
    question: Question, data: Mapping[str, Sequence[str]], *, districts: Sequence[str] = ()
) -> tuple[Answers, list[FieldError]]:
    """Turn raw form values for one question (and its matrix rows) into answers or errors."""
    if question.type == QType.MATRIX:
        answers: Answers = {}
        errors: list[FieldError] = []
        for row in question.rows:
            if row.hidden:
                continue
            row_q = Question(
                key=row.key,
                type=QType.RATING,
                text=row.text,
                required=question.required or row.required,
                scale=question.scale,
            )
            a, e = parse_question(row_q, data)
            answers.update(a)
            errors.extend(e)
        return answers, errors
    key = question.key
    raw = _one(data, key)
    qtype = question.type
    if qtype == QType.MULTIPLE:
        allowed = {o.key for o in question.options if not o.hidden}
        chosen = [v for v in (data.get(field_name(key)) or []) if v]
        if not chosen:
            return {}, [FieldError(key, "required")] if question.required else []
        if any(v not in allowed for v in chosen):
            return {}, [FieldError(key, "invalid_choice")]
        order = [o.key for o in question.options]
        return {key: tuple(sorted(set(chosen), key=order.index))}, []
    if not raw:
        return {}, [FieldError(key, "required")] if question.required else []
    if qtype == QType.SINGLE:
        if raw not in {o.key for o in question.options if not o.hidden}:
            return {}, [FieldError(key, "invalid_choice")]
        return {key: raw}, []
    if qtype == QType.BACKGROUND:
        if raw not in background_keys(question, districts):
            return {}, [FieldError(key, "invalid_choice")]
        return {key: raw}, []
    if qtype in (QType.RATING, QType.NPS):
        scale_min, scale_max = (0, 10) if qtype == QType.NPS else (question.scale.min, question.scale.max)  # type: ignore[union-attr]
        if raw == DONT_KNOW and qtype == QType.RATING and question.scale and question.scale.dont_know:
            return {key: DONT_KNOW}, []
        try:
            value = int(raw)
        except ValueError:
            return {}, [FieldError(key, "invalid_choice")]
        if not scale_min <= value <= scale_max:
            return {}, [FieldError(key, "out_of_range", {"min": scale_min, "max": scale_max})]
        return {key: value}, []
    if qtype == QType.NUMBER:
        try:
            number = float(raw.replace(",", ".").replace("\u00a0", "").replace(" ", ""))
        except ValueError:
            return {}, [FieldError(key, "not_a_number")]
        if not math.isfinite(number):
            return {}, [FieldError(key, "not_a_number")]
        lo = -math.inf if question.min is None else question.min
        hi = math.inf if question.max is None else question.max
        if not lo <= number <= hi:
            return {}, [FieldError(key, "out_of_range", {"min": question.min, "max": question.max})]
        return {key: int(number) if number.is_integer() and abs(number) < 2**53 else number}, []
    if qtype == QType.DATE:
        try:
            return {key: dt.date.fromisoformat(raw).isoformat()}, []
        except ValueError:
            return {}, [FieldError(key, "invalid_date")]
    if qtype in (QType.TEXT, QType.TEXTAREA):
        limit = question.max_length or (500 if qtype == QType.TEXT else TEXT_MAX)
        text = (data.get(field_name(key)) or [""])[0].strip().replace("\r\n", "\n")
        if len(text) > limit:
            return {}, [FieldError(key, "too_long", {"max": limit})]
        if not storable(text):
            return {}, [FieldError(key, "invalid_text")]
        return {key: text}, []
    if qtype == QType.CONSENT:
        if raw not in ("yes", "on", "true", "1"):
            return {}, [FieldError(key, "invalid_choice")]
        return {key: True}, []
    return {}, [FieldError(key, "invalid_choice")]  # pragma: no cover - QType.ALL is exhaustive


def parse_section(
    definition: Definition,
    section: Section,
    data: Mapping[str, Sequence[str]],
    earlier: Mapping[str, Any],
    *,
    districts: Sequence[str] = (),
) -> tuple[Answers, list[FieldError]]:
    """Parse every visible question of one section; hidden questions are ignored."""
    answers: Answers = {}
    errors: list[FieldError] = []
    context = dict(earlier)
    for question in section.questions:
        if question.hidden or not condition_holds(question.condition, context):
            continue
        a, e = parse_question(question, data, districts=districts)
        answers.update(a)
        context.update(a)
        errors.extend(e)
    return answers, errors


def section_keys(section: Section) -> set[str]:
    """Return every answer key a section can hold (questions and matrix rows)."""
    keys: set[str] = set()
    for q in section.questions:
        keys.add(q.key)
        keys.update(r.key for r in q.rows)
    return keys


def answers_to_form(answers: Mapping[str, Any]) -> dict[str, list[str]]:
    """Turn stored answers back into form values (to redisplay and for property tests)."""
    data: dict[str, list[str]] = {}
    for key, value in answers.items():
        if isinstance(value, tuple):
            data[field_name(key)] = list(value)
        elif value is True:
            data[field_name(key)] = ["yes"]
        else:
            data[field_name(key)] = [str(value)]
    return data


def missing_required(definition: Definition, answers: Mapping[str, Any]) -> list[str]:
    """Return required visible questions without an answer (checked again at submission)."""
    _sections, keys, effective = visible_answers(definition, answers)
    missing = []
    for q in definition.questions(include_rows=False):
        if q.key not in keys:
            continue
        if q.type == QType.MATRIX:
            missing.extend(
                r.key
                for r in q.rows
                if not r.hidden and (q.required or r.required) and r.key not in effective
            )
        elif q.required and q.key not in effective:
            missing.append(q.key)
    return missing
