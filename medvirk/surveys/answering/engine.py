"""The answer engine: which questions are shown, how form input becomes answers, what is wrong.

Pure Python over ``definition`` dataclasses, so the same rules serve the web form, paper entry,
the API and property tests. How one question's form values become its answer is the question
type's (``medvirk.surveys.qtypes``); answer values by type:

- single, background: an option/category key (background also ``prefer_not_to_say``)
- multiple: a tuple of option keys (at least one)
- rating and each matrix row: an int on the scale, or ``DONT_KNOW``
- nps: an int 0–10; number: int or float; vas: a float 0–10 with one decimal;
  date: ISO ``YYYY-MM-DD``; text/textarea: str
- consent: True
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from .. import qtypes
from ..design.definition import Condition, Definition, Question, Section
from ..qtypes import DONT_KNOW, FIELD_PREFIX, AnswerContext, FieldError, field_name
from ..qtypes.background import background_keys
from ..qtypes.shared import storable

Answers = dict[str, Any]

__all__ = [
    "DONT_KNOW",
    "FIELD_PREFIX",
    "Answers",
    "FieldError",
    "answers_to_form",
    "background_keys",
    "condition_holds",
    "field_name",
    "missing_required",
    "parse_question",
    "parse_section",
    "section_keys",
    "storable",
    "visible_answers",
    "visible_questions",
]


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


def parse_question(
    question: Question, data: Mapping[str, Sequence[str]], *, districts: Sequence[str] = ()
) -> tuple[Answers, list[FieldError]]:
    """Turn raw form values for one question (and its matrix rows) into answers or errors."""
    return qtypes.get(question.type).parse(question, data, AnswerContext(districts))


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
    return [
        key
        for q in definition.questions(include_rows=False)
        if q.key in keys
        for key, required in qtypes.get(q.type).answer_keys(q)
        if required and key not in effective
    ]
