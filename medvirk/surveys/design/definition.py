"""The survey definition format ("medvirk-survey/1"): one document describes a whole survey.

The question bank, JSON export/import, XLSForm interchange and the database all meet here: a
definition is parsed and validated (``parser.parse_definition``) into the frozen dataclasses
here, and serialised back losslessly. Pure Python (no Django) so the answer engine and tests can
use it anywhere.

Every user-visible text is a ``Text``: a mapping from language code to string ({"nb": …}).
Keys (survey, section, question, option) are stable identifiers: wording may change, keys never,
so every unit and every round stays comparable.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

FORMAT = "medvirk-survey/1"
KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
MAX_OPTIONS = 200  # per question: a longer list is unusable on a phone and bloats the registry
LOCAL_PREFIX = "local_"  # keys of questions a unit adds itself: never in a question bank template

Text = Mapping[str, str]


class QType:
    """Names of the built-in question types; their behaviour is in ``medvirk.surveys.qtypes``."""

    SINGLE = "single"
    MULTIPLE = "multiple"
    RATING = "rating"
    MATRIX = "matrix"
    RANKING = "ranking"
    NPS = "nps"  # 0–10 scale
    NUMBER = "number"
    VAS = "vas"  # a line from 0 to 10, one decimal
    DATE = "date"
    TEXT = "text"
    TEXTAREA = "textarea"
    CONSENT = "consent"
    BACKGROUND = "background"


class DefinitionError(ValueError):
    """A definition that cannot be used; ``problems`` lists every problem with its location."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{where}: {what}" for where, what in problems))
        self.problems = problems


@dataclass(frozen=True, slots=True)
class Condition:
    """Show-when logic: a leaf test on an earlier answer, or ``all``/``any`` of sub-conditions."""

    op: str  # "all", "any", "equals", "one_of", "range", "answered"
    question: str | None = None
    value: Any = None
    values: tuple[Any, ...] = ()
    min: float | None = None
    max: float | None = None
    children: tuple[Condition, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Serialise to the JSON form."""
        if self.op in ("all", "any"):
            return {self.op: [c.to_dict() for c in self.children]}
        out: dict[str, Any] = {"question": self.question, "op": self.op}
        if self.op == "equals":
            out["value"] = self.value
        elif self.op == "one_of":
            out["values"] = list(self.values)
        elif self.op == "range":
            if self.min is not None:
                out["min"] = self.min
            if self.max is not None:
                out["max"] = self.max
        return out

    def questions(self) -> Iterator[str]:
        """Yield every question key this condition reads."""
        if self.question:
            yield self.question
        for child in self.children:
            yield from child.questions()


@dataclass(frozen=True, slots=True)
class Option:
    key: str
    label: Text
    hidden: bool = False  # removed from the form; existing answers keep pointing at it
    other: bool = False  # "other, please specify": choosing it asks for a text (see ``other_key``)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"key": self.key, "label": dict(self.label)}
        if self.hidden:
            out["hidden"] = True
        if self.other:
            out["other"] = True
        return out


@dataclass(frozen=True, slots=True)
class Scale:
    """A rating scale min..max with end labels and an optional "don't know / not relevant"."""

    min: int = 1
    max: int = 6
    min_label: Text = field(default_factory=dict)
    max_label: Text = field(default_factory=dict)
    dont_know: bool = False
    top_box: int | None = None  # lowest value counted as "top box"; default: the top two values

    def values(self) -> list[int]:
        return list(range(self.min, self.max + 1))

    def top_box_from(self) -> int:
        return self.top_box if self.top_box is not None else max(self.min, self.max - 1)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"min": self.min, "max": self.max}
        if self.min_label:
            out["min_label"] = dict(self.min_label)
        if self.max_label:
            out["max_label"] = dict(self.max_label)
        if self.dont_know:
            out["dont_know"] = True
        if self.top_box is not None:
            out["top_box"] = self.top_box
        return out


@dataclass(frozen=True, slots=True)
class Question:
    key: str
    type: str
    text: Text
    help: Text = field(default_factory=dict)
    required: bool = False
    options: tuple[Option, ...] = ()
    scale: Scale | None = None
    rows: tuple[Question, ...] = ()  # matrix statements, each answered on ``scale``
    condition: Condition | None = None
    dimension: str | None = None  # background questions: a standard dimension key
    theme: str | None = None  # index/theme the question counts towards in results
    min: float | None = None  # number questions
    max: float | None = None
    max_length: int | None = None  # text questions
    local: bool = False  # added by a unit, not from the question bank
    hidden: bool = False
    # The text answering the "other" option of choice question ``specifies``: made by the parser
    # right after that question (``other_question``), never written by ``to_dict``.
    specifies: str | None = None

    def other_option(self) -> Option | None:
        """Return the question's "other, please specify" option, if it has one."""
        return next((o for o in self.options if o.other), None)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"key": self.key, "type": self.type, "text": dict(self.text)}
        if self.help:
            out["help"] = dict(self.help)
        if self.required:
            out["required"] = True
        if self.options:
            out["options"] = [o.to_dict() for o in self.options]
        if self.scale is not None:
            out["scale"] = self.scale.to_dict()
        if self.rows:
            out["rows"] = [r.to_dict() for r in self.rows]
        if self.condition is not None:
            out["condition"] = self.condition.to_dict()
        for name in ("dimension", "theme", "min", "max", "max_length"):
            value = getattr(self, name)
            if value is not None:
                out[name] = value
        if self.local:
            out["local"] = True
        if self.hidden:
            out["hidden"] = True
        return out


@dataclass(frozen=True, slots=True)
class Section:
    key: str
    title: Text
    questions: tuple[Question, ...]
    description: Text = field(default_factory=dict)
    condition: Condition | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"key": self.key, "title": dict(self.title)}
        if self.description:
            out["description"] = dict(self.description)
        if self.condition is not None:
            out["condition"] = self.condition.to_dict()
        out["questions"] = [q.to_dict() for q in self.questions if q.specifies is None]
        return out


@dataclass(frozen=True, slots=True)
class Definition:
    key: str
    title: Text
    languages: tuple[str, ...]
    sections: tuple[Section, ...]
    intro: Text = field(default_factory=dict)
    thanks: Text = field(default_factory=dict)
    service_area: str | None = None
    themes: Mapping[str, Text] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "format": FORMAT,
            "key": self.key,
            "title": dict(self.title),
            "languages": list(self.languages),
        }
        if self.service_area:
            out["service_area"] = self.service_area
        if self.intro:
            out["intro"] = dict(self.intro)
        if self.thanks:
            out["thanks"] = dict(self.thanks)
        if self.themes:
            out["themes"] = {k: dict(v) for k, v in self.themes.items()}
        out["sections"] = [s.to_dict() for s in self.sections]
        return out

    def questions(self, *, include_rows: bool = True) -> Iterator[Question]:
        """Yield every question in order (matrix rows after their matrix)."""
        for section in self.sections:
            for question in section.questions:
                yield question
                if include_rows:
                    yield from question.rows

    def question(self, key: str) -> Question:
        for q in self.questions():
            if q.key == key:
                return q
        raise KeyError(key)


def missing_translations(definition: Definition) -> dict[str, list[str]]:
    """Return, per language the survey offers, the places whose text is missing in that language."""
    missing: dict[str, list[str]] = {lang: [] for lang in definition.languages}

    def check(text: Text, where: str) -> None:
        if not text:
            return
        for lang in definition.languages:
            if not text.get(lang, "").strip():
                missing[lang].append(where)

    check(definition.title, "title")
    check(definition.intro, "intro")
    check(definition.thanks, "thanks")
    for theme_key, theme in definition.themes.items():
        check(theme, f"themes.{theme_key}")
    for section in definition.sections:
        check(section.title, f"{section.key}.title")
        check(section.description, f"{section.key}.description")
        for q in section.questions:
            if q.specifies is not None:
                continue  # made of its choice question's texts, checked there
            for item in (q, *q.rows):
                check(item.text, f"{item.key}.text")
                check(item.help, f"{item.key}.help")
                for o in item.options:
                    check(o.label, f"{item.key}.{o.key}")
            if q.scale:
                check(q.scale.min_label, f"{q.key}.min_label")
                check(q.scale.max_label, f"{q.key}.max_label")
    return missing


OTHER_OPTION = "other"  # the key the builder gives an "other" option (XLSForm's or_other choice)
OTHER_LABELS = {"nb": "Annet", "nn": "Anna", "en": "Other"}  # its label when none is given
OTHER_SUFFIX = (
    "_other"  # the key of an "other" text: its choice question's key and this (as XLSForm's or_other)
)


def other_key(key: str) -> str:
    """Return the key of the text that answers choice question ``key``'s "other" option."""
    return key + OTHER_SUFFIX


def other_question(question: Question) -> Question | None:
    """Return the text question answering ``question``'s "other" option, or None when it has none.

    Why a question of its own rather than text on the choice's answer: then the text is stored,
    exported (the column next to the choice), summarised and protected exactly as free text is
    (the text threshold, masking), and conditions and counts on the choice stay option keys.
    It is shown when the option is chosen; its text is the question's and the option's.
    """
    option = question.other_option()
    if option is None:
        return None
    text = {
        lang: f"{question.text[lang]} – {option.label[lang]}"
        for lang in question.text
        if question.text.get(lang) and option.label.get(lang)
    }
    return Question(
        key=other_key(question.key),
        type=QType.TEXT,
        text=text or dict(option.label),
        required=question.required,
        condition=Condition(op="equals", question=question.key, value=option.key),
        local=question.local,
        hidden=question.hidden or option.hidden,
        specifies=question.key,
    )


def tx(text: Text | None, lang: str, fallback: Sequence[str]) -> str:
    """Pick ``text`` in ``lang``, else in the first fallback language that has it."""
    if not text:
        return ""
    for code in (lang, *fallback):
        if text.get(code):
            return text[code]
    return next(iter(text.values()), "")


def __getattr__(name: str) -> Any:
    """Serve ``parse_definition`` from ``parser.py`` for callers that import it from here.

    The parser asks the question types, which build on the classes above, so it cannot be
    imported at the top of this module; looked up on first use instead (PEP 562).
    """
    if name == "parse_definition":
        from .parser import parse_definition

        return parse_definition
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
