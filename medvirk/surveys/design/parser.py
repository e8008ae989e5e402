"""Parse and validate a survey definition document into the dataclasses of ``definition``.

Every problem is collected with its location (``$.sections[0].questions[2].options``) and
raised together as one ``DefinitionError``. What depends on the question type (options, rows,
dimension, scale) is asked of the type in ``medvirk.surveys.qtypes``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from medvirk.common.dimensions import PREFER_NOT_TO_SAY

from .. import qtypes

if TYPE_CHECKING:
    from ..qtypes import QuestionType
from .definition import (
    FORMAT,
    KEY_RE,
    LOCAL_PREFIX,
    MAX_OPTIONS,
    OTHER_SUFFIX,
    Condition,
    Definition,
    DefinitionError,
    Option,
    QType,
    Question,
    Scale,
    Section,
    other_question,
)


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

    def scale(self, raw: Any, where: str, qtype: QuestionType) -> Scale | None:
        default = qtype.default_scale()
        if raw is None:
            return default
        if not isinstance(raw, Mapping):
            self.fail(where, "scale must be an object")
            return None
        base = default or Scale()
        lo, hi = raw.get("min", base.min), raw.get("max", base.max)
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

    def options(self, raw: Any, where: str) -> tuple[Option, ...]:
        items = raw or []
        if len(items) > MAX_OPTIONS:
            self.fail(f"{where}.options", f"a question can have at most {MAX_OPTIONS} options")
        options: list[Option] = []
        option_keys: set[str] = set()
        for i, item in enumerate(items):
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
            other = item.get("other", False) is not False and self.flag(item.get("other"), f"{ow}.other")
            label = self.text(item.get("label"), f"{ow}.label")
            options.append(Option(okey, label, bool(item.get("hidden", False)), other))
        if sum(1 for o in options if o.other) > 1:
            self.fail(f"{where}.options", "a question can have only one 'other' option")
        return tuple(options)

    def other(self, question: Question, qtype: QuestionType, where: str) -> Question | None:
        """Return the text question of ``question``'s "other" option (its key checked), or None."""
        if question.other_option() is None:
            return None
        if not qtype.other_option:
            self.fail(f"{where}.options", f"{qtype.key} questions have no 'other' option")
            return None
        if len(question.key) + len(OTHER_SUFFIX) > 63:
            self.fail(
                f"{where}.key",
                f"a question with an 'other' option has a key of at most {63 - len(OTHER_SUFFIX)} characters",
            )
            return None
        derived = other_question(question)
        if derived is not None:
            self.key(derived.key, f"{where}.options (the 'other' text {derived.key!r})")
        return derived

    def bounds(self, raw: Mapping[str, Any], where: str) -> tuple[Any, Any]:
        """Return a number question's min and max, checked."""
        lo, hi = raw.get("min"), raw.get("max")
        for name, value in (("min", lo), ("max", hi)):
            if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
                self.fail(f"{where}.{name}", "must be a number")
        if isinstance(lo, int | float) and isinstance(hi, int | float) and lo > hi:
            self.fail(where, "min is larger than max")
        return lo, hi

    def max_length(self, raw: Mapping[str, Any], where: str) -> Any:
        max_length = raw.get("max_length")
        if max_length is not None and not (isinstance(max_length, int) and 1 <= max_length <= 20000):
            self.fail(f"{where}.max_length", "must be a whole number 1–20000")
        return max_length

    def matrix_row(self, raw: Any, where: str) -> Question | None:
        return self.question(raw, where, in_matrix=True)

    def question(self, raw: Any, where: str, *, in_matrix: bool = False) -> Question | None:
        if not isinstance(raw, Mapping):
            self.fail(where, "question must be an object")
            return None
        key = self.key(raw.get("key"), f"{where}.key")
        qtype = qtypes.find(raw.get("type", QType.RATING if in_matrix else None))
        if qtype is None:
            self.fail(f"{where}.type", f"unknown question type {raw.get('type')!r}")
            return None
        qtype.check_dimension(raw.get("dimension"), self.fail, where)
        options = self.options(raw.get("options"), where)
        qtype.check_options(options, self.fail, where)
        rows = qtype.parse_rows(raw, self.matrix_row, self.fail, where)
        lo, hi = self.bounds(raw, where)
        local = bool(raw.get("local", False))
        if key.startswith(LOCAL_PREFIX) and not local:
            self.fail(f"{where}.key", f"keys starting with {LOCAL_PREFIX!r} are reserved for local questions")
        max_length = self.max_length(raw, where)
        question = Question(
            key=key,
            type=qtype.key,
            text=self.text(raw.get("text"), f"{where}.text", required=qtype.text_required),
            help=self.text(raw.get("help"), f"{where}.help", required=False),
            required=bool(raw.get("required", False)),
            options=options,
            scale=self.scale(raw.get("scale") or None, f"{where}.scale", qtype),
            rows=rows,
            condition=self.condition(raw.get("condition"), f"{where}.condition"),
            dimension=raw.get("dimension"),
            theme=raw.get("theme"),
            min=lo,
            max=hi,
            max_length=max_length,
            local=local,
            hidden=bool(raw.get("hidden", False)),
        )
        if question.scale is not None:
            qtype.check_scale(question.scale, self.fail, f"{where}.scale")
        return question


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
            item
            for j, raw_question in enumerate(s.get("questions") or [])
            if (q := p.question(raw_question, f"{where}.questions[{j}]"))
            for item in (q, p.other(q, qtypes.get(q.type), f"{where}.questions[{j}]"))
            if item is not None
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
