"""The survey definition format ("medvirk-survey/1"): one document describes a whole survey.

The question bank, JSON export/import, XLSForm interchange and the database all meet here: a
definition is parsed and validated into frozen dataclasses, and serialised back losslessly.
Pure Python (no Django) so the answer engine and tests can use it anywhere.

Every user-visible text is a ``Text``: a mapping from language code to string ({"nb": …}).
Keys (survey, section, question, option) are stable identifiers: wording may change, keys never,
so every unit and every round stays comparable.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from medvirk.common.dimensions import DIMENSIONS_BY_KEY, PREFER_NOT_TO_SAY

FORMAT = "medvirk-survey/1"
KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
MAX_OPTIONS = 200  # per question: a longer list is unusable on a phone and bloats the registry
LOCAL_PREFIX = "local_"  # keys of questions a unit adds itself: never in a question bank template

Text = Mapping[str, str]


class QType:
    """Question types. Behaviour per type lives in ``medvirk.surveys.answering.engine``."""

    SINGLE = "single"
    MULTIPLE = "multiple"
    RATING = "rating"
    MATRIX = "matrix"
    NPS = "nps"  # 0–10 scale
    NUMBER = "number"
    DATE = "date"
    TEXT = "text"
    TEXTAREA = "textarea"
    CONSENT = "consent"
    BACKGROUND = "background"

    ALL = frozenset(
        {SINGLE, MULTIPLE, RATING, MATRIX, NPS, NUMBER, DATE, TEXT, TEXTAREA, CONSENT, BACKGROUND}
    )
    WITH_OPTIONS = frozenset({SINGLE, MULTIPLE})
    SCALED = frozenset({RATING, MATRIX})


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

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"key": self.key, "label": dict(self.label)}
        if self.hidden:
            out["hidden"] = True
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
        out["questions"] = [q.to_dict() for q in self.questions]
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


# --- parsing ------------------------------------------------------------------------------


class _Parser:
    def __init__(self) -> None:
        self.problems: list[tuple[str, str]] = []
        self.keys: set[str] = set()

    def fail(self, where: str, what: str) -> None:
        self.problems.append((where, what))

    def text(self, raw: Any, where: str, *, required: bool = True) -> dict[str, str]:
        if raw is None or raw == {}:
            if required:
                self.fail(where, "text is missing")
            return {}
        if isinstance(raw, str):
            return {"nb": raw}
        if not isinstance(raw, Mapping) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in raw.items()
        ):
            self.fail(where, "text must be an object of language code to string")
            return {}
        return {k: v for k, v in raw.items()}

    def flag(self, raw: Any, where: str) -> bool:
        if not isinstance(raw, bool):
            self.fail(where, "must be true or false")
            return False
        return raw

    def key(self, raw: Any, where: str, *, unique: bool = True) -> str:
        if not isinstance(raw, str) or not KEY_RE.match(raw):
            self.fail(
                where,
                f"key {raw!r} must be lower-case letters, digits and _ (max 63), starting with a letter",
            )
            return str(raw)
        if unique:
            if raw in self.keys:
                self.fail(where, f"key {raw!r} is used twice")
            self.keys.add(raw)
        return raw

    def condition(self, raw: Any, where: str) -> Condition | None:
        if raw is None:
            return None
        if not isinstance(raw, Mapping):
            self.fail(where, "condition must be an object")
            return None
        for group in ("all", "any"):
            if group in raw:
                items = raw[group]
                if not isinstance(items, list) or not items:
                    self.fail(where, f"'{group}' needs a non-empty list")
                    return None
                children = tuple(
                    c for i, item in enumerate(items) if (c := self.condition(item, f"{where}.{group}[{i}]"))
                )
                return Condition(op=group, children=children)
        op = raw.get("op")
        question = raw.get("question")
        if not isinstance(question, str):
            self.fail(where, "condition needs 'question'")
            return None
        if op == "equals":
            if "value" not in raw:
                self.fail(where, "'equals' needs a 'value'")
            return Condition(op=op, question=question, value=raw.get("value"))
        if op == "one_of":
            values = raw.get("values")
            if not isinstance(values, list) or not values:
                self.fail(where, "'one_of' needs a non-empty 'values' list")
                return None
            return Condition(op=op, question=question, values=tuple(values))
        if op == "range":
            lo, hi = raw.get("min"), raw.get("max")
            if lo is None and hi is None:
                self.fail(where, "'range' needs 'min' and/or 'max'")
            return Condition(op=op, question=question, min=lo, max=hi)
        if op == "answered":
            return Condition(op=op, question=question)
        self.fail(where, f"unknown condition op {op!r} (use equals, one_of, range, answered, all, any)")
        return None

    def scale(self, raw: Any, where: str, qtype: str) -> Scale | None:
        if raw is None:
            if qtype in QType.SCALED:
                return Scale()
            return None
        if not isinstance(raw, Mapping):
            self.fail(where, "scale must be an object")
            return None
        lo, hi = raw.get("min", 1), raw.get("max", 6)
        if (
            isinstance(lo, bool)
            or isinstance(hi, bool)
            or not (isinstance(lo, int) and isinstance(hi, int))
            or not (0 <= lo < hi <= 10)
        ):
            self.fail(where, "scale needs whole numbers 0 ≤ min < max ≤ 10")
            return None
        top = raw.get("top_box")
        if top is not None and not (isinstance(top, int) and lo <= top <= hi):
            self.fail(where, "top_box must lie on the scale")
            top = None
        return Scale(
            min=lo,
            max=hi,
            min_label=self.text(raw.get("min_label"), f"{where}.min_label", required=False),
            max_label=self.text(raw.get("max_label"), f"{where}.max_label", required=False),
            dont_know=bool(raw.get("dont_know", False)),
            top_box=top,
        )

    def question(self, raw: Any, where: str, *, in_matrix: bool = False) -> Question | None:
        if not isinstance(raw, Mapping):
            self.fail(where, "question must be an object")
            return None
        key = self.key(raw.get("key"), f"{where}.key")
        qtype = raw.get("type", QType.RATING if in_matrix else None)
        if qtype not in QType.ALL:
            self.fail(f"{where}.type", f"unknown question type {qtype!r}")
            return None
        dimension = raw.get("dimension")
        options: list[Option] = []
        if qtype == QType.BACKGROUND:
            if dimension not in DIMENSIONS_BY_KEY:
                self.fail(f"{where}.dimension", f"unknown background dimension {dimension!r}")
        elif dimension is not None:
            self.fail(f"{where}.dimension", "only background questions have a dimension")
        option_keys: set[str] = set()
        if len(raw.get("options") or []) > MAX_OPTIONS:
            self.fail(f"{where}.options", f"a question can have at most {MAX_OPTIONS} options")
        for i, item in enumerate(raw.get("options") or []):
            ow = f"{where}.options[{i}]"
            if not isinstance(item, Mapping):
                self.fail(ow, "option must be an object")
                continue
            okey = self.key(item.get("key"), f"{ow}.key", unique=False)
            if okey in option_keys:
                self.fail(ow, f"option key {okey!r} is used twice")
            if okey == PREFER_NOT_TO_SAY:
                self.fail(ow, f"{PREFER_NOT_TO_SAY!r} is added automatically")
            option_keys.add(okey)
            options.append(
                Option(okey, self.text(item.get("label"), f"{ow}.label"), bool(item.get("hidden", False)))
            )
        if qtype in QType.WITH_OPTIONS and not [o for o in options if not o.hidden]:
            self.fail(f"{where}.options", "choice questions need at least one option")
        if qtype not in QType.WITH_OPTIONS and qtype != QType.BACKGROUND and options:
            self.fail(f"{where}.options", f"{qtype} questions have no options")
        if qtype == QType.BACKGROUND and options:
            self.fail(f"{where}.options", "background options come from the standard dimension")
        rows: list[Question] = []
        if qtype == QType.MATRIX:
            for i, item in enumerate(raw.get("rows") or []):
                row = self.question(
                    {**item, "type": QType.RATING, "scale": raw.get("scale")}
                    if isinstance(item, Mapping)
                    else item,
                    f"{where}.rows[{i}]",
                    in_matrix=True,
                )
                if row:
                    rows.append(row)
            if not rows:
                self.fail(f"{where}.rows", "a matrix needs at least one statement")
        elif raw.get("rows"):
            self.fail(f"{where}.rows", "only matrix questions have rows")
        lo, hi = raw.get("min"), raw.get("max")
        for name, value in (("min", lo), ("max", hi)):
            if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
                self.fail(f"{where}.{name}", "must be a number")
        if isinstance(lo, int | float) and isinstance(hi, int | float) and lo > hi:
            self.fail(where, "min is larger than max")
        local = bool(raw.get("local", False))
        if key.startswith(LOCAL_PREFIX) and not local:
            self.fail(f"{where}.key", f"keys starting with {LOCAL_PREFIX!r} are reserved for local questions")
        max_length = raw.get("max_length")
        if max_length is not None and not (isinstance(max_length, int) and 1 <= max_length <= 20000):
            self.fail(f"{where}.max_length", "must be a whole number 1–20000")
        return Question(
            key=key,
            type=qtype,
            text=self.text(raw.get("text"), f"{where}.text", required=qtype != QType.BACKGROUND),
            help=self.text(raw.get("help"), f"{where}.help", required=False),
            required=bool(raw.get("required", False)),
            options=tuple(options),
            scale=self.scale(raw.get("scale"), f"{where}.scale", qtype)
            if qtype in QType.SCALED or raw.get("scale")
            else None,
            rows=tuple(rows),
            condition=self.condition(raw.get("condition"), f"{where}.condition"),
            dimension=dimension,
            theme=raw.get("theme"),
            min=lo,
            max=hi,
            max_length=max_length,
            local=local,
            hidden=bool(raw.get("hidden", False)),
        )


def parse_definition(raw: Any) -> Definition:
    """Validate a definition document and return it; raise ``DefinitionError`` listing every problem."""
    p = _Parser()
    if not isinstance(raw, Mapping):
        raise DefinitionError([("$", "a survey definition must be a JSON object")])
    if raw.get("format", FORMAT) != FORMAT:
        p.fail("$.format", f"unsupported format {raw.get('format')!r}; expected {FORMAT!r}")
    key = p.key(raw.get("key"), "$.key", unique=False)
    languages = raw.get("languages") or ["nb"]
    if not isinstance(languages, list) or not all(
        isinstance(x, str) and 2 <= len(x) <= 10 for x in languages
    ):
        p.fail("$.languages", "languages must be a list of language codes")
        languages = ["nb"]
    sections: list[Section] = []
    raw_sections = raw.get("sections")
    if not isinstance(raw_sections, list) or not raw_sections:
        p.fail("$.sections", "a survey needs at least one section")
        raw_sections = []
    for i, s in enumerate(raw_sections):
        where = f"$.sections[{i}]"
        if not isinstance(s, Mapping):
            p.fail(where, "section must be an object")
            continue
        skey = p.key(s.get("key"), f"{where}.key")
        questions = tuple(
            q
            for j, item in enumerate(s.get("questions") or [])
            if (q := p.question(item, f"{where}.questions[{j}]"))
        )
        if not questions:
            p.fail(f"{where}.questions", "a section needs at least one question")
        sections.append(
            Section(
                key=skey,
                title=p.text(s.get("title"), f"{where}.title"),
                questions=questions,
                description=p.text(s.get("description"), f"{where}.description", required=False),
                condition=p.condition(s.get("condition"), f"{where}.condition"),
            )
        )
    themes_raw = raw.get("themes") or {}
    themes = (
        {k: p.text(v, f"$.themes.{k}") for k, v in themes_raw.items()}
        if isinstance(themes_raw, Mapping)
        else {}
    )
    definition = Definition(
        key=key,
        title=p.text(raw.get("title"), "$.title"),
        languages=tuple(languages),
        sections=tuple(sections),
        intro=p.text(raw.get("intro"), "$.intro", required=False),
        thanks=p.text(raw.get("thanks"), "$.thanks", required=False),
        service_area=raw.get("service_area"),
        themes=themes,
    )
    _check_references(definition, p)
    if p.problems:
        raise DefinitionError(p.problems)
    return definition


def _check_references(definition: Definition, p: _Parser) -> None:
    """Conditions may only read questions that come earlier; themes must be declared."""
    seen: set[str] = set()
    for si, section in enumerate(definition.sections):
        if section.condition:
            for ref in section.condition.questions():
                if ref not in seen:
                    p.fail(
                        f"$.sections[{si}].condition", f"refers to {ref!r}, which is not an earlier question"
                    )
        for question in section.questions:
            if question.condition:
                for ref in question.condition.questions():
                    if ref not in seen:
                        p.fail(
                            f"question {question.key}",
                            f"condition refers to {ref!r}, which is not an earlier question",
                        )
            if question.theme and definition.themes and question.theme not in definition.themes:
                p.fail(f"question {question.key}", f"theme {question.theme!r} is not declared in 'themes'")
            seen.add(question.key)
            seen.update(r.key for r in question.rows)


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
            for item in (q, *q.rows):
                check(item.text, f"{item.key}.text")
                check(item.help, f"{item.key}.help")
                for o in item.options:
                    check(o.label, f"{item.key}.{o.key}")
            if q.scale:
                check(q.scale.min_label, f"{q.key}.min_label")
                check(q.scale.max_label, f"{q.key}.max_label")
    return missing


def tx(text: Text | None, lang: str, fallback: Sequence[str]) -> str:
    """Pick ``text`` in ``lang``, else in the first fallback language that has it."""
    if not text:
        return ""
    for code in (lang, *fallback):
        if text.get(code):
            return text[code]
    return next(iter(text.values()), "")
